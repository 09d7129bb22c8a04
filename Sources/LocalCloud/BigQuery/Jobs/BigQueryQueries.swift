import BigQueryEngine
import Hummingbird
import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// A SELECT's answer read on a snapshot, for the writer to store.
struct QueryRows: @unchecked Sendable {
    var schema: [FieldSchema]
    var rows: [[SQLValue]]
    var bytes: Int64
}

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

    /// What running a statement produced for its job.
    struct QueryOutcome {
        var schema: [FieldSchema] = []
        var totalRows: Int64 = 0
        var bytes: Int64 = 0
        var statementType = "SELECT"
        var affectedRows: Int64?
        var ddlOperation: String?
        var ddlTarget: TableName?
    }

    /// Runs `sql` for job `jobID` inside the caller's transaction on `db` (a query's rows are
    /// stored for paging, and written to `destination` when it has one; DDL and DML change the
    /// catalog and rows); a dry run only checks it.
    /// A SELECT without a destination, answered on `db` (a snapshot); `nil` for any other
    /// statement, which the writer runs.
    func readQuery(_ sql: String, project: String, destination: QueryDestination?, parameters: QueryParameters, db: Database) throws -> QueryRows? {
        guard destination == nil else { return nil }
        let catalog = LocalEngineCatalog(db: db, catalog: self.catalog, defaultProject: project)
        do {
            guard case .query = try QueryEngine.plan(sql, catalog: catalog, parameters: parameters) else { return nil }
            try QueryEngine.prepare(db)
            let result = try QueryEngine.run(sql, catalog: catalog, db: db, parameters: parameters)
            return QueryRows(schema: result.columns.map { LocalEngineCatalog.field($0.name, $0.type) }, rows: result.rows,
                             bytes: result.totalBytesProcessed)
        } catch let error as QueryError {
            throw JobFailure(error.reason, error.message)
        }
    }

    func runQuery(_ sql: String, project: String, jobID: String, dryRun: Bool, destination: QueryDestination? = nil,
                  parameters: QueryParameters = QueryParameters(), db: Database) throws -> QueryOutcome {
        let catalog = LocalEngineCatalog(db: db, catalog: self.catalog, defaultProject: project)
        do {
            let plan = try QueryEngine.plan(sql, catalog: catalog, parameters: parameters)
            if dryRun {
                var outcome = QueryOutcome(statementType: plan.statementType)
                if case .query(let translated) = plan {
                    outcome.schema = translated.columns.map { LocalEngineCatalog.field($0.name, $0.type) }
                    outcome.bytes = translated.tablesRead.reduce(0) { $0 + $1.logicalBytes }
                }
                return outcome
            }
            try QueryEngine.prepare(db)
            switch plan {
            case .query:
                let result = try QueryEngine.run(sql, catalog: catalog, db: db, parameters: parameters)
                let schema = result.columns.map { LocalEngineCatalog.field($0.name, $0.type) }
                try storeResults(db, project: project, jobID: jobID, schema: schema, rows: result.rows)
                if let destination { try writeQueryResults(db, to: destination, schema: schema, rows: result.rows) }
                return QueryOutcome(schema: schema, totalRows: Int64(result.rows.count), bytes: result.totalBytesProcessed)
            default:
                if destination != nil {
                    throw JobFailure("invalid", "Cannot set a destination table for a \(plan.statementType) statement; only queries write one.")
                }
                return try execute(plan, db: db)
            }
        } catch let error as QueryError {
            throw JobFailure(error.reason, error.message)
        }
    }

    private func storeResults(_ db: Database, project: String, jobID: String, schema: [FieldSchema], rows: [[SQLValue]]) throws {
        let name = "bq_results_\(try db.nextCounter("bq.results"))"
        let columns = schema.indices.map { "c\($0)" }
        try db.execute("CREATE TABLE \(name) (_row INTEGER PRIMARY KEY\(columns.map { ", \($0)" }.joined()))")
        if !columns.isEmpty {
            let statement = try db.prepare("INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))")
            for row in rows {
                statement.reset()
                try statement.bind(row)
                _ = try statement.step()
            }
        }
        _ = try db.run("INSERT OR REPLACE INTO bq_job_results (project, job_id, name, schema, rows) VALUES (?, ?, ?, ?, ?)",
                       [.text(project), .text(jobID), .text(name),
                        .text(JSON.array(schema.map(LocalEngineCatalog.schemaJSON)).encoded()), .int(Int64(rows.count))])
    }

    /// Carries out a DDL or DML statement.
    private func execute(_ plan: StatementPlan, db: Database) throws -> QueryOutcome {
        var outcome = QueryOutcome(statementType: plan.statementType)
        func sqlite(_ error: any Error) -> QueryError {
            if let error = error as? SQLiteError { return QueryError("invalidQuery", error.message == "integer overflow" ? "int64 overflow" : error.message) }
            return QueryError("internalError", "\(error)")
        }
        func existing(_ name: TableName) throws -> JSON? { try catalog.table(db, name.project, name.dataset, name.table) }
        func create(_ name: TableName, columns: [EngineColumn], view: String?, layout: TableLayout = TableLayout()) throws -> JSON {
            guard let dataset = try catalog.dataset(db, name.project, name.dataset) else {
                throw QueryError("notFound", "Not found: Dataset \(name.project):\(name.dataset)")
            }
            var fields: [String: JSON] = ["schema": ["fields": .array(columns.map { column in
                var field = LocalEngineCatalog.schemaJSON(LocalEngineCatalog.field(column.name, column.type))
                if column.isRequired { field["mode"] = "REQUIRED" }
                if let description = layout.columnDescriptions[column.name] { field["description"] = .string(description) }
                return field
            })]]
            if let description = layout.description { fields["description"] = .string(description) }
            if let friendlyName = layout.friendlyName { fields["friendlyName"] = .string(friendlyName) }
            if !layout.labels.isEmpty {
                do {
                    fields["labels"] = try BigQueryService.labels(.object(layout.labels.mapValues { .string($0) })).map(JSON.object)
                } catch let error as GCPError {
                    throw QueryError("invalidQuery", error.message)
                }
            }
            if let view { fields["view"] = ["query": .string(view), "useLegacySql": false] }
            if let type = layout.partitionType {
                var partitioning: [String: JSON] = ["type": .string(type)]
                if let field = layout.partitionField { partitioning["field"] = .string(field) }
                fields["timePartitioning"] = .object(partitioning)
            }
            if !layout.clusterBy.isEmpty { fields["clustering"] = ["fields": .array(layout.clusterBy.map { .string($0) })] }
            let now = String(context.clock.nowMillis())
            var table = Self.tableResource(fields, project: name.project, datasetID: name.dataset, tableID: name.table, dataset: dataset,
                                           created: now, modified: now, previous: nil)
            table["etag"] = .string(try catalog.newEtag(db, for: table))
            try catalog.putTable(db, table)
            return table
        }
        /// Recounts a table's rows and bytes after a statement changed them.
        func restate(_ name: TableName, _ table: JSON, rowsTable: String) throws {
            let (rows, bytes) = try RowStore.statistics(db, rowsTable, fields: FieldSchema.fields(of: table["schema"]))
            var updated = table
            updated["numRows"] = .string(String(rows))
            updated["numBytes"] = .string(String(bytes))
            updated["lastModifiedTime"] = .string(String(context.clock.nowMillis()))
            updated["etag"] = .string(try catalog.newEtag(db, for: updated))
            try catalog.putTable(db, updated)
        }
        /// Clears the way for CREATE [OR REPLACE] [IF NOT EXISTS]: `CREATE`, `REPLACE` or `SKIP`.
        func makeRoom(_ name: TableName, orReplace: Bool, ifNotExists: Bool) throws -> String {
            guard try existing(name) != nil else { return "CREATE" }
            if ifNotExists { return "SKIP" }
            guard orReplace else { throw QueryError("duplicate", "Already Exists: Table \(name)") }
            try catalog.deleteTable(db, name.project, name.dataset, name.table)
            return "REPLACE"
        }
        func rowsTable(_ name: TableName, _ table: JSON) throws -> String {
            try RowStore.ensure(db, key: RowStore.key(name.project, name.dataset, name.table), table: table,
                                fields: FieldSchema.fields(of: table["schema"]))
        }
        switch plan {
        case .query:
            break
        case .createTable(let name, let columns, let query, let orReplace, let ifNotExists, let layout):
            outcome.ddlTarget = name
            outcome.ddlOperation = try makeRoom(name, orReplace: orReplace, ifNotExists: ifNotExists)
            if outcome.ddlOperation == "SKIP" { return outcome }
            let table = try create(name, columns: columns, view: nil, layout: layout)
            let rows = try rowsTable(name, table)
            if let query {
                let targets = columns.map { SQLText.identifier($0.name.lowercased()) }.joined(separator: ", ")
                let sources = columns.indices.map { "c\($0)" }.joined(separator: ", ")
                do {
                    try db.execute("INSERT INTO \(rows) (\(targets)) SELECT \(sources) FROM (\(query.sql))")
                } catch { throw sqlite(error) }
                outcome.bytes = query.tablesRead.reduce(0) { $0 + $1.logicalBytes }
            }
            try restate(name, table, rowsTable: rows)
        case .createView(let name, let columns, let text, let orReplace, let ifNotExists, let layout):
            outcome.ddlTarget = name
            outcome.ddlOperation = try makeRoom(name, orReplace: orReplace, ifNotExists: ifNotExists)
            if outcome.ddlOperation == "SKIP" { return outcome }
            _ = try create(name, columns: columns, view: text, layout: layout)
        case .drop(let name, let isView, let ifExists):
            outcome.ddlTarget = name
            guard let table = try existing(name) else {
                if ifExists { outcome.ddlOperation = "SKIP"; return outcome }
                throw QueryError("notFound", "Not found: \(isView ? "View" : "Table") \(name)")
            }
            if isView != (table["type"]?.stringValue == "VIEW") {
                throw QueryError("invalidQuery", "\(name) is a \(isView ? "table" : "view"); use DROP \(isView ? "TABLE" : "VIEW")")
            }
            try catalog.deleteTable(db, name.project, name.dataset, name.table)
            outcome.ddlOperation = "DROP"
        case .truncate(let name):
            guard let table = try existing(name) else { throw QueryError("notFound", "Not found: Table \(name)") }
            let rows = try rowsTable(name, table)
            outcome.affectedRows = try RowStore.count(db, rows)
            try RowStore.truncate(db, rows)
            try restate(name, table, rowsTable: rows)
        case .insert(let name, let columns, let query):
            guard let table = try existing(name) else { throw QueryError("notFound", "Not found: Table \(name)") }
            let rows = try rowsTable(name, table)
            let targets = columns.map { SQLText.identifier($0) }.joined(separator: ", ")
            let sources = columns.indices.map { "c\($0)" }.joined(separator: ", ")
            do {
                outcome.affectedRows = Int64(try db.run("INSERT INTO \(rows) (\(targets)) SELECT \(sources) FROM (\(query.sql))"))
            } catch { throw sqlite(error) }
            outcome.bytes = query.tablesRead.reduce(0) { $0 + $1.logicalBytes }
            try restate(name, table, rowsTable: rows)
        case .delete(let name, let condition):
            guard let table = try existing(name) else { throw QueryError("notFound", "Not found: Table \(name)") }
            let rows = try rowsTable(name, table)
            do {
                outcome.affectedRows = Int64(try db.run("DELETE FROM \(rows) WHERE \(condition)"))
            } catch { throw sqlite(error) }
            try restate(name, table, rowsTable: rows)
        case .update(let name, let assignments, let condition):
            guard let table = try existing(name) else { throw QueryError("notFound", "Not found: Table \(name)") }
            let rows = try rowsTable(name, table)
            let sets = assignments.map { "\(SQLText.identifier($0.column)) = \($0.sql)" }.joined(separator: ", ")
            do {
                outcome.affectedRows = Int64(try db.run("UPDATE \(rows) SET \(sets) WHERE \(condition)"))
            } catch { throw sqlite(error) }
            try restate(name, table, rowsTable: rows)
        case .merge(let name, let merge):
            guard let table = try existing(name) else { throw QueryError("notFound", "Not found: Table \(name)") }
            let rows = try rowsTable(name, table)
            outcome.affectedRows = try MergeExecution(db: db, plan: merge, rows: rows).run()
            outcome.bytes = merge.bytesProcessed
            try restate(name, table, rowsTable: rows)
        }
        return outcome
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

    /// `jobs.query`: starts a query job and waits up to `timeoutMs` (10 s) for it; answers its
    /// first page, or `jobComplete: false` with the job's reference for `getQueryResults`.
    func query(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("projectId")
        var body = try await request.jsonBody()
        if case .object(var fields) = body, let parameters = fields["queryParameters"] {
            fields["queryParameters"] = Self.parameterValuesAsText(parameters)
            body = .object(fields)
        }
        try SchemaValidator.shared.validate(body, schema: "bigquery.QueryRequest", root: "body", rejectUnknown: false)
        guard let sql = body["query"]?.stringValue, !sql.isEmpty else { throw GCPError.required("Required parameter is missing: query") }
        if body["useLegacySql"]?.boolValue ?? true {
            throw GCPError.invalid("Legacy SQL is not supported by the local BigQuery: set useLegacySql to false (GoogleSQL).", reason: "invalidQuery")
        }
        let dryRun = body["dryRun"]?.boolValue ?? false
        let location = body["location"]?.stringValue ?? "US"
        let timeout = try Self.waitTimeout(body["timeoutMs"]?.intValue)
        let jobID = Self.newJobID()
        var parameters: [String: JSON] = [:]
        for key in ["queryParameters", "parameterMode"] { parameters[key] = body[key] }
        var job = try startQueryJob(project: project, jobID: jobID, location: location, sql: sql, dryRun: dryRun, principal: request.principal,
                                    configuration: ["query": .object(parameters)])
        if !dryRun { job = try await awaitJob(project: project, jobID: jobID, upTo: timeout) }
        guard job["status"]?["state"] == "DONE" else {
            return .json(["kind": "bigquery#queryResponse", "jobReference": job["jobReference"] ?? .null, "jobComplete": false])
        }
        if let error = job["status"]?["errorResult"] { throw Self.jobError(error) }
        let limit = Int(min(try request.query.int("maxResults") ?? body["maxResults"]?.intValue ?? 100_000, 100_000))
        let format = RowCodec.CellFormat(int64Timestamps: body["formatOptions"]?["useInt64Timestamp"]?.boolValue ?? false)
        var answer: [String: JSON] = [
            "kind": "bigquery#queryResponse", "jobReference": job["jobReference"] ?? .null, "jobComplete": true, "cacheHit": false,
            "totalBytesProcessed": job["statistics"]?["totalBytesProcessed"] ?? "0",
            "schema": job["statistics"]?["query"]?["schema"] ?? ["fields": []],
        ]
        if let affected = job["statistics"]?["query"]?["numDmlAffectedRows"] { answer["numDmlAffectedRows"] = affected }
        if !dryRun {
            let page = try resultPage(project: project, jobID: jobID, start: 0, limit: limit, format: format)
            answer["totalRows"] = .string(String(page.total))
            if !page.rows.isEmpty { answer["rows"] = .array(page.rows) }
            if Int64(page.rows.count) < page.total { answer["pageToken"] = .string(String(page.rows.count)) }
        }
        return .json(.object(answer))
    }

    /// Starts a query job (recorded RUNNING, run in the background) and answers it; a dry run is
    /// only checked, never stored, and answered DONE (with `errorResult` when it would fail).
    func startQueryJob(project: String, jobID: String, location: String, sql: String, dryRun: Bool, principal: String?,
                       configuration: JSON? = nil) throws -> JSON {
        var queryConfiguration = configuration?["query"]?.objectValue ?? [:]
        queryConfiguration["query"] = .string(sql)
        queryConfiguration["useLegacySql"] = false
        let destination = try QueryDestination(.object(queryConfiguration), project: project)
        let parameters: QueryParameters
        do {
            parameters = try QueryParameters(json: queryConfiguration["queryParameters"])
        } catch {
            throw GCPError.invalid(error.message, reason: error.reason)
        }
        var job = newJob(project: project, jobID: jobID, location: location, principal: principal,
                         configuration: ["query": .object(queryConfiguration), "jobType": "QUERY", "dryRun": .bool(dryRun)])
        guard dryRun else {
            // A plain SELECT runs on a snapshot, beside other jobs; the writer only stores its rows.
            let snapshot: @Sendable (Database) throws -> QueryRows? = { [self] db in
                try readQuery(sql, project: project, destination: destination, parameters: parameters, db: db)
            }
            try startJob(job, snapshot: snapshot) { [self] db, read in
                let outcome: QueryOutcome
                if let read {
                    try storeResults(db, project: project, jobID: jobID, schema: read.schema, rows: read.rows)
                    outcome = QueryOutcome(schema: read.schema, totalRows: Int64(read.rows.count), bytes: read.bytes)
                } else {
                    outcome = try runQuery(sql, project: project, jobID: jobID, dryRun: false, destination: destination,
                                           parameters: parameters, db: db)
                }
                return JobOutcome(statistics: Self.queryStatistics(outcome, dryRun: false))
            }
            return job
        }
        var statistics = job["statistics"]?.objectValue ?? [:]
        var status: [String: JSON] = ["state": "DONE"]
        do {
            let outcome = try context.store.write { db in try runQuery(sql, project: project, jobID: jobID, dryRun: true, parameters: parameters, db: db) }
            statistics.merge(Self.queryStatistics(outcome, dryRun: true)) { $1 }
        } catch let failure as JobFailure {
            status["errorResult"] = failure.errorResult
            status["errors"] = .array(failure.errors)
        }
        statistics["endTime"] = .string(String(context.clock.nowMillis()))
        job["status"] = .object(status)
        job["statistics"] = .object(statistics)
        return job
    }

    /// `queryParameters` with every scalar `value` as text: Google's client libraries send
    /// numbers and booleans as JSON numbers and booleans there, and BigQuery accepts them.
    static func parameterValuesAsText(_ json: JSON) -> JSON {
        switch json {
        case .array(let elements):
            return .array(elements.map(parameterValuesAsText))
        case .object(var fields):
            for (key, value) in fields {
                switch (key, value) {
                case ("value", .int(let number)): fields[key] = .string(String(number))
                case ("value", .double(let number)): fields[key] = .string(number.isFinite ? "\(number)" : (number.isNaN ? "NaN" : (number < 0 ? "-inf" : "inf")))
                case ("value", .bool(let flag)): fields[key] = .string(flag ? "true" : "false")
                default: fields[key] = parameterValuesAsText(value)
                }
            }
            return .object(fields)
        default:
            return json
        }
    }

    /// A failed query's `errorResult` as the error `jobs.query` and `getQueryResults` answer.
    static func jobError(_ error: JSON) -> GCPError {
        let message = error["message"]?.stringValue ?? "Invalid query"
        let reason = error["reason"]?.stringValue ?? "invalidQuery"
        switch reason {
        case "notFound": return GCPError.notFound(message)
        case "duplicate": return GCPError.alreadyExists(message, reason: "duplicate")
        case "backendError", "internalError": return GCPError(code: 500, reason: reason, message: message, status: "INTERNAL")
        default: return GCPError.invalid(message, reason: reason)
        }
    }

    /// `jobs.getQueryResults`: waits up to `timeoutMs` (10 s) for the job; answers a page of its
    /// rows, or `jobComplete: false` while it is still running.
    func getQueryResults(_ request: ServiceRequest) async throws -> Response {
        let (project, jobID) = (request.param("projectId"), request.param("jobId"))
        let timeout = try Self.waitTimeout(try request.query.int("timeoutMs"))
        var job = try context.store.read { db in try storedJob(db, project, jobID) }
        guard job["configuration"]?["jobType"] == "QUERY" else {
            throw GCPError.invalid("Job \(project):\(jobID) is not a query job; it has no query results.")
        }
        if job["status"]?["state"] != "DONE" { job = try await awaitJob(project: project, jobID: jobID, upTo: timeout) }
        guard job["status"]?["state"] == "DONE" else {
            return .json(["kind": "bigquery#getQueryResultsResponse", "jobReference": job["jobReference"] ?? .null, "jobComplete": false])
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
