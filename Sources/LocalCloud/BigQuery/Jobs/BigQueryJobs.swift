import Hummingbird
import NIOPosix
import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// jobs.insert, get, list, cancel and delete. As in BigQuery, `jobs.insert` records a job
/// RUNNING and answers at once; the job runs in the background (``BigQueryJobRunner``), its
/// work in one transaction together with its DONE record, so a job that fails, or is cancelled,
/// changes nothing but its own record: DONE with `status.errorResult`. A job the cloud was
/// stopped under stays RUNNING in the store and is marked interrupted when it starts again.
/// Load, copy and query jobs run here; extract jobs answer 501.
extension BigQueryService {
    static let jobsSchema = """
        CREATE TABLE IF NOT EXISTS bq_jobs (
            project TEXT NOT NULL, job_id TEXT NOT NULL, created INTEGER NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY (project, job_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS bq_jobs_created ON bq_jobs (project, created);
        """

    /// What a job's work produced: its statistics (`load`, `copy`, `query`, …) and warnings for
    /// `status.errors` that did not fail it.
    struct JobOutcome {
        var statistics: [String: JSON] = [:]
        var warnings: [JSON] = []
    }

    func insertJob(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("projectId")
        var body = try await request.jsonBody()
        if case .object(var job) = body, case .object(var configuration)? = job["configuration"], case .object(var query)? = configuration["query"] {
            query["queryParameters"] = query["queryParameters"].map(Self.parameterValuesAsText)
            configuration["query"] = .object(query)
            job["configuration"] = .object(configuration)
            body = .object(job)
        }
        try SchemaValidator.shared.validate(body, schema: "bigquery.Job", root: "job", rejectUnknown: false)
        guard let configuration = body["configuration"]?.objectValue else {
            throw GCPError.required("Required parameter is missing: configuration")
        }
        let kinds = ["load", "query", "copy", "extract"].filter { configuration[$0] != nil }
        guard kinds.count == 1 else {
            throw GCPError.invalid("A job configuration needs exactly one of load, query, copy or extract.")
        }
        let kind = kinds[0]
        guard kind != "extract" else { throw GCPError.notImplemented("BigQuery extract jobs") }
        let jobID = body["jobReference"]?["jobId"]?.stringValue ?? Self.newJobID()
        try Self.checkJobID(jobID)
        let location = body["jobReference"]?["location"]?.stringValue ?? "US"
        if kind == "query" {
            return .json(try insertQueryJob(project: project, jobID: jobID, location: location, configuration: .object(configuration),
                                            request: request))
        }
        let details = configuration[kind] ?? [:]
        if kind == "copy" { try Self.checkCopyConfiguration(details) }
        let job = newJob(project: project, jobID: jobID, location: location, principal: request.principal,
                         configuration: configuration.merging(["jobType": .string(kind.uppercased())]) { $1 })
        try startJob(job) { [self] db in
            if kind == "copy" { return JobOutcome(statistics: ["copy": try runCopy(details, project: project, db: db).json]) }
            let load = try runLoad(details, project: project, db: db)
            return JobOutcome(statistics: ["load": load.json], warnings: load.skipped)
        }
        return .json(job)
    }

    /// A query configuration of `jobs.insert`, started (a dry run is only checked, and answered DONE).
    func insertQueryJob(project: String, jobID: String, location: String, configuration: JSON, request: ServiceRequest) throws -> JSON {
        let query = configuration["query"]
        guard let sql = query?["query"]?.stringValue, !sql.isEmpty else {
            throw GCPError.required("Required parameter is missing: configuration.query.query")
        }
        if query?["useLegacySql"]?.boolValue ?? true {
            throw GCPError.invalid("Legacy SQL is not supported by the local BigQuery: set useLegacySql to false (GoogleSQL).", reason: "invalidQuery")
        }
        let dryRun = configuration["dryRun"]?.boolValue ?? false
        let job = try startQueryJob(project: project, jobID: jobID, location: location, sql: sql, dryRun: dryRun, principal: request.principal,
                                    configuration: configuration)
        // BigQuery answers a dry run that would fail with the error itself (400 invalidQuery), not
        // with a job: Google's clients raise BadRequest from `query(…, dry_run=True)`.
        if dryRun, let error = job["status"]?["errorResult"] { throw Self.jobError(error) }
        return job
    }

    /// A fresh job id, as BigQuery makes them for jobs the client did not name.
    static func newJobID() -> String { "job_" + Base64.encode(RandomBytes.make(18), urlSafe: true, padding: false) }

    /// A job resource as recorded when it starts: RUNNING, created and started now.
    func newJob(project: String, jobID: String, location: String, principal: String?, configuration: [String: JSON]) -> JSON {
        let now = JSON.string(String(context.clock.nowMillis()))
        return [
            "kind": "bigquery#job", "id": .string("\(project):\(location).\(jobID)"),
            "selfLink": .string(Self.linkBase + "\(project)/jobs/\(jobID)?location=\(location)"),
            "user_email": .string(principal ?? "local@terrace.local"),
            "jobReference": ["projectId": .string(project), "jobId": .string(jobID), "location": .string(location)],
            "configuration": .object(configuration),
            "status": ["state": "RUNNING"],
            "statistics": ["creationTime": now, "startTime": now],
        ]
    }

    /// Records `job` (RUNNING; 409 `duplicate` when its id is taken) and runs `work` for it in
    /// the background, in one transaction with its DONE record.
    func startJob(_ job: JSON, work: @escaping @Sendable (Database) throws -> JobOutcome) throws {
        try startJob(job, snapshot: nil) { db, _ in try work(db) }
    }

    /// Starts a job whose work may begin on a snapshot (``Store/read(_:)``), concurrently
    /// with other jobs, and ends under the writer with what the snapshot found (`nil` when
    /// the snapshot left it all to the writer).
    func startJob(_ job: JSON, snapshot: (@Sendable (Database) throws -> QueryRows?)?,
                  work: @escaping @Sendable (Database, QueryRows?) throws -> JobOutcome) throws {
        let project = job["jobReference"]?["projectId"]?.stringValue ?? ""
        let jobID = job["jobReference"]?["jobId"]?.stringValue ?? ""
        let created = job["statistics"]?["creationTime"]?.intValue ?? context.clock.nowMillis()
        try context.store.write { db in
            if try db.queryOne("SELECT 1 AS x FROM bq_jobs WHERE project = ? AND job_id = ?", [.text(project), .text(jobID)]) != nil {
                let location = job["jobReference"]?["location"]?.stringValue ?? "US"
                throw GCPError.alreadyExists("Already Exists: Job \(project):\(location).\(jobID)", reason: "duplicate")
            }
            _ = try db.run("INSERT INTO bq_jobs (project, job_id, created, body) VALUES (?, ?, ?, ?)",
                           [.text(project), .text(jobID), .int(created), .text(job.encoded())])
        }
        let key = BigQueryJobRunner.key(project, jobID)
        _ = jobRunner.start(key, jobID: jobID) { [self] in await finishJob(job, key: key, snapshot: snapshot, work: work) }
    }

    /// Does a started job's work and records it DONE: with its statistics, or with the
    /// `errorResult` that failed it (its transaction rolled back). The work runs on NIO's
    /// blocking thread pool, not the cooperative one. When the cloud is stopping the job is left
    /// RUNNING, to read as interrupted after the restart.
    private func finishJob(_ job: JSON, key: String, snapshot: (@Sendable (Database) throws -> QueryRows?)?,
                           work: @escaping @Sendable (Database, QueryRows?) throws -> JobOutcome) async {
        let (runner, stopping) = (jobRunner, context.background)
        let cancelled: @Sendable () -> Bool = { runner.isCancelled(key) || stopping.isStopping }
        var failure: JobFailure
        do {
            if cancelled() { throw Self.stopped }
            try await NIOThreadPool.singleton.runIfActive { [self] in
                let read = try snapshot.flatMap { read in try context.store.read(read) }
                if cancelled() { throw Self.stopped }
                try context.store.write { db in
                    let outcome = try work(db, read)
                    // Stopped while working: the transaction rolls back.
                    if cancelled() { throw Self.stopped }
                    var statistics = job["statistics"]?.objectValue ?? [:]
                    statistics.merge(outcome.statistics) { $1 }
                    var status: [String: JSON] = ["state": "DONE"]
                    if !outcome.warnings.isEmpty { status["errors"] = .array(outcome.warnings) }
                    try recordDone(db, job, status: status, statistics: statistics)
                }
            }
            return
        } catch let error as JobFailure {
            failure = error
        } catch is CancellationError {
            failure = Self.stopped
        } catch let error as GCPError {
            failure = JobFailure(error.reason, error.message)
        } catch {
            failure = JobFailure("internalError", "The local cloud failed to run the job: \(error)")
        }
        if stopping.isStopping { return }
        var status: [String: JSON] = ["state": "DONE", "errorResult": failure.errorResult]
        status["errors"] = .array(failure.errors)
        _ = try? context.store.write { db in try recordDone(db, job, status: status, statistics: job["statistics"]?.objectValue ?? [:]) }
    }

    /// The failure of a job stopped by `jobs.cancel`.
    static let stopped = JobFailure("stopped", "Job execution was cancelled: User requested cancellation")

    /// Replaces a job's record with its DONE state (ended now).
    private func recordDone(_ db: Database, _ job: JSON, status: [String: JSON], statistics: [String: JSON]) throws {
        var done = job.objectValue ?? [:]
        var statistics = statistics
        statistics["endTime"] = .string(String(context.clock.nowMillis()))
        done["status"] = .object(status)
        done["statistics"] = .object(statistics)
        _ = try db.run("UPDATE bq_jobs SET body = ? WHERE project = ? AND job_id = ?",
                       [.text(JSON.object(done).encoded()), .text(job["jobReference"]?["projectId"]?.stringValue ?? ""),
                        .text(job["jobReference"]?["jobId"]?.stringValue ?? "")])
    }

    /// Marks every job a previous run of the cloud left unfinished (it stopped or died under
    /// them) DONE with a `backendError`; their work never committed. Run at start, before serving.
    static func recoverInterruptedJobs(_ context: CloudContext) throws {
        let now = String(context.clock.nowMillis())
        try context.store.write { db in
            for row in try db.query("SELECT project, job_id, body FROM bq_jobs WHERE body NOT LIKE '%\"state\":\"DONE\"%'") {
                guard var job = (try? JSON.parse(row.string("body") ?? ""))?.objectValue, job["status"]?["state"] != "DONE" else { continue }
                let error: JSON = ["reason": "backendError", "message": "The job was interrupted by a restart of the local cloud."]
                job["status"] = ["state": "DONE", "errorResult": error, "errors": [error]]
                var statistics = job["statistics"]?.objectValue ?? [:]
                statistics["endTime"] = .string(now)
                job["statistics"] = .object(statistics)
                _ = try db.run("UPDATE bq_jobs SET body = ? WHERE project = ? AND job_id = ?",
                               [.text(JSON.object(job).encoded()), .text(row.string("project") ?? ""), .text(row.string("job_id") ?? "")])
            }
        }
    }

    /// The job as stored after waiting up to `timeout` for it to be DONE (less when the cloud is
    /// stopping or the request goes away).
    func awaitJob(project: String, jobID: String, upTo timeout: Duration) async throws -> JSON {
        let key = BigQueryJobRunner.key(project, jobID)
        let deadline = ContinuousClock.now + timeout
        while true {
            let job = try context.store.read { db in try storedJob(db, project, jobID) }
            let now = ContinuousClock.now
            if job["status"]?["state"] == "DONE" || now >= deadline || context.background.isStopping || Task.isCancelled { return job }
            if jobRunner.isRunning(key) {
                await jobRunner.wait(for: key, upTo: deadline - now)
            } else {
                // Recorded but not started yet: look again shortly.
                try? await Task.sleep(for: min(.milliseconds(10), deadline - now))
            }
        }
    }

    /// How long a request waits for its job: `timeoutMs` (10 s when absent, as in BigQuery).
    static func waitTimeout(_ milliseconds: Int64?) throws -> Duration {
        guard let milliseconds else { return .seconds(10) }
        guard milliseconds >= 0 else { throw GCPError.invalid("Invalid value for timeoutMs: \(milliseconds) must not be negative.") }
        return .milliseconds(milliseconds)
    }

    static func checkJobID(_ id: String) throws {
        let valid = !id.isEmpty && id.utf8.count <= 1024
            && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
        guard valid else {
            throw GCPError.invalid("Invalid job ID \"\(id)\". Job IDs must be alphanumeric (plus underscores and dashes) and must be at most 1024 characters long.")
        }
    }

    /// A stored job; 404 when there is none.
    func storedJob(_ db: Database, _ project: String, _ jobID: String) throws -> JSON {
        guard let text = try db.queryOne("SELECT body FROM bq_jobs WHERE project = ? AND job_id = ?", [.text(project), .text(jobID)])?.string("body")
        else { throw GCPError.notFound("Not found: Job \(project):\(jobID)") }
        return try JSON.parse(text)
    }

    func getJob(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        return .json(try context.store.read { db in try storedJob(db, project, jobID) })
    }

    /// Asks a running job to stop and answers at once with the job as it stands; it ends DONE
    /// with reason `stopped`, its work rolled back. Cancelling a job that is done changes nothing.
    func cancelJob(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        let found = try context.store.read { db in try storedJob(db, project, jobID) }
        if found["status"]?["state"] != "DONE" { _ = jobRunner.cancel(BigQueryJobRunner.key(project, jobID)) }
        return .json(["kind": "bigquery#jobCancelResponse", "job": found])
    }

    func deleteJob(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        try context.store.write { db in
            if try storedJob(db, project, jobID)["status"]?["state"] != "DONE" {
                throw GCPError.invalid("Job \(project):\(jobID) is still running; cancel it and wait until it is DONE before deleting it.")
            }
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
