import BigQueryEngine
import Hummingbird
import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// The local BigQuery's tables as the query engine sees them.
struct LocalEngineCatalog: EngineCatalog {
    let db: Database
    let catalog: BigQueryCatalog
    let defaultProject: String

    func table(project: String, dataset: String, table: String) throws -> EngineTable? {
        guard let resource = try catalog.table(db, project, dataset, table) else { return nil }
        let fields = FieldSchema.fields(of: resource["schema"])
        let rows = try RowStore.existing(db, key: RowStore.key(project, dataset, table), table: resource)
        return EngineTable(
            name: "\(project).\(dataset).\(table)", sqliteName: rows,
            columns: fields.map { EngineColumn($0.name, Self.type($0), isRequired: $0.mode == .required) },
            viewQuery: resource["view"]?["query"]?.stringValue, logicalBytes: resource["numBytes"]?.intValue ?? 0)
    }

    /// A schema field's GoogleSQL type.
    static func type(_ field: FieldSchema) -> SQLType {
        let base = SQLType(schemaType: field.type, fields: field.fields.map { .init($0.name, type($0)) }) ?? .string
        return field.mode == .repeated ? .array(base) : base
    }

    /// A result column as a schema field (legacy type names, REPEATED for arrays).
    static func field(_ name: String, _ type: SQLType) -> FieldSchema {
        switch type {
        case .array(let element):
            let inner = field(name, element)
            return FieldSchema(name: name, type: inner.type, mode: .repeated, fields: inner.fields)
        case .struct(let fields):
            return FieldSchema(name: name, type: "RECORD", fields: fields.enumerated().map { index, child in
                field(child.name.isEmpty ? "_field_\(index + 1)" : child.name, child.type)
            })
        default:
            return FieldSchema(name: name, type: type.legacyName)
        }
    }

    static func schemaJSON(_ field: FieldSchema) -> JSON {
        var body: [String: JSON] = ["name": .string(field.name), "type": .string(field.type), "mode": .string(field.mode.rawValue)]
        if !field.fields.isEmpty { body["fields"] = .array(field.fields.map(schemaJSON)) }
        return .object(body)
    }
}

/// Query jobs: `jobs.query`, query configurations of `jobs.insert`, and `jobs.getQueryResults`.
/// Results are kept in a SQLite table per job (`bq_results_<n>`) for paging.
extension BigQueryService {
    static let resultsSchema = """
        CREATE TABLE IF NOT EXISTS bq_job_results (
            project TEXT NOT NULL, job_id TEXT NOT NULL, name TEXT NOT NULL, schema TEXT NOT NULL, rows INTEGER NOT NULL,
            PRIMARY KEY (project, job_id)
        ) WITHOUT ROWID;
        """

    /// What running a query produced for its job.
    struct QueryOutcome {
        var schema: [FieldSchema]
        var totalRows: Int64
        var bytes: Int64
    }

    /// Runs `sql` for job `jobID`, storing its rows; a dry run only checks it.
    func runQuery(_ sql: String, project: String, jobID: String, dryRun: Bool) throws -> QueryOutcome {
        try context.store.write { db in
            let catalog = LocalEngineCatalog(db: db, catalog: self.catalog, defaultProject: project)
            do {
                if dryRun {
                    let (columns, bytes) = try QueryEngine.dryRun(sql, catalog: catalog)
                    return QueryOutcome(schema: columns.map { LocalEngineCatalog.field($0.name, $0.type) }, totalRows: 0, bytes: bytes)
                }
                try QueryEngine.prepare(db)
                let result = try QueryEngine.run(sql, catalog: catalog, db: db)
                let schema = result.columns.map { LocalEngineCatalog.field($0.name, $0.type) }
                let name = "bq_results_\(try db.nextCounter("bq.results"))"
                let columns = schema.indices.map { "c\($0)" }
                try db.execute("CREATE TABLE \(name) (_row INTEGER PRIMARY KEY\(columns.map { ", \($0)" }.joined()))")
                if !columns.isEmpty {
                    let statement = try db.prepare("INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
                    for row in result.rows {
                        statement.reset()
                        try statement.bind(row)
                        _ = try statement.step()
                    }
                }
                _ = try db.run("INSERT OR REPLACE INTO bq_job_results (project, job_id, name, schema, rows) VALUES (?, ?, ?, ?, ?)",
                               [.text(project), .text(jobID), .text(name),
                                .text(JSON.array(schema.map(LocalEngineCatalog.schemaJSON)).encoded()), .int(Int64(result.rows.count))])
                return QueryOutcome(schema: schema, totalRows: Int64(result.rows.count), bytes: result.totalBytesProcessed)
            } catch let error as QueryError {
                throw JobFailure(error.reason, error.message)
            }
        }
    }

    /// A page of a query job's rows.
    func resultPage(project: String, jobID: String, start: Int64, limit: Int, format: RowCodec.CellFormat) throws
        -> (schema: [FieldSchema], rows: [JSON], total: Int64)
    {
        try context.store.read { db in
            guard let row = try db.queryOne("SELECT name, schema, rows FROM bq_job_results WHERE project = ? AND job_id = ?",
                                             [.text(project), .text(jobID)]),
                  let name = row.string("name")
            else { return ([], [], 0) }
            let schema = ((try? JSON.parse(row.string("schema") ?? "[]"))?.arrayValue ?? []).map(FieldSchema.parse)
            let statement = try db.prepare("SELECT * FROM \(name) ORDER BY _row LIMIT ? OFFSET ?")
            try statement.bind([.int(Int64(limit)), .int(start)])
            var rows: [JSON] = []
            while try statement.step() {
                let values = (0..<schema.count).map { statement.value($0 + 1) }
                rows.append(RowCodec.row(values, fields: schema, format: format))
            }
            return (schema, rows, row.int("rows") ?? 0)
        }
    }

    /// `jobs.query`: runs a query and answers its first page.
    func query(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("projectId")
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.QueryRequest", root: "body", rejectUnknown: false)
        guard let sql = body["query"]?.stringValue, !sql.isEmpty else { throw GCPError.required("Required parameter is missing: query") }
        if body["useLegacySql"]?.boolValue ?? true {
            throw GCPError.invalid("Legacy SQL is not supported by the local BigQuery: set useLegacySql to false (GoogleSQL).", reason: "invalidQuery")
        }
        if let parameters = body["queryParameters"]?.arrayValue, !parameters.isEmpty {
            throw GCPError.notImplemented("BigQuery query parameters")
        }
        let dryRun = body["dryRun"]?.boolValue ?? false
        let location = body["location"]?.stringValue ?? "US"
        let jobID = "job_" + Base64.encode(RandomBytes.make(18), urlSafe: true, padding: false)
        let job = try recordQueryJob(project: project, jobID: jobID, location: location, sql: sql, dryRun: dryRun, request: request)
        if let error = job["status"]?["errorResult"] { throw Self.jobError(error) }
        let limit = Int(min(try request.query.int("maxResults") ?? body["maxResults"]?.intValue ?? 100_000, 100_000))
        let format = RowCodec.CellFormat(int64Timestamps: body["formatOptions"]?["useInt64Timestamp"]?.boolValue ?? false)
        var answer: [String: JSON] = [
            "kind": "bigquery#queryResponse", "jobReference": job["jobReference"] ?? .null, "jobComplete": true, "cacheHit": false,
            "totalBytesProcessed": job["statistics"]?["totalBytesProcessed"] ?? "0",
            "schema": job["statistics"]?["query"]?["schema"] ?? ["fields": []],
        ]
        if !dryRun {
            let page = try resultPage(project: project, jobID: jobID, start: 0, limit: limit, format: format)
            answer["totalRows"] = .string(String(page.total))
            if !page.rows.isEmpty { answer["rows"] = .array(page.rows) }
            if Int64(page.rows.count) < page.total { answer["pageToken"] = .string(String(page.rows.count)) }
        }
        return .json(.object(answer))
    }

    /// Runs a query as a job and stores the job; answers it (DONE, with `errorResult` on failure).
    func recordQueryJob(project: String, jobID: String, location: String, sql: String, dryRun: Bool, request: ServiceRequest,
                        configuration: JSON? = nil) throws -> JSON {
        let created = context.clock.nowMillis()
        var statistics: [String: JSON] = ["creationTime": .string(String(created)), "startTime": .string(String(created))]
        var status: [String: JSON] = ["state": "DONE"]
        do {
            let outcome = try runQuery(sql, project: project, jobID: jobID, dryRun: dryRun)
            let schema: JSON = ["fields": .array(outcome.schema.map(LocalEngineCatalog.schemaJSON))]
            statistics["totalBytesProcessed"] = .string(String(outcome.bytes))
            statistics["query"] = [
                "totalBytesProcessed": .string(String(outcome.bytes)), "totalBytesBilled": .string(String(dryRun ? 0 : outcome.bytes)),
                "statementType": "SELECT", "schema": schema, "cacheHit": false,
            ]
        } catch let failure as JobFailure {
            status["errorResult"] = failure.errorResult
            status["errors"] = .array(failure.errors)
        }
        statistics["endTime"] = .string(String(context.clock.nowMillis()))
        var queryConfiguration = configuration?["query"]?.objectValue ?? [:]
        queryConfiguration["query"] = .string(sql)
        queryConfiguration["useLegacySql"] = false
        let job: JSON = [
            "kind": "bigquery#job", "id": .string("\(project):\(location).\(jobID)"),
            "selfLink": .string(Self.linkBase + "\(project)/jobs/\(jobID)?location=\(location)"),
            "user_email": .string(request.principal ?? "local@terrace.local"),
            "jobReference": ["projectId": .string(project), "jobId": .string(jobID), "location": .string(location)],
            "configuration": ["query": .object(queryConfiguration), "jobType": "QUERY", "dryRun": .bool(dryRun)],
            "status": .object(status), "statistics": .object(statistics),
        ]
        if !dryRun {
            try context.store.write { db in
                _ = try db.run("INSERT OR REPLACE INTO bq_jobs (project, job_id, created, body) VALUES (?, ?, ?, ?)",
                               [.text(project), .text(jobID), .int(created), .text(job.encoded())])
            }
        }
        return job
    }

    /// A failed query's `errorResult` as the error `jobs.query` and `getQueryResults` answer.
    static func jobError(_ error: JSON) -> GCPError {
        let message = error["message"]?.stringValue ?? "Invalid query"
        let reason = error["reason"]?.stringValue ?? "invalidQuery"
        return reason == "notFound" ? GCPError.notFound(message) : GCPError.invalid(message, reason: reason)
    }

    /// `jobs.getQueryResults`.
    func getQueryResults(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        let job = try context.store.read { db -> JSON in
            guard let text = try db.queryOne("SELECT body FROM bq_jobs WHERE project = ? AND job_id = ?", [.text(project), .text(jobID)])?.string("body")
            else { throw GCPError.notFound("Not found: Job \(project):\(jobID)") }
            return try JSON.parse(text)
        }
        guard job["configuration"]?["jobType"] == "QUERY" else {
            throw GCPError.invalid("Job \(project):\(jobID) is not a query job; it has no query results.")
        }
        if let error = job["status"]?["errorResult"] { throw Self.jobError(error) }
        let (start, limit, format) = try Self.rowPage(request)
        let page = try resultPage(project: project, jobID: jobID, start: start, limit: limit, format: format)
        var answer: [String: JSON] = [
            "kind": "bigquery#getQueryResultsResponse", "jobReference": job["jobReference"] ?? .null, "jobComplete": true,
            "cacheHit": false, "totalRows": .string(String(page.total)), "schema": job["statistics"]?["query"]?["schema"] ?? ["fields": []],
            "totalBytesProcessed": job["statistics"]?["totalBytesProcessed"] ?? "0", "etag": .string(Self.listEtag(page.rows)),
        ]
        if !page.rows.isEmpty { answer["rows"] = .array(page.rows) }
        if start + Int64(page.rows.count) < page.total { answer["pageToken"] = .string(String(start + Int64(page.rows.count))) }
        return .json(.object(answer))
    }
}
