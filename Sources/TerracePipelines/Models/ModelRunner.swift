import Foundation
import GoogleCloud
import TerraceDSL
import TerraceJSON
import TerraceModels

/// What one model or data test did in a run (an entry of the run-results file).
public struct NodeRunResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// The model was built, or the test found nothing.
        case success
        /// A test of severity warn found failing rows.
        case warn
        /// A test of severity error found failing rows.
        case fail
        /// The statement or query failed.
        case error
        /// Not run: something upstream failed.
        case skipped
    }

    /// `model` or `test`.
    public var kind: String
    public var name: String
    public var status: Status
    /// The model's materialization, or the test's kind.
    public var detail: String
    /// The model's table rows after the run; a test's failing rows (or values).
    public var rows: Int64?
    public var bytesProcessed: Int64
    public var durationSeconds: Double
    /// Why it failed or was skipped; a failing test's examples.
    public var message: String?

    public var json: JSON {
        var body: [String: JSON] = [
            "kind": .string(kind), "name": .string(name), "status": .string(status.rawValue), "detail": .string(detail),
            "bytes_processed": .int(bytesProcessed), "duration_seconds": .double((durationSeconds * 1000).rounded() / 1000),
        ]
        body["rows"] = rows.map { .int($0) } ?? .null
        body["message"] = message.map { .string($0) } ?? .null
        return .object(body)
    }
}

/// How models run: where, how many at once, and whether incrementals start over.
public struct ModelRunOptions: Sendable {
    public var project: String
    public var location: String
    /// Rebuild incremental and scd2 models from scratch.
    public var fullRefresh: Bool
    /// The run's timestamp (an scd2 check_cols version's `valid_from`).
    public var runAt: Date
    /// Models (with their tests) running at once.
    public var parallelism: Int
    /// Failing rows printed per failed test.
    public var examples: Int
    /// Copy a view that several nodes of the run read into a table of the run's when its node
    /// runs, and read the copy instead (``ModelRunner``): for the local cloud, whose engine
    /// evaluates a view again for every query that reads it; on BigQuery it would add a write.
    public var copySharedViews: Bool
    public var poll: @Sendable (Int) async throws -> Void

    public init(project: String, location: String = "US", fullRefresh: Bool = false, runAt: Date, parallelism: Int = 4, examples: Int = 5,
                copySharedViews: Bool = false,
                poll: @escaping @Sendable (Int) async throws -> Void = { try await Task.sleep(nanoseconds: UInt64(min(500, 20 << min($0, 5))) * 1_000_000) }) {
        self.project = project
        self.location = location
        self.fullRefresh = fullRefresh
        self.runAt = runAt
        self.parallelism = parallelism
        self.examples = examples
        self.copySharedViews = copySharedViews
        self.poll = poll
    }
}

/// Runs compiled models in dependency order, a bounded number at once, each model's tests right
/// after it: a model whose statement fails, or whose error-severity test fails, stops its
/// descendants only. Tables are replaced by one statement each (`CREATE OR REPLACE TABLE … AS`,
/// or one MERGE), so a failed model leaves its table as it was. Views belong to the deploy: a
/// run only checks that they exist.
public struct ModelRunner: Sendable {
    let jobs: BigQueryJobs
    let project: CompiledProject
    let graph: ModelGraph
    let options: ModelRunOptions
    let runID: String
    /// The views copied for this run (``ModelRunOptions/copySharedViews``).
    let copies = ViewCopies()

    public init(bigquery: GoogleCloudClient, project: CompiledProject, graph: ModelGraph, options: ModelRunOptions, runID: String) {
        self.jobs = BigQueryJobs(bigquery: bigquery, project: options.project, location: options.location, poll: options.poll)
        self.project = project
        self.graph = graph
        self.options = options
        self.runID = runID
    }

    /// Runs the selected models and tests (`selection`); `failedUpstream` are nodes (bronze
    /// sources) that already failed, whose descendants are skipped. `progress` hears each result.
    public func run(_ selection: Set<NodeID>, failedUpstream: Set<NodeID> = [],
                    progress: @escaping @Sendable (NodeRunResult) -> Void = { _ in }) async -> [NodeRunResult] {
        if options.copySharedViews {
            let shared = sharedViews(in: selection)
            copies.plan(shared)
            await dropLeftoverCopies(datasets: Set(shared.compactMap { project.model(named: $0)?.dataset }))
        }
        // Header tests run with their model; custom tests and models are scheduled as nodes.
        let owned = Set(project.tests.filter { $0.test.model != nil }.map { NodeID.test($0.test.name) })
        let scheduled = selection.filter { !owned.contains($0) && !Self.isSource($0) }
        var finished: Set<NodeID> = Set(selection.filter(Self.isSource))
        var broken = failedUpstream
        var results: [NodeRunResult] = []
        var running: Set<NodeID> = []
        // A view's copy is dropped once the view's node and every node reading it have finished.
        var copyReaders = options.copySharedViews ? readers(of: copies.plannedViews(), in: selection, owned: owned) : [:]
        var drops: [Task<Void, Never>] = []
        func dropFinishedCopies() {
            for (view, readers) in copyReaders where finished.contains(.model(view)) && readers.isSubset(of: finished) {
                copyReaders[view] = nil
                guard let table = project.model(named: view)?.table, let copy = copies.take(table) else { continue }
                drops.append(Task { [jobs] in await Self.drop(copy, jobs: jobs) })
            }
        }
        // A model starts once the other models its own tests read (a relationships test's parent)
        // are done too, so that its tests never run before their tables exist.
        let testReads = testDependencies(scheduled, selection: selection)
        await withTaskGroup(of: (NodeID, [NodeRunResult], Bool).self) { group in
            func startReady() {
                let ready = graph.ready(scheduled, finished: finished).filter { (testReads[$0] ?? []).isSubset(of: finished) }
                for node in ready where !running.contains(node) {
                    guard running.count < options.parallelism else { return }
                    if let cause = (graph.dependencies[node] ?? []).first(where: { broken.contains($0) }) {
                        let result = skipped(node, because: cause)
                        progress(result)
                        results.append(result)
                        finished.insert(node)
                        broken.insert(node)
                        continue
                    }
                    running.insert(node)
                    var tests = selection.contains(node) ? ownedTests(of: node, selected: selection) : []
                    // A test whose other parent failed is skipped; the model still builds.
                    let unreadable = tests.compactMap { test in
                        (graph.dependencies[.test(test.test.name)] ?? []).first(where: { broken.contains($0) && $0 != node })
                            .map { (test, $0) }
                    }
                    for (test, cause) in unreadable {
                        let result = skipped(.test(test.test.name), because: cause)
                        progress(result)
                        results.append(result)
                    }
                    tests.removeAll { test in unreadable.contains { $0.0.test.name == test.test.name } }
                    group.addTask { await runNode(node, tests: tests, progress: progress) }
                }
            }
            // Skipping can free more nodes at once: repeat until nothing new starts.
            var before = -1
            while before != finished.count + running.count {
                before = finished.count + running.count
                startReady()
            }
            while let (node, nodeResults, ok) = await group.next() {
                running.remove(node)
                finished.insert(node)
                if !ok { broken.insert(node) }
                results += nodeResults
                before = -1
                while before != finished.count + running.count {
                    before = finished.count + running.count
                    startReady()
                }
                dropFinishedCopies()
            }
        }
        for drop in drops { await drop.value }
        await Self.dropCopies(copies, jobs: jobs)
        return results
    }

    /// For each model in `scheduled`, the other selected nodes its own tests read (not those that
    /// read the model: they come after it whatever happens).
    func testDependencies(_ scheduled: Set<NodeID>, selection: Set<NodeID>) -> [NodeID: Set<NodeID>] {
        var reads: [NodeID: Set<NodeID>] = [:]
        for node in scheduled {
            let tests = ownedTests(of: node, selected: selection)
            guard !tests.isEmpty else { continue }
            let later = graph.descendants(of: node)
            let parents = tests.flatMap { graph.dependencies[.test($0.test.name)] ?? [] }
                .filter { $0 != node && selection.contains($0) && !later.contains($0) && !Self.isSource($0) }
            if !parents.isEmpty { reads[node] = Set(parents) }
        }
        return reads
    }

    /// Runs the selected data tests alone (`terrace test`), in the graph's order.
    public func test(_ selection: Set<NodeID>, progress: @escaping @Sendable (NodeRunResult) -> Void = { _ in }) async -> [NodeRunResult] {
        var results: [NodeRunResult] = []
        for case .test(let name) in graph.topologicalOrder where selection.contains(.test(name)) {
            guard let test = project.test(named: name) else { continue }
            let result = await runTest(test)
            progress(result)
            results.append(result)
        }
        return results
    }

    /// Whether `node` is a bronze source (run by the bronze runner, not here).
    public static func isSource(_ node: NodeID) -> Bool {
        if case .source = node { return true }
        return false
    }

    private func ownedTests(of node: NodeID, selected: Set<NodeID>) -> [CompiledTest] {
        guard case .model(let name) = node else { return [] }
        return project.tests.filter { $0.test.model == name && selected.contains(.test($0.test.name)) }
    }

    private func skipped(_ node: NodeID, because cause: NodeID) -> NodeRunResult {
        let detail = project.model(named: node.name)?.model.config.materialization.name ?? "test"
        return NodeRunResult(kind: Self.kind(node), name: node.name, status: .skipped, detail: detail, rows: nil, bytesProcessed: 0,
                             durationSeconds: 0, message: "\(cause) failed upstream")
    }

    static func kind(_ node: NodeID) -> String {
        if case .test = node { return "test" }
        return "model"
    }

    /// A model and its tests (or a custom test); whether its descendants may run.
    private func runNode(_ node: NodeID, tests: [CompiledTest], progress: @Sendable (NodeRunResult) -> Void) async -> (NodeID, [NodeRunResult], Bool) {
        switch node {
        case .model(let name):
            guard let model = project.model(named: name) else { return (node, [], false) }
            let built = await runModel(model)
            progress(built)
            var results = [built]
            guard built.status == .success else { return (node, results, false) }
            var ok = true
            for result in await runTests(tests, of: model) {
                progress(result)
                results.append(result)
                if result.status == .fail || result.status == .error { ok = false }
            }
            return (node, results, ok)
        case .test(let name):
            guard let test = project.test(named: name) else { return (node, [], false) }
            let result = await runTest(test)
            progress(result)
            return (node, [result], result.status != .fail && result.status != .error)
        case .source:
            return (node, [], true)
        }
    }

    // MARK: Models

    private var tablesPath: String { "\(jobs.projectPath)/datasets" }

    private func tablePath(_ model: CompiledModel) -> String {
        "\(tablesPath)/\(URLEncoding.component(model.dataset))/tables/\(URLEncoding.component(model.model.name))"
    }

    /// The model's table or view as BigQuery has it; nil when there is none.
    private func existing(_ model: CompiledModel) async throws -> JSON? {
        do {
            return try await jobs.bigquery.get(tablePath(model))
        } catch let error as GoogleAPIError where error.isNotFound {
            return nil
        }
    }

    private func runModel(_ compiled: CompiledModel) async -> NodeRunResult {
        let start = Date()
        let materialization = compiled.model.config.materialization
        var result = NodeRunResult(kind: "model", name: compiled.model.name, status: .success, detail: materialization.name, rows: nil,
                                   bytesProcessed: 0, durationSeconds: 0, message: nil)
        var statement = ""
        do {
            let current = try await existing(compiled)
            if case .view = materialization {
                guard current?["type"]?.stringValue == "VIEW" else {
                    throw PipelineError("the view \(compiled.dataset).\(compiled.model.name) does not exist; deploy it with `terrace deploy` first")
                }
                // Its readers would be built from another query than the model's, unsaid.
                if let deployed = current?["view"]?["query"]?.stringValue,
                   deployed.trimmingCharacters(in: .whitespacesAndNewlines) != compiled.sql.trimmingCharacters(in: .whitespacesAndNewlines) {
                    throw PipelineError("the view \(compiled.dataset).\(compiled.model.name) is not \(compiled.model.file) as it is now (the file, or a "
                                            + "variable it reads, changed since the last deploy); deploy it with `terrace deploy` first")
                }
                _ = try await describe(compiled)
                if copies.isPlanned(compiled.model.name) {
                    let tag = String(runID.unicodeScalars.map { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) ? Character($0) : "_" })
                    let copy = "`\(compiled.project).\(compiled.dataset)._terrace_run_\(tag)_\(compiled.model.name)`"
                    let job = try await jobs.run(["query": ["query": .string("CREATE OR REPLACE TABLE \(copy) AS SELECT * FROM \(compiled.table)"),
                                                           "useLegacySql": false]],
                                                 jobID: "terrace_copy_\(compiled.model.name)_\(runID)_\(UInt32.random(in: 0...UInt32.max))")
                    result.bytesProcessed = BigQueryJobs.bytesProcessed(job)
                    copies.made(compiled.table, copy: copy)
                    result.detail = "view, copied for the run"
                }
            } else {
                let incremental = materialization.keepsRows && !options.fullRefresh && current?["type"]?.stringValue == "TABLE"
                let columns = incremental ? (current?["schema"]?["fields"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } : nil
                statement = copies.reading(compiled.runStatement(existingColumns: columns, runAt: options.runAt))
                let job = try await jobs.run(["query": ["query": .string(statement), "useLegacySql": false]],
                                             jobID: "terrace_\(compiled.model.name)_\(runID)_\(UInt32.random(in: 0...UInt32.max))")
                result.bytesProcessed = BigQueryJobs.bytesProcessed(job)
                let table = try await describe(compiled)
                result.rows = table?["numRows"]?.intValue
            }
        } catch let failure as BigQueryJobs.Failure {
            result.status = .error
            result.message = Self.located(failure, in: compiled, statement: statement)
            if materialization.keepsRows, let column = Self.columnTheModelLost(failure.message) {
                // The table keeps a column the model no longer selects: BigQuery names the run
                // statement's own alias, which the user never wrote.
                result.message = "\(compiled.model.file): the \(materialization.name) table has column \(column), which the model no longer selects; "
                    + "rebuild it with `terrace run --full-refresh --select \(compiled.model.name)` (BigQuery answered \(failure.reason): \(failure.message))"
            }
        } catch {
            result.status = .error
            result.message = "\(error)"
        }
        result.durationSeconds = Date().timeIntervalSince(start)
        return result
    }

    /// The column of `message` "Name X not found inside terrace_source" (an incremental or
    /// scd2 statement reading a column the table has and the model dropped).
    static func columnTheModelLost(_ message: String) -> String? {
        guard let range = message.range(of: " not found inside terrace_source"), message.hasPrefix("Name ") else { return nil }
        let name = message[message.index(message.startIndex, offsetBy: 5)..<range.lowerBound]
        return name.isEmpty || name.contains(" ") ? nil : String(name)
    }

    /// A failed job's message naming the model file, at the file's line and column when
    /// BigQuery's `at [l:c]` falls inside the model's own SQL within the run statement.
    static func located(_ failure: BigQueryJobs.Failure, in compiled: CompiledModel, statement: String) -> String {
        var place = compiled.model.file
        var message = failure.message
        if let (text, line, column) = ModelDryRun.located(failure.message), let range = statement.range(of: compiled.sql) {
            let before = statement[..<range.lowerBound]
            let lineOffset = before.reduce(0) { $0 + ($1 == "\n" ? 1 : 0) }
            let columnOffset = before.reversed().prefix { $0 != "\n" }.count
            let sqlLine = line - lineOffset
            let sqlColumn = sqlLine == 1 ? column - columnOffset : column
            let sqlLines = compiled.sql.reduce(1) { $0 + ($1 == "\n" ? 1 : 0) }
            if sqlLine >= 1, sqlLine <= sqlLines, sqlColumn >= 1 {
                let location = compiled.fileLocation(line: sqlLine, column: sqlColumn)
                place += ":\(location.line):\(location.column)"
                message = text
            }
        }
        let details = failure.details.isEmpty ? "" : " — " + failure.details.joined(separator: "; ")
        return "\(place): BigQuery answered \(failure.reason): \(message)\(details)"
    }

    /// Writes the header's description and column descriptions onto the built table or the
    /// deployed view (tables.patch: a view's columns take descriptions, not types); answers it.
    private func describe(_ model: CompiledModel) async throws -> JSON? {
        guard var table = try await existing(model) else { return nil }
        let descriptions = Dictionary(model.columnDescriptions.map { ($0.name.lowercased(), $0.description) }, uniquingKeysWith: { a, _ in a })
        let fields = table["schema"]?["fields"]?.arrayValue ?? []
        let described: [JSON] = fields.map { field in
            guard case .object(var body) = field, let name = field["name"]?.stringValue, let text = descriptions[name.lowercased()] else { return field }
            body["description"] = .string(text)
            return .object(body)
        }
        let wanted = model.model.config.description
        // A table carries its model's name, so that a deploy may put the model's view in its
        // place when the model becomes a view (views are the deploy's: they carry no such label).
        let isView = if case .view = model.model.config.materialization { true } else { false }
        let label = Labels.value(model.model.name)
        let labelled = isView || table["labels"]?[ModelTables.label]?.stringValue == label
        guard described != fields || (wanted != nil && table["description"]?.stringValue != wanted) || !labelled else { return table }
        var patch: [String: JSON] = ["schema": ["fields": .array(described)]]
        if let wanted { patch["description"] = .string(wanted) }
        if !labelled {
            var labels = table["labels"]?.objectValue ?? [:]
            labels[ModelTables.label] = .string(label)
            patch["labels"] = .object(labels)
        }
        table = try await jobs.bigquery.patch(tablePath(model), body: .object(patch))
        return table
    }

}

extension Materialization {
    /// Incremental and scd2 models build on the rows they already hold.
    var keepsRows: Bool {
        switch self {
        case .incremental, .scd2: true
        case .view, .table: false
        }
    }
}

extension DataTest.Kind {
    /// `not_null`, `unique`, `accepted_values`, `relationships` or `custom`.
    public var name: String {
        switch self {
        case .notNull: "not_null"
        case .unique: "unique"
        case .acceptedValues: "accepted_values"
        case .relationships: "relationships"
        case .custom: "custom"
        }
    }
}
