import Testing
import TerraceJSON

/// Paths and small helpers the BigQuery tests share.
enum BQ {
    static let project = "proj-test"
    static let datasets = "/bigquery/v2/projects/\(project)/datasets"

    static func dataset(_ id: String) -> String { "\(datasets)/\(id)" }
    static func tables(_ dataset: String) -> String { "\(datasets)/\(dataset)/tables" }
    static func table(_ dataset: String, _ table: String) -> String { "\(datasets)/\(dataset)/tables/\(table)" }

    /// A dataset insert body with `extra` fields.
    static func datasetBody(_ id: String, _ extra: [String: JSON] = [:]) -> JSON {
        var body = extra
        body["datasetReference"] = ["projectId": .string(project), "datasetId": .string(id)]
        return .object(body)
    }

    /// A table insert body with `extra` fields.
    static func tableBody(_ dataset: String, _ table: String, _ extra: [String: JSON] = [:]) -> JSON {
        var body = extra
        body["tableReference"] = ["projectId": .string(project), "datasetId": .string(dataset), "tableId": .string(table)]
        return .object(body)
    }

    static func field(_ name: String, _ type: String, mode: String? = nil, fields: [JSON]? = nil) -> JSON {
        var field: [String: JSON] = ["name": .string(name), "type": .string(type)]
        if let mode { field["mode"] = .string(mode) }
        if let fields { field["fields"] = .array(fields) }
        return .object(field)
    }

    static func schema(_ fields: JSON...) -> JSON { ["fields": .array(fields)] }

    /// Creates a dataset, expecting success.
    @discardableResult
    static func createDataset(_ cloud: TestCloud, _ id: String, _ extra: [String: JSON] = [:]) async throws -> JSON {
        let (status, body) = try await cloud.call("POST", datasets, datasetBody(id, extra))
        #expect(status == 200, "create dataset \(id): \(body)")
        return body
    }

    /// Creates a table, expecting success.
    @discardableResult
    static func createTable(_ cloud: TestCloud, _ dataset: String, _ table: String, _ extra: [String: JSON] = [:]) async throws -> JSON {
        let (status, body) = try await cloud.call("POST", tables(dataset), tableBody(dataset, table, extra))
        #expect(status == 200, "create table \(dataset).\(table): \(body)")
        return body
    }

    /// The ids of a list page's items (`datasets` or `tables`).
    static func ids(_ list: JSON, _ key: String) -> [String] {
        (list[key]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }
}
