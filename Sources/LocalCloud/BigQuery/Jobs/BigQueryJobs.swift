import Hummingbird
import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// jobs.insert, get, list, cancel and delete. Jobs run while `insert` answers (the local cloud
/// is fast enough that a client polling `get` sees them DONE), each in one transaction; a job
/// that fails is still a job, DONE with `status.errorResult`, as in BigQuery. Load jobs run
/// here; query and copy jobs come with the GoogleSQL engine and answer 501 until then.
extension BigQueryService {
    static let jobsSchema = """
        CREATE TABLE IF NOT EXISTS bq_jobs (
            project TEXT NOT NULL, job_id TEXT NOT NULL, created INTEGER NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY (project, job_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS bq_jobs_created ON bq_jobs (project, created);
        """

    func insertJob(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("projectId")
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.Job", root: "job", rejectUnknown: false)
        guard let configuration = body["configuration"]?.objectValue else {
            throw GCPError.required("Required parameter is missing: configuration")
        }
        let kinds = ["load", "query", "copy", "extract"].filter { configuration[$0] != nil }
        guard kinds.count == 1 else {
            throw GCPError.invalid("A job configuration needs exactly one of load, query, copy or extract.")
        }
        let kind = kinds[0]
        guard kind == "load" || kind == "query" else {
            throw GCPError.notImplemented("BigQuery \(kind) jobs")
        }
        let jobID = body["jobReference"]?["jobId"]?.stringValue ?? "job_" + Base64.encode(RandomBytes.make(18), urlSafe: true, padding: false)
        try Self.checkJobID(jobID)
        let location = body["jobReference"]?["location"]?.stringValue ?? "US"
        if kind == "query" {
            return .json(try insertQueryJob(project: project, jobID: jobID, location: location, configuration: .object(configuration),
                                            request: request))
        }
        let created = context.clock.nowMillis()
        var job: [String: JSON] = [
            "kind": "bigquery#job", "id": .string("\(project):\(location).\(jobID)"),
            "selfLink": .string(Self.linkBase + "\(project)/jobs/\(jobID)?location=\(location)"),
            "user_email": .string(request.principal ?? "local@terrace.local"),
            "jobReference": ["projectId": .string(project), "jobId": .string(jobID), "location": .string(location)],
            "configuration": .object(configuration.merging(["jobType": .string(kind.uppercased())]) { $1 }),
            "status": ["state": "RUNNING"],
            "statistics": ["creationTime": .string(String(created)), "startTime": .string(String(created))],
        ]
        try context.store.write { db in
            if try db.queryOne("SELECT 1 AS x FROM bq_jobs WHERE project = ? AND job_id = ?", [.text(project), .text(jobID)]) != nil {
                throw GCPError.alreadyExists("Already Exists: Job \(project):\(location).\(jobID)", reason: "duplicate")
            }
            _ = try db.run("INSERT INTO bq_jobs (project, job_id, created, body) VALUES (?, ?, ?, ?)",
                           [.text(project), .text(jobID), .int(created), .text(JSON.object(job).encoded())])
        }
        // Run it: the load's writes and nothing else, or nothing at all.
        var statistics = job["statistics"]?.objectValue ?? [:]
        var status: [String: JSON] = ["state": "DONE"]
        do {
            let load = try context.store.write { db in try runLoad(.object(configuration["load"]!.objectValue!), project: project, db: db) }
            statistics["load"] = load.json
            if !load.skipped.isEmpty { status["errors"] = .array(load.skipped) }
        } catch let failure as JobFailure {
            status["errorResult"] = failure.errorResult
            status["errors"] = .array(failure.errors)
        } catch let error as GCPError {
            status["errorResult"] = ["reason": .string(error.reason), "message": .string(error.message)]
            status["errors"] = [status["errorResult"]!]
        }
        statistics["endTime"] = .string(String(context.clock.nowMillis()))
        job["status"] = .object(status)
        job["statistics"] = .object(statistics)
        let finished = JSON.object(job)
        try context.store.write { db in
            _ = try db.run("UPDATE bq_jobs SET body = ? WHERE project = ? AND job_id = ?", [.text(finished.encoded()), .text(project), .text(jobID)])
        }
        return .json(finished)
    }

    /// A query configuration of `jobs.insert`, run and recorded.
    func insertQueryJob(project: String, jobID: String, location: String, configuration: JSON, request: ServiceRequest) throws -> JSON {
        let query = configuration["query"]
        guard let sql = query?["query"]?.stringValue, !sql.isEmpty else {
            throw GCPError.required("Required parameter is missing: configuration.query.query")
        }
        if query?["useLegacySql"]?.boolValue ?? true {
            throw GCPError.invalid("Legacy SQL is not supported by the local BigQuery: set useLegacySql to false (GoogleSQL).", reason: "invalidQuery")
        }
        if query?["destinationTable"] != nil { throw GCPError.notImplemented("BigQuery query jobs with a destinationTable") }
        if let parameters = query?["queryParameters"]?.arrayValue, !parameters.isEmpty { throw GCPError.notImplemented("BigQuery query parameters") }
        let exists = try context.store.read { db in
            try db.queryOne("SELECT 1 AS x FROM bq_jobs WHERE project = ? AND job_id = ?", [.text(project), .text(jobID)]) != nil
        }
        if exists { throw GCPError.alreadyExists("Already Exists: Job \(project):\(location).\(jobID)", reason: "duplicate") }
        let dryRun = configuration["dryRun"]?.boolValue ?? false
        return try recordQueryJob(project: project, jobID: jobID, location: location, sql: sql, dryRun: dryRun, request: request,
                                  configuration: configuration)
    }

    static func checkJobID(_ id: String) throws {
        let valid = !id.isEmpty && id.utf8.count <= 1024
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        guard valid else {
            throw GCPError.invalid("Invalid job ID \"\(id)\". Job IDs must be alphanumeric (plus underscores and dashes) and must be at most 1024 characters long.")
        }
    }

    private func job(_ db: Database, _ project: String, _ jobID: String) throws -> JSON {
        guard let text = try db.queryOne("SELECT body FROM bq_jobs WHERE project = ? AND job_id = ?", [.text(project), .text(jobID)])?.string("body")
        else { throw GCPError.notFound("Not found: Job \(project):\(jobID)") }
        return try JSON.parse(text)
    }

    func getJob(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        return .json(try context.store.read { db in try job(db, project, jobID) })
    }

    func cancelJob(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        // Jobs finish while they are inserted: cancelling one that is done changes nothing.
        let found = try context.store.read { db in try job(db, project, jobID) }
        return .json(["kind": "bigquery#jobCancelResponse", "job": found])
    }

    func deleteJob(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        try context.store.write { db in
            _ = try job(db, project, jobID)
            _ = try db.run("DELETE FROM bq_jobs WHERE project = ? AND job_id = ?", [.text(project), .text(jobID)])
        }
        return .noContent()
    }

    func listJobs(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("projectId")
        let (limit, after) = try Self.page(request)
        let states = Set((request.query.all("stateFilter")).map { $0.uppercased() })
        let jobs = try context.store.read { db in
            try db.query("SELECT body FROM bq_jobs WHERE project = ? ORDER BY created DESC, job_id DESC", [.text(project)])
                .compactMap { try? JSON.parse($0.string("body") ?? "") }
        }
        let filtered = jobs.filter { states.isEmpty || states.contains($0["status"]?["state"]?.stringValue ?? "") }
        // Newest first; the page token is the position after the last job answered.
        let start = after.flatMap { Int($0) } ?? 0
        let page = Array(filtered.dropFirst(start).prefix(limit))
        var answer: [String: JSON] = [
            "kind": "bigquery#jobList",
            "jobs": .array(page.map { job in
                var entry = job.objectValue ?? [:]
                entry["state"] = job["status"]?["state"]
                entry["selfLink"] = nil
                return .object(entry)
            }),
        ]
        answer["etag"] = .string(Self.listEtag(page))
        if start + page.count < filtered.count { answer["nextPageToken"] = .string(PageToken.make(after: String(start + page.count))) }
        return .json(.object(answer))
    }
}
