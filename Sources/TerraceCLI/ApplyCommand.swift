import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import TerraceEngine

/// `terrace apply --env E [PLANFILE]`: make the cloud match the declarations.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Make the cloud match the declarations (or apply a saved plan), writing the state as each resource completes."
    )

    @OptionGroup var options: EnvironmentOptions

    @Argument(help: "A plan saved by `terrace plan --out FILE`; applied without asking, refused if the state changed since.")
    var planFile: String?

    @Flag(help: "Apply without asking for confirmation.")
    var autoApprove = false

    @Option(name: .customLong("target"), help: ArgumentHelp("Apply only this address and what it depends on (repeatable).", valueName: "address"))
    var targets: [String] = []

    func validate() throws {
        if planFile != nil && !targets.isEmpty { throw ValidationError("--target cannot be combined with a saved plan; plan with --target instead") }
    }

    func run() async throws {
        try await ApplyFlow.run(options: options, planFile: planFile, autoApprove: autoApprove, targets: targets, destroy: false)
    }
}

/// `terrace destroy --env E`: delete everything the state records, in reverse dependency order.
struct DestroyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destroy",
        abstract: "Delete every resource the state records, dependents first (buckets and datasets holding data are protected)."
    )

    @OptionGroup var options: EnvironmentOptions

    @Flag(help: "Destroy without asking for confirmation.")
    var autoApprove = false

    @Option(name: .customLong("target"), help: ArgumentHelp("Destroy only this address and what depends on it (repeatable).", valueName: "address"))
    var targets: [String] = []

    func run() async throws {
        try await ApplyFlow.run(options: options, planFile: nil, autoApprove: autoApprove, targets: targets, destroy: true)
    }
}

/// Plan (or load a saved plan), confirm, apply, report: shared by apply and destroy.
enum ApplyFlow {
    /// `preflight` runs in the session before anything is planned (the deploy's model checks).
    static func run(options: EnvironmentOptions, planFile: String?, autoApprove: Bool, targets: [String], destroy: Bool,
                    preflight: ((EnvironmentSession) async throws -> Void)? = nil) async throws {
        let console = Console.standard
        let saved: Plan?
        do {
            saved = try planFile.map { try Plan.load(from: $0) }
        } catch {
            console.error(EnvironmentSession.describe(error))
            throw ExitCode.failure
        }
        let report: ApplyReport? = try await EnvironmentSession.run(options) { session in
            try await preflight?(session)
            let engine = session.engine
            return try await engine.withLock(destroy ? "destroy" : "apply") { snapshot -> ApplyReport? in
                let plan: Plan
                if let saved, let planFile {
                    try engine.check(saved: saved, file: planFile, against: snapshot)
                    plan = saved
                } else {
                    session.announceRefresh(destroy: destroy)
                    plan = try await engine.plan(snapshot, targets: targets, destroy: destroy)
                    for line in PlanRenderer(useColor: console.useColor).lines(plan) { console.line(line) }
                }
                guard plan.hasChanges else {
                    // Nothing to change in the cloud; still record what the refresh found.
                    if plan.refreshesState { _ = try await engine.apply(plan, snapshot: snapshot) }
                    return nil
                }
                if saved == nil && !autoApprove {
                    try confirm(plan, environment: options.env, project: session.configuration.environment.project, destroy: destroy, console)
                }
                console.line()
                let progress = ApplyProgress(console: console)
                return try await engine.apply(plan, snapshot: snapshot) { progress.show($0) }
            }
        }
        guard let report else {
            if saved != nil { console.line("No changes to apply.") }
            return
        }
        console.line()
        let created = report.succeeded.filter { $0.action == .create }.count
        let adopted = report.succeeded.filter { $0.action == .adopt }.count
        let updated = report.succeeded.filter { $0.action == .update }.count
        let replaced = report.succeeded.filter { $0.action == .replace }.count
        let forgotten = report.succeeded.filter { $0.action == .delete && $0.address.hasPrefix("service[") }.count
        let deleted = report.succeeded.filter { $0.action == .delete }.count - forgotten
        var counts = destroy ? "\(deleted) deleted"
            : "\(created) created, \(updated) updated, \(replaced) replaced, \(deleted) deleted"
        if forgotten > 0 { counts += ", \(forgotten) API\(forgotten == 1 ? "" : "s") forgotten (left enabled)" }
        if adopted > 0 && !destroy {
            counts = "\(created) created, \(adopted) adopted, \(updated) updated, \(replaced) replaced, \(deleted) deleted"
        }
        if report.ok {
            console.line("\(console.styled(destroy ? "Destroy complete:" : "Apply complete:", .green)) \(counts).")
            return
        }
        console.line("\(console.styled(destroy ? "Destroy failed:" : "Apply failed:", .red)) \(counts); "
                         + "\(report.failed.count) failed, \(report.notStarted.count) not started.")
        for failure in report.failed {
            console.line("  \(console.styled("✗", .red)) \(failure.address): \(failure.message)")
        }
        if !report.notStarted.isEmpty {
            console.line("  not started: \(report.notStarted.joined(separator: ", "))")
        }
        console.line("The state records everything that succeeded; fix the cause and run `terrace \(destroy ? "destroy" : "apply") --env \(options.env)` again.")
        throw ExitCode.failure
    }

    /// Asks on a terminal; refuses without one.
    static func confirm(_ plan: Plan, environment: String, project: String, destroy: Bool, _ console: Console) throws {
        guard isatty(STDIN_FILENO) == 1 else {
            if destroy {
                throw EngineError("destroy needs confirmation but standard input is not a terminal; run `terrace destroy --env \(environment) --auto-approve`")
            }
            throw EngineError("apply needs confirmation but standard input is not a terminal; "
                                  + "run with --auto-approve, or apply a saved plan: `terrace plan --env \(environment) --out plan.json` "
                                  + "then `terrace apply --env \(environment) plan.json`")
        }
        console.line()
        let question = destroy ? "Destroy these resources of environment \(environment) (project \(project))?"
            : "Apply these changes to environment \(environment) (project \(project))?"
        Console.write("\(console.styled(question, .bold)) Only 'yes' will be accepted: ", to: STDOUT_FILENO)
        let line = readLine(strippingNewline: true)
        if line == nil { Console.write("\n", to: STDOUT_FILENO) }
        let answer = line?.trimmingCharacters(in: " \t")
        guard answer == "yes" else { throw EngineError("\(destroy ? "destroy" : "apply") cancelled; nothing was changed") }
    }
}

/// One line as each operation starts and finishes.
final class ApplyProgress: Sendable {
    let console: Console
    private let lock = Mutex(())

    init(console: Console) { self.console = console }

    func show(_ event: ApplyEvent) {
        lock.withLock { _ in
            switch event {
            case .started(let address, let action, let phase):
                console.line("\(address): \(Self.verb(action, phase, done: false, address: address))…")
            case .finished(let address, let action, let phase, let seconds):
                let time = seconds < 10 ? String(Int((seconds * 100).rounded())).paddedSeconds : "\(Int(seconds))s"
                console.line("\(address): \(console.styled(Self.verb(action, phase, done: true, address: address), .green)) in \(time)")
            case .failed(let address, let action, let phase, _):
                console.line("\(address): \(console.styled("\(Self.verb(action, phase, done: false, address: address)) failed", .red))")
            }
        }
    }

    static func verb(_ action: PlanAction, _ phase: ApplyPhase, done: Bool, address: String) -> String {
        if action == .delete && address.hasPrefix("service[") { return done ? "forgotten (the API stays enabled)" : "forgetting" }
        return switch (action, phase) {
        case (.create, _), (.replace, .put): done ? "created" : "creating"
        case (.adopt, _): done ? "adopted" : "adopting"
        case (.update, _), (.noop, _): done ? "updated" : "updating"
        case (.delete, _), (.replace, .remove): done ? "deleted" : "deleting"
        }
    }
}

extension String {
    /// Hundredths of a second ("7" → "0.07s").
    fileprivate var paddedSeconds: String {
        let hundredths = Int(self) ?? 0
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)s"
    }

    func trimmingCharacters(in set: String) -> String {
        var text = Substring(self)
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return String(text)
    }
}
