import ArgumentParser
import TerraceEngine
import TerraceJSON

/// `terrace plan --env E`: refresh, compare, and show what `apply` would do.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would change: refreshes every resource and compares it with the declarations.",
        discussion: """
            Exit codes: 0 success; 1 error; with --detailed-exitcode, 0 means no changes and 2 means changes.
            A plan saved with --out is applied with `terrace apply --env E FILE`, which refuses it if the state \
            changed since.
            """
    )

    @OptionGroup var options: EnvironmentOptions

    @Option(name: .customLong("target"), help: ArgumentHelp("Plan only this address and what it depends on (repeatable).", valueName: "address"))
    var targets: [String] = []

    @Flag(help: "Print the plan as JSON (actions, attribute changes and reasons) instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Save the plan to this file for `terrace apply`.", valueName: "file"))
    var out: String?

    @Flag(help: "Exit 2 when the plan has changes, 0 when it has none.")
    var detailedExitcode = false

    func run() async throws {
        let console = Console.standard
        let plan = try await EnvironmentSession.run(options) { session in
            if !json { session.announceRefresh() }
            return try await session.engine.withLock("plan") { snapshot in
                try await session.engine.plan(snapshot, targets: targets)
            }
        }
        if let out {
            do {
                try plan.save(to: out)
            } catch {
                console.error(EnvironmentSession.describe(error))
                throw ExitCode.failure
            }
        }
        if json {
            console.line(plan.json.encoded(.pretty))
        } else {
            for line in PlanRenderer(useColor: console.useColor).lines(plan) { console.line(line) }
            if let out {
                console.line()
                console.line(plan.hasChanges
                    ? "Saved the plan to \(out). Apply exactly these changes with: terrace apply --env \(options.env) \(out)"
                    : "Saved the plan to \(out) (it has no changes).")
            }
        }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}
