import TerraceJSON
import TerraceSQLite

/// Where a query job writes its rows besides its results: `configuration.query.destinationTable`
/// under the query's write disposition (WRITE_EMPTY by default) and create disposition; a new
/// table takes the result's schema and the configuration's partitioning and clustering.
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationQuery
struct QueryDestination: Sendable {
    let reference: JobTableReference
    let plan: DestinationPlan

    /// The destination a query configuration names; nil when it names none.
    init?(_ query: JSON?, project: String) throws {
        guard let query, let table = query["destinationTable"], table != .null else { return nil }
        do {
            reference = try JobTableReference(table, project: project, field: "configuration.query.destinationTable")
        } catch let failure as JobFailure {
            throw GCPError.invalid(failure.errorResult["message"]?.stringValue ?? "Invalid destinationTable.")
        }
        var plan = DestinationPlan(write: query["writeDisposition"]?.stringValue ?? "WRITE_EMPTY",
                                   create: query["createDisposition"]?.stringValue ?? "CREATE_IF_NEEDED", action: "write query results to")
        plan.schemaUpdateOptions = Set((query["schemaUpdateOptions"]?.arrayValue ?? []).compactMap(\.stringValue))
        for key in ["timePartitioning", "rangePartitioning", "clustering"] { if let value = query[key] { plan.layout[key] = value } }
        self.plan = plan
    }
}

extension BigQueryService {
    /// Writes a query's result rows to its destination table (inside the job's transaction).
    func writeQueryResults(_ db: Database, to destination: QueryDestination, schema: [FieldSchema], rows: [[SQLValue]]) throws {
        var seen = Set<String>()
        let duplicates = schema.map { $0.name.lowercased() }.filter { !seen.insert($0).inserted }
        guard duplicates.isEmpty else {
            throw JobFailure("invalid", "Duplicate column names in the result are not supported. Found duplicate(s): \(duplicates.joined(separator: ", "))")
        }
        let fields = schema.map(LocalEngineCatalog.schemaJSON)
        let open = try openDestination(db, destination.reference, fields: fields, plan: destination.plan)
        try RowStore.insert(db, into: open.rowsTable, fields: schema, rows: rows)
        var bytes: Int64 = 0
        for row in rows {
            for (value, field) in zip(row, schema) { bytes += RowCodec.size(value, field: field) }
        }
        try closeDestination(db, open, rows: Int64(rows.count), bytes: bytes)
    }

    /// A finished query job's statistics (`totalBytesProcessed`, `query`).
    static func queryStatistics(_ outcome: QueryOutcome, dryRun: Bool) -> [String: JSON] {
        let schema: JSON = ["fields": .array(outcome.schema.map(LocalEngineCatalog.schemaJSON))]
        var query: [String: JSON] = [
            "totalBytesProcessed": .string(String(outcome.bytes)), "totalBytesBilled": .string(String(dryRun ? 0 : outcome.bytes)),
            "statementType": .string(outcome.statementType), "schema": schema, "cacheHit": false,
        ]
        if let affected = outcome.affectedRows { query["numDmlAffectedRows"] = .string(String(affected)) }
        if let operation = outcome.ddlOperation { query["ddlOperationPerformed"] = .string(operation) }
        if let target = outcome.ddlTarget {
            query["ddlTargetTable"] = ["projectId": .string(target.project), "datasetId": .string(target.dataset), "tableId": .string(target.table)]
        }
        return ["totalBytesProcessed": .string(String(outcome.bytes)), "query": .object(query)]
    }
}
