import Hummingbird
import TerraceJSON
import TerraceSQLite

/// tabledata.insertAll (streaming inserts, de-duplicated by insertId) and tabledata.list.
extension BigQueryService {
    /// How long an insertId de-duplicates a retried insert (BigQuery: at least one minute).
    static let insertIDWindowMicros: Int64 = 60_000_000

    func insertAll(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID, tableID) = try Self.tablePath(request)
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.TableDataInsertAllRequest", root: "body", rejectUnknown: false)
        if let suffix = body["templateSuffix"]?.stringValue, !suffix.isEmpty {
            throw GCPError.notImplemented("BigQuery tabledata.insertAll with templateSuffix")
        }
        let rows = body["rows"]?.arrayValue ?? []
        let skipInvalid = body["skipInvalidRows"]?.boolValue ?? false
        let ignoreUnknown = body["ignoreUnknownValues"]?.boolValue ?? false
        let now = context.clock.nowMicros()
        let errors: [JSON] = try context.store.write { db in
            let table = try catalog.requireTable(db, project, datasetID, tableID)
            if table["type"]?.stringValue == "VIEW" {
                throw GCPError.invalid("Cannot add rows to a view: \(project):\(datasetID).\(tableID)")
            }
            let fields = FieldSchema.fields(of: table["schema"])
            guard !fields.isEmpty else {
                throw GCPError.invalid("The destination table has no schema.")
            }
            let layout = RowCodec.Layout(fields)
            // Encode every row first: with skipInvalidRows false, one bad row stops them all.
            var encoded: [(index: Int, insertID: String?, values: [SQLValue])] = []
            var errors: [JSON] = []
            for (index, row) in rows.enumerated() {
                guard let object = row["json"]?.objectValue else {
                    errors.append(Self.insertError(index, RowError(location: "", message: "Row \(index) has no json object.")))
                    continue
                }
                do {
                    encoded.append((index, row["insertId"]?.stringValue, try RowCodec.encode(object, layout: layout, ignoreUnknownValues: ignoreUnknown)))
                } catch let error as RowError {
                    errors.append(Self.insertError(index, error))
                }
            }
            if !errors.isEmpty && !skipInvalid {
                let failed = Set(errors.compactMap { $0["index"]?.intValue })
                for entry in encoded where !failed.contains(Int64(entry.index)) {
                    errors.append(["index": .int(Int64(entry.index)), "errors": [["reason": "stopped", "location": "", "debugInfo": "", "message": ""]]])
                }
                return errors.sorted { ($0["index"]?.intValue ?? 0) < ($1["index"]?.intValue ?? 0) }
            }
            let key = RowStore.key(project, datasetID, tableID)
            let name = try RowStore.ensure(db, key: key, table: table, fields: fields)
            _ = try db.run("DELETE FROM bq_insert_ids WHERE key = ? AND at < ?", [.text(key), .int(now - Self.insertIDWindowMicros)])
            var fresh: [[SQLValue]] = []
            var seen: Set<String> = []
            for entry in encoded {
                if let id = entry.insertID, !id.isEmpty {
                    guard seen.insert(id).inserted else { continue }
                    let known = try db.queryOne("SELECT 1 AS x FROM bq_insert_ids WHERE key = ? AND insert_id = ?", [.text(key), .text(id)])
                    if known != nil { continue }
                    _ = try db.run("INSERT INTO bq_insert_ids (key, insert_id, at) VALUES (?, ?, ?)", [.text(key), .text(id), .int(now)])
                }
                fresh.append(entry.values)
            }
            try RowStore.insert(db, into: name, fields: fields, rows: fresh)
            try recordGrowth(db, table: table, fields: fields, rows: fresh)
            return errors
        }
        var answer: [String: JSON] = ["kind": "bigquery#tableDataInsertAllResponse"]
        if !errors.isEmpty { answer["insertErrors"] = .array(errors) }
        return .json(.object(answer))
    }

    static func insertError(_ index: Int, _ error: RowError) -> JSON {
        ["index": .int(Int64(index)), "errors": [["reason": "invalid", "location": .string(error.location), "debugInfo": "",
                                                   "message": .string(error.message)]]]
    }

    /// Adds `rows` to the table's `numRows` and `numBytes`.
    func recordGrowth(_ db: Database, table: JSON, fields: [FieldSchema], rows: [[SQLValue]]) throws {
        guard !rows.isEmpty else { return }
        var bytes: Int64 = 0
        for row in rows { for (value, field) in zip(row, fields) { bytes += RowCodec.size(value, field: field) } }
        var updated = table
        updated["numRows"] = .string(String((table["numRows"]?.intValue ?? 0) + Int64(rows.count)))
        updated["numBytes"] = .string(String((table["numBytes"]?.intValue ?? 0) + bytes))
        updated["lastModifiedTime"] = .string(String(context.clock.nowMillis()))
        updated["etag"] = .string(try catalog.newEtag(db, for: updated))
        try catalog.putTable(db, updated)
    }

    /// The rows a page asks for (`startIndex`, or the `pageToken` of the previous page, and
    /// `maxResults`) and how its cells are formatted.
    static func rowPage(_ request: ServiceRequest) throws -> (start: Int64, limit: Int, format: RowCodec.CellFormat) {
        let maxResults = try request.query.int("maxResults")
        if let maxResults, maxResults < 0 { throw GCPError.invalid("Invalid value for parameter 'maxResults': \(maxResults) must not be negative.") }
        var start = try request.query.int("startIndex") ?? 0
        if let token = request.query["pageToken"], !token.isEmpty {
            guard let offset = Int64(token), offset >= 0 else { throw GCPError.invalid("Invalid page token: \(token)") }
            start = offset
        }
        let format = RowCodec.CellFormat(int64Timestamps: try request.query.bool("formatOptions.useInt64Timestamp") ?? false)
        return (start, Int(min(maxResults ?? 100_000, 100_000)), format)
    }

    func listTableData(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID, tableID) = try Self.tablePath(request)
        let (start, limit, format) = try Self.rowPage(request)
        let selected = request.query["selectedFields"].map { $0.split(separator: ",").map { $0.lowercased() } }
        let (rows, total) = try context.store.read { db -> ([JSON], Int64) in
            let table = try catalog.requireTable(db, project, datasetID, tableID)
            if table["type"]?.stringValue == "VIEW" {
                throw GCPError.invalid("Cannot list a view: \(project):\(datasetID).\(tableID) (query it instead)")
            }
            var fields = FieldSchema.fields(of: table["schema"])
            if let selected { fields = fields.filter { selected.contains($0.name.lowercased()) } }
            guard let name = try RowStore.existing(db, key: RowStore.key(project, datasetID, tableID), table: table) else {
                return ([], 0)
            }
            let total = try RowStore.count(db, name)
            let page = try RowStore.page(db, name, fields: fields, start: start, limit: limit)
            return (page.map { RowCodec.row($0, fields: fields, format: format) }, total)
        }
        var answer: [String: JSON] = [
            "kind": "bigquery#tableDataList", "totalRows": .string(String(total)),
            "etag": .string(Self.listEtag(rows)),
        ]
        if !rows.isEmpty { answer["rows"] = .array(rows) }
        if start + Int64(rows.count) < total { answer["pageToken"] = .string(String(start + Int64(rows.count))) }
        return .json(.object(answer))
    }
}
