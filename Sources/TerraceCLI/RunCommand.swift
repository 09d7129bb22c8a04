import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GoogleCloud
import Synchronization
import TerraceDSL
import TerraceEngine
import TerraceJSON
import TerraceModels
import TerracePipelines
import TerraceTime

/// `terrace run --env E [--select SEL]… [--date D] [--run-id ID] [--max-bad-records N]`: runs
/// the pipelines. Bronze sources land their records in the lake and load them into the bronze
/// dataset; a run-results file records what each did.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the pipelines: ingest bronze sources into the lake and BigQuery.",
        discussion: """
            Selection (repeatable): layer:bronze|silver|gold, source:NAME, tag:TAG, a model or source NAME, with +NAME
            for its upstream and NAME+ for its downstream. Without --select, everything runs: bronze, then the models.
            Each source's run id is a hash of environment, source and --date, so running the same date again
            replaces what it wrote; --run-id names a run yourself.
            """
    )

    @OptionGroup var environment: EnvironmentOptions

    @Option(name: .customLong("select"), help: "What to run: layer:L, source:NAME, tag:TAG, NAME, +NAME, NAME+ (repeatable).")
    var selections: [String] = []

    @Option(help: ArgumentHelp("The run's logical date (default: today, UTC).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: "The run id (default: a hash of environment, source and date).")
    var runID: String?

    @Option(help: "Records per source that may be unreadable or refused by a schema contract before the source fails.")
    var maxBadRecords: Int = 0

    @Option(help: "Where to write the run-results JSON (default: .terrace/runs/<env>/run_results.json).")
    var results: String?

    @Flag(help: "Rebuild incremental and scd2 models from scratch.")
    var fullRefresh = false

    func validate() throws {
        if let date, !Self.isDate(date) { throw ValidationError("--date must be a date such as 2024-01-31, got \"\(date)\"") }
        if let runID, runID.isEmpty || !runID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) || runID.count > 64 {
            throw ValidationError("--run-id must be 1 to 64 letters, digits, _ or -, got \"\(runID)\"")
        }
        if maxBadRecords < 0 { throw ValidationError("--max-bad-records must be 0 or more") }
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]), (1...12).contains(month), day >= 1
        else { return false }
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        return (y, m, d) == (year, month, day)
    }

    func run() async throws {
        let console = Console.standard
        let started = TimeSource.live.now()
        // A selection may be bronze sources alone, which run whatever state the models are in.
        let (sources, nodes) = try await EnvironmentSession.run(environment, modelsOptional: !selections.isEmpty) {
            session -> ([SourceRunResult], [NodeRunResult]) in
            let configuration = session.configuration
            let env = configuration.environment
            let loaded: PipelineProject?
            var bronzeOnly: [Source]?
            do {
                loaded = try PipelineProject.load(environment: env, resources: session.engine.resources)
            } catch {
                // Ingestion does not wait on a model being edited: a selection of bronze sources
                // alone runs them, and says why the models were left.
                guard let only = Self.bronzeSources(selections, Declarations.bronze(env)) else { throw error }
                let count = "\(error)".split(separator: "\n").last.map(String.init) ?? ""
                console.line(console.styled("Warning: ", .yellow) + "the models under pipelines/ do not compile (\(count)); running the selected "
                                 + "bronze sources only (`terrace deploy --env \(self.environment.env)` shows the problems)")
                loaded = nil
                bronzeOnly = only
            }
            let bronze = loaded?.bronze ?? Declarations.bronze(env)
            let selected = try loaded?.select(selections) ?? []
            for name in configuration.sources.keys where name != "*" && bronze.source(name) == nil {
                throw EngineError("\(configuration.file): sources.\(name) overrides a source that is not declared "
                                      + "(declared: \(bronze.sources.map(\.name).joined(separator: ", ")))")
            }
            let sources = bronzeOnly ?? loaded?.sources(in: selected) ?? []
            let models = selected.filter { !ModelRunner.isSource($0) }
            if sources.isEmpty && models.isEmpty {
                console.line("Nothing to run: the selection matches no source or model.")
                return ([], [])
            }
            let micros = Int64(started * 1_000_000)
            let logicalDate = date ?? String(Timestamp.rfc3339(micros: micros, fractionDigits: 0).prefix(10))
            var results: [SourceRunResult] = []
            if !sources.isEmpty {
                let (bucket, dataset, location) = try Self.targets(bronze, session: session)
                let overrides = try Self.resolveLocalURLs(configuration.sources, localCloud: session.localCloudURL, file: configuration.file)
                let options = BronzeRunOptions(
                    environment: self.environment.env, project: env.project, bucket: bucket, dataset: dataset, location: location,
                    logicalDate: logicalDate, runID: runID, maxBadRecords: maxBadRecords, overrides: overrides,
                    variables: { name in getenv(name).map { String(cString: $0) } }, startedAt: micros,
                    parallelism: self.environment.parallelism)
                let runner = BronzeRunner(cloud: session.cloud, options: options)
                let reporter = ProgressReporter(names: sources.map(\.name))
                for source in sources {
                    let result = await runner.run(source) { reporter.update($0) }
                    reporter.finish(result)
                    results.append(result)
                }
            }
            guard !models.isEmpty, let pipelines = loaded else { return (results, []) }
            let failed = Set(results.filter { $0.status == .error }.map { NodeID.source($0.source) })
            // The local cloud evaluates a view for every query that reads it: a view read by several
            // nodes is copied once for the run. On BigQuery that would be an extra write.
            let options = ModelRunOptions(project: env.project, location: env.region, fullRefresh: fullRefresh,
                                          runAt: Date(timeIntervalSince1970: started), parallelism: min(4, self.environment.parallelism),
                                          copySharedViews: session.localCloudURL != nil)
            let runner = ModelRunner(bigquery: session.cloud.bigquery, project: pipelines.compiled, graph: pipelines.graph, options: options,
                                     runID: runID ?? BronzeRunner.runID(environment: self.environment.env, source: "models", date: logicalDate))
            let nodes = await runner.run(Set(selected), failedUpstream: failed) { NodeReporter.finish($0) }
            return (results, nodes)
        }
        guard !sources.isEmpty || !nodes.isEmpty else { return }
        let path = try writeResults(sources, nodes, started: started)
        printSummary(sources, nodes, console: console, resultsPath: path)
        if sources.contains(where: { $0.status == .error }) || nodes.contains(where: { $0.status == .error || $0.status == .fail }) {
            throw ExitCode.failure
        }
    }

    /// The bronze sources `selections` name when they name nothing else (`layer:bronze`,
    /// `source:NAME`, or a declared source's name); nil otherwise, or without a selection.
    static func bronzeSources(_ selections: [String], _ bronze: Bronze) -> [Source]? {
        guard !selections.isEmpty else { return nil }
        var names: Set<String> = []
        for selection in selections {
            if selection == "layer:bronze" {
                names.formUnion(bronze.sources.map(\.name))
            } else if let source = bronze.source(selection.hasPrefix("source:") ? String(selection.dropFirst("source:".count)) : selection) {
                names.insert(source.name)
            } else {
                return nil
            }
        }
        return bronze.sources.filter { names.contains($0.name) }
    }

    /// Source overrides with `local:/path` URLs pointed at the environment's local cloud (its
    /// sample shop, say), whatever port it listens on.
    static func resolveLocalURLs(_ sources: [String: JSON], localCloud: String?, file: String) throws -> [String: JSON] {
        func resolve(_ value: JSON, _ where_: String) throws -> JSON {
            guard let text = value.stringValue, text.hasPrefix("local:") else { return value }
            guard let localCloud else {
                throw EngineError("\(file): \(where_) is \(text), but this environment has no local cloud; give the API's real URL")
            }
            return .string(localCloud + text.dropFirst("local:".count))
        }
        var resolved = sources
        for (name, entry) in sources {
            guard case .object(var fields) = entry else { continue }
            for key in ["url", "location"] { if let value = fields[key] { fields[key] = try resolve(value, "sources.\(name).\(key)") } }
            if let urls = fields["urls"]?.arrayValue {
                var out: [JSON] = []
                for url in urls { out.append(try resolve(url, "sources.\(name).urls")) }
                fields["urls"] = .array(out)
            }
            resolved[name] = .object(fields)
        }
        return resolved
    }

    /// The lake bucket's name and the bronze dataset's id and location, from the infra stack.
    static func targets(_ bronze: Bronze, session: EnvironmentSession) throws -> (String, String, String) {
        let resources = session.engine.resources
        guard let bucket = resources.first(where: { $0.address == Address("bucket.\(bronze.lake)") }),
              let bucketName = bucket.attributes["name"]?.stringValue
        else { throw EngineError("the bronze lake is bucket.\(bronze.lake), which infra/ does not declare; declare it or fix Bronze(lake:)") }
        guard let dataset = resources.first(where: { $0.address == Address("dataset.\(bronze.dataset)") }),
              let datasetID = dataset.attributes["datasetReference"]?["datasetId"]?.stringValue
        else { throw EngineError("the bronze dataset is dataset.\(bronze.dataset), which infra/ does not declare; declare it or fix Bronze(dataset:)") }
        let location = dataset.attributes["location"]?.stringValue ?? session.configuration.environment.region
        return (bucketName, datasetID, location)
    }

    private func writeResults(_ results: [SourceRunResult], _ nodes: [NodeRunResult], started: Double) throws -> String {
        try Self.writeResults(results, nodes, started: started, environment: environment.env, path: self.results)
    }

    /// Writes the run-results JSON (`terrace run`'s and `terrace test`'s) to `path` (default:
    /// `.terrace/runs/<env>/run_results.json`); answers the path.
    static func writeResults(_ results: [SourceRunResult], _ nodes: [NodeRunResult], started: Double, environment: String,
                             path: String?) throws -> String {
        let path = path ?? ".terrace/runs/\(environment)/run_results.json"
        let document: JSON = [
            "environment": .string(environment),
            "started_at": .string(Timestamp.rfc3339(micros: Int64(started * 1_000_000))),
            "elapsed_seconds": .double(((TimeSource.live.now() - started) * 1000).rounded() / 1000),
            "results": .array(results.map(\.json)),
            "nodes": .array(nodes.map(\.json)),
        ]
        try FileOutput.write(document.encodedBytes(.pretty) + [0x0A], to: path)
        return path
    }

    private func printSummary(_ results: [SourceRunResult], _ nodes: [NodeRunResult], console: Console, resultsPath: String) {
        if !results.isEmpty {
            var rows = [["source", "status", "records", "bytes", "objects", "time"]]
            for result in results {
                rows.append([result.source, result.status == .success ? "ok" : "error", ProgressReporter.count(result.records),
                             ProgressReporter.bytes(result.bytes), String(result.objects), ProgressReporter.seconds(result.durationSeconds)])
            }
            console.line()
            for (index, line) in console.table(rows, indent: 2).enumerated() { console.line(index == 0 ? console.styled(line, .bold) : line) }
        }
        let models = nodes.filter { $0.kind == "model" }
        if !models.isEmpty {
            var rows = [["model", "materialized", "status", "rows", "processed", "time"]]
            for node in models {
                rows.append([node.name, node.detail, NodeReporter.word(node.status), node.rows.map(ProgressReporter.count) ?? "",
                             ProgressReporter.bytes(node.bytesProcessed), ProgressReporter.seconds(node.durationSeconds)])
            }
            console.line()
            for (index, line) in console.table(rows, indent: 2).enumerated() { console.line(index == 0 ? console.styled(line, .bold) : line) }
        }
        for result in results where result.status == .error {
            console.error(result.error ?? "source \(result.source) failed")
        }
        for node in nodes where node.status == .error || node.status == .fail {
            console.error("\(node.kind) \(node.name): \(node.message ?? node.status.rawValue)")
        }
        let failedSources = results.filter { $0.status == .error }.count
        let failedNodes = nodes.filter { $0.status == .error || $0.status == .fail }.count
        let ok = failedSources == 0 && failedNodes == 0
        let summary = console.styled((ok ? "Run complete: " : "Run failed: ") + Self.counts(results, nodes) + ".", ok ? .green : .red)
        console.line("\n\(summary) Results: \(resultsPath)")
    }

    /// "1 source loaded, 7 of 7 models built, 20 of 20 tests passed".
    static func counts(_ results: [SourceRunResult], _ nodes: [NodeRunResult]) -> String {
        var parts: [String] = []
        let failedSources = results.filter { $0.status == .error }.count
        if !results.isEmpty {
            parts.append(failedSources == 0
                ? "\(results.count) source\(results.count == 1 ? "" : "s") loaded"
                : "\(failedSources) of \(results.count) source\(results.count == 1 ? "" : "s") failed")
        }
        let models = nodes.filter { $0.kind == "model" }
        if !models.isEmpty {
            parts.append("\(models.filter { $0.status == .success }.count) of \(models.count) model\(models.count == 1 ? "" : "s") built")
        }
        let tests = nodes.filter { $0.kind == "test" }
        if !tests.isEmpty {
            let warned = tests.filter { $0.status == .warn }.count
            parts.append("\(tests.filter { $0.status == .success }.count) of \(tests.count) test\(tests.count == 1 ? "" : "s") passed"
                             + (warned > 0 ? " (\(warned) warned)" : ""))
        }
        let skipped = nodes.filter { $0.status == .skipped }.count
        if skipped > 0 { parts.append("\(skipped) skipped") }
        return parts.joined(separator: ", ")
    }
}

/// One line per model or test as it ends (on stderr, like the bronze progress).
enum NodeReporter {
    static func finish(_ result: NodeRunResult) {
        var line = "\(result.kind) \(result.name): \(word(result.status))"
        if result.kind == "model", let rows = result.rows { line += ", \(ProgressReporter.count(rows)) rows" }
        if result.kind == "test", let rows = result.rows, rows > 0 { line += ", \(ProgressReporter.count(rows)) failing" }
        if result.status != .skipped { line += ", \(ProgressReporter.seconds(result.durationSeconds))" }
        if result.status == .skipped, let message = result.message { line += " (\(message))" }
        Console.write(line + "\n", to: STDERR_FILENO)
    }

    static func word(_ status: NodeRunResult.Status) -> String {
        switch status {
        case .success: "ok"
        case .warn: "warn"
        case .fail: "FAIL"
        case .error: "error"
        case .skipped: "skipped"
        }
    }
}

/// Progress on a terminal (one line per source, rewritten in place, at most ten times a
/// second); in CI, one line as each source ends.
final class ProgressReporter: Sendable {
    private let isTTY = isatty(STDERR_FILENO) == 1
    private let state = Mutex<(last: Double, started: Double)>((0, TimeSource.live.now()))
    let names: [String]

    init(names: [String]) { self.names = names }

    func update(_ progress: SourceProgress) {
        guard isTTY else { return }
        let now = TimeSource.live.now()
        let show = state.withLock { state -> Double? in
            guard now - state.last >= 0.1 else { return nil }
            state.last = now
            return now - state.started
        }
        guard let elapsed = show else { return }
        let rate = elapsed > 0 ? Double(progress.records) / elapsed : 0
        Console.write("\r\u{1B}[2K  \(progress.source)  \(Self.count(progress.records)) records  \(Self.count(Int64(rate)))/s  "
                          + "\(Self.bytes(progress.bytes))  \(progress.phase)…", to: STDERR_FILENO)
    }

    func finish(_ result: SourceRunResult) {
        state.withLock { $0.started = TimeSource.live.now() }
        let line = "\(result.source): \(result.status == .success ? "ok" : "error"), \(Self.count(result.records)) records, "
            + "\(Self.bytes(result.bytes)) in \(result.objects) object\(result.objects == 1 ? "" : "s"), \(Self.seconds(result.durationSeconds))"
            + (result.status == .success ? " (read and land \(Self.seconds(result.readSeconds)), load \(Self.seconds(result.loadSeconds)))" : "")
        Console.write((isTTY ? "\r\u{1B}[2K  " : "") + line + "\n", to: STDERR_FILENO)
    }

    static func count(_ value: Int64) -> String {
        let digits = Array(String(abs(value)))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return (value < 0 ? "-" : "") + out
    }

    static func bytes(_ value: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var amount = Double(value)
        var unit = 0
        while amount >= 1000 && unit < units.count - 1 {
            amount /= 1000
            unit += 1
        }
        return unit == 0 ? "\(value) B" : "\((amount * 10).rounded() / 10) \(units[unit])"
    }

    static func seconds(_ value: Double) -> String { "\((value * 100).rounded() / 100) s" }
}
