import Foundation
import GoogleCloud
import TerraceJSON
import TerraceModels

/// The deploy's check of every model and data test: each compiled query dry-run against the
/// environment's BigQuery, in dependency order, so a model BigQuery (or the local engine) refuses
/// stops the deploy before anything changes. An upstream model is read as the deploy and the
/// next run will leave it: a view or a table (which every run rebuilds) as its pending query's
/// dry-run schema, standing in as an empty typed subquery — not as the view now deployed, which
/// would pass a change that breaks its readers and refuse the fix; an incremental or scd2 table
/// as it is, or as its stand-in when it has not been built yet.
public struct ModelDryRun: Sendable {
    let jobs: BigQueryJobs
    let project: CompiledProject
    let graph: ModelGraph

    public init(bigquery: GoogleCloudClient, project: CompiledProject, graph: ModelGraph, projectID: String, location: String) {
        self.jobs = BigQueryJobs(bigquery: bigquery, project: projectID, location: location, poll: { _ in })
        self.project = project
        self.graph = graph
    }

    /// A model (or data test) BigQuery refused: its file and BigQuery's message.
    public struct Refusal: Sendable, CustomStringConvertible {
        public var model: String
        public var file: String
        public var message: String
        /// The model file's line and column BigQuery's message points at, when it points.
        public var line: Int? = nil
        public var column: Int? = nil
        /// `model` or `test`.
        public var kind = "model"
        public var description: String {
            let location = line.map { ":\($0)" + (column.map { ":\($0)" } ?? "") } ?? ""
            return "\(file)\(location): \(kind) \(model) does not dry-run: \(message)"
        }
    }

    /// Dry-runs every model; answers the refusals (empty: every model checked). `missingSources`
    /// are bronze tables that do not exist yet: models reading them cannot be checked.
    public func check(missingSources: Set<String>) async throws -> [Refusal] {
        var schemas: [String: [JSON]] = [:]
        var refusals: [Refusal] = []
        var unchecked: Set<String> = []
        for case .model(let name) in graph.topologicalOrder {
            guard let compiled = project.model(named: name) else { continue }
            let upstream = compiled.model.dependencies
            if let source = upstream.first(where: { if case .source(let s) = $0 { missingSources.contains(s) } else { false } }) {
                refusals.append(Refusal(model: name, file: compiled.model.file,
                                        message: "it reads bronze table \(source.name), which does not exist yet; run "
                                            + "`terrace run --select layer:bronze` first"))
                unchecked.insert(name)
                continue
            }
            if let blocked = upstream.first(where: { unchecked.contains($0.name) }) {
                refusals.append(Refusal(model: name, file: compiled.model.file, message: "its upstream model \(blocked.name) could not be checked"))
                unchecked.insert(name)
                continue
            }
            var sql = StandInText(compiled.sql)
            try await standIn(upstream.compactMap { if case .model(let parent) = $0 { parent } else { nil } }, schemas: schemas, in: &sql)
            do {
                let job = try await dryRun(sql.text)
                schemas[name] = job["statistics"]?["query"]?["schema"]?["fields"]?.arrayValue ?? []
            } catch let error as GoogleAPIError where error.status == 400 || error.status == 404 {
                var refusal = Refusal(model: name, file: compiled.model.file, message: error.message)
                if let (message, line, column) = Self.located(error.message) {
                    let compiledLocation = sql.originalLocation(line: line, column: column)
                    let location = compiled.fileLocation(line: compiledLocation.line, column: compiledLocation.column)
                    (refusal.message, refusal.line, refusal.column) = (message, location.line, location.column)
                }
                refusals.append(refusal)
                unchecked.insert(name)
            }
        }
        // The data tests, each on its models as the run will leave them.
        for compiled in project.tests {
            let models = project.models.filter { compiled.failuresQuery.contains($0.table) }.map(\.model.name)
            guard !models.contains(where: unchecked.contains) else { continue }  // its model's refusal says it
            var sql = StandInText(compiled.failuresQuery)
            try await standIn(models, schemas: schemas, in: &sql)
            do {
                _ = try await dryRun(sql.text)
            } catch let error as GoogleAPIError where error.status == 400 || error.status == 404 {
                let message = Self.located(error.message)?.0 ?? error.message
                refusals.append(Refusal(model: compiled.test.name, file: "\(compiled.test.file):\(compiled.test.line)", message: message, kind: "test"))
            }
        }
        return refusals
    }

    /// Inserts `sql` as a dry-run query job; answers the job (its statistics hold the schema).
    private func dryRun(_ sql: String) async throws -> JSON {
        try await jobs.bigquery.post("\(jobs.projectPath)/jobs", body: [
            "configuration": ["query": ["query": .string(sql), "useLegacySql": false], "dryRun": true],
            "jobReference": ["projectId": .string(jobs.project), "location": .string(jobs.location)],
        ])
    }

    /// Replaces in `sql` each of `models` the next run rebuilds (or has not built yet) by its
    /// pending query's stand-in.
    private func standIn(_ models: [String], schemas: [String: [JSON]], in sql: inout StandInText) async throws {
        for parent in models {
            guard let parentModel = project.model(named: parent), let schema = schemas[parent] else { continue }
            let rebuilt = switch parentModel.model.config.materialization {
            case .view, .table: true
            case .incremental, .scd2: false
            }
            if !rebuilt, try await exists(parentModel) { continue }
            var fields = schema
            if case .scd2 = parentModel.model.config.materialization {
                // The history table: the model's columns and its version columns.
                fields += [["name": "valid_from", "type": "TIMESTAMP"], ["name": "valid_to", "type": "TIMESTAMP"], ["name": "is_current", "type": "BOOLEAN"]]
            }
            sql.replace("`\(parentModel.project).\(parentModel.dataset).\(parent)`", with: Self.standIn(fields))
        }
    }

    private func exists(_ model: CompiledModel) async throws -> Bool {
        do {
            _ = try await jobs.bigquery.get("\(jobs.projectPath)/datasets/\(URLEncoding.component(model.dataset))/tables/\(URLEncoding.component(model.model.name))")
            return true
        } catch let error as GoogleAPIError where error.isNotFound {
            return false
        }
    }

    /// `(SELECT CAST(NULL AS INT64) AS id, … FROM UNNEST([1]) WHERE FALSE)`: no rows, the schema's columns.
    static func standIn(_ fields: [JSON]) -> String {
        let columns = fields.compactMap { field -> String? in
            guard let name = field["name"]?.stringValue else { return nil }
            return "CAST(NULL AS \(type(field))) AS `\(name)`"
        }
        return "(SELECT \(columns.joined(separator: ", ")) FROM UNNEST([1]) WHERE FALSE)"
    }

    static func type(_ field: JSON) -> String {
        let base: String
        switch field["type"]?.stringValue?.uppercased() ?? "STRING" {
        case "INTEGER", "INT64": base = "INT64"
        case "FLOAT", "FLOAT64": base = "FLOAT64"
        case "BOOLEAN", "BOOL": base = "BOOL"
        case "RECORD", "STRUCT":
            let members = (field["fields"]?.arrayValue ?? []).compactMap { member in
                member["name"]?.stringValue.map { "`\($0)` \(type(member))" }
            }
            base = "STRUCT<\(members.joined(separator: ", "))>"
        case let other: base = other
        }
        return field["mode"]?.stringValue == "REPEATED" ? "ARRAY<\(base)>" : base
    }
}

extension ModelDryRun {
    /// BigQuery's `… at [3:7]` split into the message and its line and column.
    static func located(_ message: String) -> (String, Int, Int)? {
        guard message.hasSuffix("]"), let open = message.range(of: " at [", options: .backwards) else { return nil }
        let parts = message[open.upperBound..<message.index(before: message.endIndex)].split(separator: ":")
        guard parts.count == 2, let line = Int(parts[0]), let column = Int(parts[1]) else { return nil }
        return (String(message[..<open.lowerBound]), line, column)
    }
}

/// A model's SQL with upstream tables replaced by one-line stand-ins, able to map a line and
/// column of the result back to the SQL it was made from (lines never move; a column after a
/// stand-in shifts by its length; one inside it maps to the table name it replaced).
struct StandInText {
    private(set) var lines: [String]
    /// Per line: each stand-in's start column (1-based, in the result), its length and the length
    /// of what it replaced, in order.
    private var shifts: [Int: [(start: Int, length: Int, replaced: Int)]] = [:]

    init(_ text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    var text: String { lines.joined(separator: "\n") }

    mutating func replace(_ target: String, with replacement: String) {
        guard !target.isEmpty else { return }
        for index in lines.indices where lines[index].contains(target) {
            var result = ""
            var rest = lines[index][...]
            var entries: [(start: Int, length: Int, replaced: Int)] = []
            while let range = rest.range(of: target) {
                result += rest[..<range.lowerBound]
                entries.append((result.unicodeScalars.count + 1, replacement.unicodeScalars.count, target.unicodeScalars.count))
                result += replacement
                rest = rest[range.upperBound...]
            }
            lines[index] = result + rest
            shifts[index + 1] = Self.merge(shifts[index + 1] ?? [], entries)
        }
    }

    /// The line and column in the original text of `line`:`column` of ``text``.
    func originalLocation(line: Int, column: Int) -> (line: Int, column: Int) {
        var original = column
        for shift in shifts[line] ?? [] where shift.start <= column {
            if column < shift.start + shift.length { return (line, original - (column - shift.start)) }
            original -= shift.length - shift.replaced
        }
        return (line, original)
    }

    /// Stand-ins placed earlier on a line, moved by the ones added now (which may precede them).
    private static func merge(_ earlier: [(start: Int, length: Int, replaced: Int)], _ added: [(start: Int, length: Int, replaced: Int)])
        -> [(start: Int, length: Int, replaced: Int)] {
        guard !earlier.isEmpty else { return added }
        var moved = earlier
        for entry in added {
            for index in moved.indices where moved[index].start >= entry.start {
                moved[index].start += entry.length - entry.replaced
            }
        }
        return (moved + added).sorted { $0.start < $1.start }
    }
}
