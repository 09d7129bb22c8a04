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

    static let jobs = "/bigquery/v2/projects/\(project)/jobs"

    /// Inserts a job, expecting it accepted, and answers it once DONE.
    static func runJob(_ cloud: TestCloud, _ configuration: JSON, jobID: String? = nil) async throws -> JSON {
        var body: [String: JSON] = ["configuration": configuration]
        if let jobID { body["jobReference"] = ["projectId": .string(project), "jobId": .string(jobID)] }
        let (status, job) = try await cloud.call("POST", jobs, .object(body))
        #expect(status == 200, "insert job: \(job)")
        return try await finished(cloud, job)
    }

    /// The job once DONE: polls jobs.get, as BigQuery's clients do, until it is (jobs run in the
    /// background). Fails after 30 s.
    static func finished(_ cloud: TestCloud, _ job: JSON) async throws -> JSON {
        guard let id = job["jobReference"]?["jobId"]?.stringValue else { return job }
        var current = job
        let deadline = ContinuousClock.now + .seconds(30)
        while current["status"]?["state"] != "DONE" {
            try #require(ContinuousClock.now < deadline, "job \(id) still \(current["status"]?["state"] ?? .null) after 30 s")
            try await Task.sleep(for: .milliseconds(10))
            current = try await cloud.call("GET", jobs + "/\(id)").body
        }
        return current
    }

    /// The ids of a list page's items (`datasets` or `tables`).
    static func ids(_ list: JSON, _ key: String) -> [String] {
        (list[key]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
    }
}

/// Suites that run GoogleSQL statements through `jobs.query` in a dataset `m`.
protocol BigQueryStatementSuite {}

extension BigQueryStatementSuite {
    func withDataset(_ body: (TestCloud) async throws -> Void) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "m")
            try await body(cloud)
        }
    }

    /// `sql` through jobs.query, expecting `status`.
    @discardableResult
    func run(_ cloud: TestCloud, _ sql: String, status expected: Int = 200) async throws -> JSON {
        let (status, answer) = try await cloud.call("POST", "/bigquery/v2/projects/\(BQ.project)/queries", ["query": .string(sql), "useLegacySql": false])
        #expect(status == expected, "\(sql): \(answer)")
        return answer
    }

    /// The rows `sql` answers, as arrays of cell values.
    func rows(_ cloud: TestCloud, _ sql: String) async throws -> [[JSON]] {
        let answer = try await run(cloud, sql)
        return (answer["rows"]?.arrayValue ?? []).map { ($0["f"]?.arrayValue ?? []).map { $0["v"] ?? .null } }
    }
}
