import Foundation
import TerraceJSON
import TerraceModels
import Testing

/// Builds model projects from inline files and runs rendered statements on a local cloud.
enum ModelFixtures {
    /// A project from `files` (paths relative to `pipelines/`), expecting it to load.
    static func project(_ files: [String: String]) throws -> ModelProject {
        try ModelProject.load(files: files.map { (path: "pipelines/" + $0.key, text: $0.value) })
    }

    /// The errors loading `files` reports (none when it loads).
    static func loadErrors(_ files: [String: String]) -> [ModelError] {
        do {
            _ = try project(files)
            return []
        } catch let errors as ModelErrors {
            return errors.errors
        } catch {
            return [ModelError(.file, file: "", "\(error)")]
        }
    }

    /// The errors compiling `files` against `context` reports.
    static func compileErrors(_ files: [String: String], _ context: CompileContext = context()) throws -> [ModelError] {
        let loaded = try project(files)
        do {
            _ = try loaded.compile(context)
            return []
        } catch {
            return error.errors
        }
    }

    /// The context the tests compile against: project `proj-test`, datasets named after the layers.
    static func context(bronzeTables: [String] = ["users", "orders", "events"], variables: [String: JSON] = [:]) -> CompileContext {
        CompileContext(project: BQ.project, datasets: [.bronze: "bronze", .silver: "silver", .gold: "gold"],
                       bronzeTables: bronzeTables, variables: variables)
    }

    /// A fixed run time: 2024-05-01 12:00:00 UTC plus `hours`.
    static func runAt(hours: Int = 0) -> Date {
        Date(timeIntervalSince1970: 1_714_564_800 + Double(hours) * 3600)
    }
}

/// A local cloud with datasets `bronze`, `silver` and `gold` in project `proj-test`.
struct ModelCloud {
    let cloud: TestCloud

    static func with(_ body: (ModelCloud) async throws -> Void) async throws {
        try await withCloud { cloud in
            for dataset in ["bronze", "silver", "gold"] { try await BQ.createDataset(cloud, dataset) }
            try await body(ModelCloud(cloud: cloud))
        }
    }

    /// Runs `sql` through jobs.query, expecting success.
    @discardableResult
    func run(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> JSON {
        let (status, answer) = try await cloud.call("POST", "/bigquery/v2/projects/\(BQ.project)/queries",
                                                    ["query": .string(sql), "useLegacySql": false])
        #expect(status == 200, "\(sql)\n→ \(answer)", sourceLocation: sourceLocation)
        return answer
    }

    /// The rows `sql` answers, as cell values.
    func rows(_ sql: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [[JSON]] {
        let answer = try await run(sql, sourceLocation: sourceLocation)
        return (answer["rows"]?.arrayValue ?? []).map { ($0["f"]?.arrayValue ?? []).map { $0["v"] ?? .null } }
    }

    /// A table's column names, or `nil` when it does not exist.
    func columns(_ dataset: String, _ table: String) async throws -> [String]? {
        let (status, body) = try await cloud.call("GET", BQ.table(dataset, table))
        guard status == 200 else { return nil }
        return (body["schema"]?["fields"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    /// Runs `model`'s statement: the first build when its table does not exist yet, else incremental.
    func runModel(_ model: CompiledModel, at runAt: Date = ModelFixtures.runAt(),
                  sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let existing = try await columns(model.dataset, model.model.name)
        try await run(model.runStatement(existingColumns: existing, runAt: runAt), sourceLocation: sourceLocation)
    }
}
