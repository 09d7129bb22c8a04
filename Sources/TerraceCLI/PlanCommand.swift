import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
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
                try PlanFileIO.write(plan, to: out)
            } catch {
                console.error(EnvironmentSession.describe(error))
                throw ExitCode.failure
            }
        }
        if json {
            console.line(plan.json.encoded(.pretty))
        } else {
            for line in PlanRenderer(useColor: console.useColor).lines(plan) { console.line(line) }
            if let out, plan.hasChanges {
                console.line()
                console.line("Saved the plan to \(out). Apply exactly these changes with: terrace apply --env \(options.env) \(out)")
            }
        }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}

/// Saved plans on disk: written atomically, readable only by the owner (they carry attributes).
enum PlanFileIO {
    static func write(_ plan: Plan, to path: String) throws {
        let bytes = plan.json.encodedBytes(.pretty) + [0x0A]
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw EngineError("cannot write the plan to \(path): \(String(cString: strerror(errno)))") }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written <= 0 {
                close(fd)
                throw EngineError("cannot write the plan to \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        close(fd)
        guard rename(temporary, path) == 0 else { throw EngineError("cannot write the plan to \(path): \(String(cString: strerror(errno)))") }
    }

    static func read(_ path: String) throws -> Plan {
        guard let file = fopen(path, "rb") else {
            throw EngineError("cannot read the plan \(path): \(String(cString: strerror(errno))); make one with `terrace plan --out \(path)`")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return try Plan.decode(bytes, file: path)
    }
}
