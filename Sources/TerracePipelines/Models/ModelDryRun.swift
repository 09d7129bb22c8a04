import Foundation
import GoogleCloud
import TerraceJSON
import TerraceModels

/// The deploy's check of every model: each compiled query dry-run against the environment's
/// BigQuery, in dependency order, so a model BigQuery (or the local engine) refuses stops the
/// deploy before anything changes. A model whose upstream model has no table yet (never run) is
/// checked against that model's dry-run schema, standing in as an empty typed subquery.
public struct ModelDryRun: Sendable {
    let jobs: BigQueryJobs
    let project: CompiledProject
    let graph: ModelGraph

    public init(bigquery: GoogleCloudClient, project: CompiledProject, graph: ModelGraph, projectID: String, location: String) {
        self.jobs = BigQueryJobs(bigquery: bigquery, project: projectID, location: location, poll: { _ in })
        self.project = project
        self.graph = graph
    }

    /// A model BigQuery refused: the model's file and BigQuery's message.
    public struct Refusal: Sendable, CustomStringConvertible {
        public var model: String
        public var file: String
        public var message: String
        public var description: String { "\(file): model \(model) does not dry-run: \(message)" }
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
            var sql = compiled.sql
            for case .model(let parent) in upstream {
                guard let parentModel = project.model(named: parent), let schema = schemas[parent],
                      try await !exists(parentModel) else { continue }
                sql = sql.replacingAll("`\(parentModel.project).\(parentModel.dataset).\(parent)`", with: Self.standIn(schema))
            }
            do {
                let job = try await jobs.bigquery.post("\(jobs.projectPath)/jobs", body: [
                    "configuration": ["query": ["query": .string(sql), "useLegacySql": false], "dryRun": true],
                    "jobReference": ["projectId": .string(jobs.project), "location": .string(jobs.location)],
                ])
                schemas[name] = job["statistics"]?["query"]?["schema"]?["fields"]?.arrayValue ?? []
            } catch let error as GoogleAPIError where error.status == 400 || error.status == 404 {
                refusals.append(Refusal(model: name, file: compiled.model.file, message: error.message))
                unchecked.insert(name)
            }
        }
        return refusals
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

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
