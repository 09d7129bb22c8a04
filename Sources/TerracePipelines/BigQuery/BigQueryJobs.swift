import GoogleCloud
import TerraceJSON

/// BigQuery jobs as a pipeline runs them: inserted with a chosen id, polled until DONE, their
/// errors raised; query results read back as rows of cell values.
struct BigQueryJobs: Sendable {
    let bigquery: GoogleCloudClient
    let project: String
    let location: String
    /// Between polls of a running job.
    let poll: @Sendable (Int) async throws -> Void

    /// A job that ended in error: BigQuery's reason and message, and up to three details.
    struct Failure: Error, CustomStringConvertible {
        var reason: String
        var message: String
        var details: [String]
        var description: String { message + (details.isEmpty ? "" : " — " + details.joined(separator: "; ")) }
    }

    var projectPath: String { "projects/\(URLEncoding.component(project))" }

    /// Inserts a job and waits until it is DONE; a job that failed is a ``Failure``.
    func run(_ configuration: JSON, jobID: String) async throws -> JSON {
        var job = try await bigquery.post("\(projectPath)/jobs", body: [
            "jobReference": ["projectId": .string(project), "jobId": .string(jobID), "location": .string(location)],
            "configuration": configuration,
        ])
        var polls = 0
        while job["status"]?["state"]?.stringValue != "DONE" {
            try await poll(polls)
            polls += 1
            job = try await bigquery.get("\(projectPath)/jobs/\(URLEncoding.component(jobID))", query: [("location", location)])
        }
        if let error = job["status"]?["errorResult"] {
            let details = (job["status"]?["errors"]?.arrayValue ?? []).prefix(3).compactMap { $0["message"]?.stringValue }
            let message = error["message"]?.stringValue ?? ""
            throw Failure(reason: error["reason"]?.stringValue ?? "error", message: message, details: details.filter { $0 != message })
        }
        return job
    }

    /// Runs a GoogleSQL query job; answers the job and its first `maxRows` rows (cells as
    /// BigQuery's strings) with the result's column names.
    func query(_ sql: String, jobID: String, maxRows: Int = 100) async throws -> (job: JSON, columns: [String], rows: [[JSON]]) {
        let job = try await run(["query": ["query": .string(sql), "useLegacySql": false]], jobID: jobID)
        let answer = try await bigquery.get("\(projectPath)/queries/\(URLEncoding.component(jobID))",
                                            query: [("location", location), ("maxResults", String(maxRows))])
        let columns = (answer["schema"]?["fields"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let rows = (answer["rows"]?.arrayValue ?? []).map { ($0["f"]?.arrayValue ?? []).map { $0["v"] ?? .null } }
        return (job, columns, rows)
    }

    /// A job's `totalBytesProcessed` (0 when it reports none).
    static func bytesProcessed(_ job: JSON) -> Int64 {
        job["statistics"]?["query"]?["totalBytesProcessed"]?.intValue ?? job["statistics"]?["totalBytesProcessed"]?.intValue ?? 0
    }
}
