import Foundation
import GoogleCloud
import TerraceJSON
import TerraceModels

/// Views a run copies on the local cloud (``ModelRunOptions/copySharedViews``): which, who reads
/// them, and dropping the copies.
extension ModelRunner {
    /// For each view in `views`, the scheduled nodes of `selection` that read it (a model's own
    /// tests read through their model's node).
    func readers(of views: Set<String>, in selection: Set<NodeID>, owned: Set<NodeID>) -> [String: Set<NodeID>] {
        var readers: [String: Set<NodeID>] = [:]
        for view in views { readers[view] = [] }
        for node in selection where !Self.isSource(node) {
            var reader = node
            if owned.contains(node), case .test(let name) = node, let model = project.test(named: name)?.test.model { reader = .model(model) }
            for case .model(let name) in graph.dependencies[node] ?? [] where views.contains(name) && reader != .model(name) {
                readers[name]?.insert(reader)
            }
        }
        return readers
    }

    /// Views of the selection that two or more selected nodes (models, tests) read.
    func sharedViews(in selection: Set<NodeID>) -> Set<String> {
        var readers: [String: Int] = [:]
        for node in selection {
            for case .model(let name) in graph.dependencies[node] ?? [] where selection.contains(.model(name)) {
                guard case .view = project.model(named: name)?.model.config.materialization else { continue }
                readers[name, default: 0] += 1
            }
        }
        return Set(readers.filter { $0.value >= 2 }.map(\.key))
    }

    /// Drops copies an earlier run left when it was killed (`_terrace_run_…` tables).
    func dropLeftoverCopies(datasets: Set<String>) async {
        for dataset in datasets.sorted() {
            guard let listing = try? await jobs.bigquery.get("\(jobs.projectPath)/datasets/\(URLEncoding.component(dataset))/tables",
                                                            query: [("maxResults", "1000")]) else { continue }
            for table in listing["tables"]?.arrayValue ?? [] {
                guard let id = table["tableReference"]?["tableId"]?.stringValue, id.hasPrefix("_terrace_run_") else { continue }
                _ = try? await jobs.bigquery.send("DELETE", "\(jobs.projectPath)/datasets/\(URLEncoding.component(dataset))/tables/\(URLEncoding.component(id))")
            }
        }
    }

    /// Drops the run's view copies not dropped yet (when the run ends, whatever happened).
    static func dropCopies(_ copies: ViewCopies, jobs: BigQueryJobs) async {
        for copy in copies.made() { await drop(copy, jobs: jobs) }
    }

    static func drop(_ copy: String, jobs: BigQueryJobs) async {
        _ = try? await jobs.run(["query": ["query": .string("DROP TABLE IF EXISTS \(copy)"), "useLegacySql": false]],
                                jobID: "terrace_drop_\(UInt32.random(in: 0...UInt32.max))")
    }
}

/// The views a run copies (``ModelRunOptions/copySharedViews``): which are planned, and the
/// copies made so far, which the run's later statements read in their place.
final class ViewCopies: @unchecked Sendable {
    private let lock = NSLock()
    private var planned: Set<String> = []
    /// The view's `` `p.d.v` `` → its copy's.
    private var copies: [String: String] = [:]

    func plan(_ views: Set<String>) { lock.withLock { planned = views } }
    func plannedViews() -> Set<String> { lock.withLock { planned } }
    func isPlanned(_ view: String) -> Bool { lock.withLock { planned.contains(view) } }
    func made(_ view: String, copy: String) { lock.withLock { copies[view] = copy } }
    func made() -> [String] { lock.withLock { Array(copies.values) } }
    /// The copy of `view` (its `` `p.d.v` ``), which nothing reads any more: forgotten here.
    func take(_ view: String) -> String? { lock.withLock { copies.removeValue(forKey: view) } }

    /// `sql` reading each copied view's copy instead of the view.
    func reading(_ sql: String) -> String {
        let copies = lock.withLock { self.copies }
        return copies.reduce(sql) { sql, copy in sql.replacing(copy.key, with: copy.value) }
    }
}
