import TerraceJSON
import TerraceSQLite
import TerraceTime

/// What a finished copy did (`statistics.copy`, JobStatistics5).
struct CopyStatistics {
    var copiedRows: Int64 = 0
    var copiedLogicalBytes: Int64 = 0

    var json: JSON {
        ["copiedRows": .string(String(copiedRows)), "copiedLogicalBytes": .string(String(copiedLogicalBytes))]
    }
}

/// Copy jobs (`configuration.copy`): one source table or several with one schema, concatenated
/// in order into the destination under its write disposition (WRITE_EMPTY by default) and
/// create disposition; a destination the job creates takes the first source's schema,
/// partitioning and clustering. The rows move inside SQLite, in the job's one transaction: the
/// copy commits whole, or nothing changes.
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationTableCopy
extension BigQueryService {
    /// Refuses, before a job is made, what the local cloud does not do: operation types other
    /// than COPY (snapshots, restores and clones).
    static func checkCopyConfiguration(_ copy: JSON) throws {
        let operation = copy["operationType"]?.stringValue ?? "COPY"
        guard operation == "COPY" || operation == "OPERATION_TYPE_UNSPECIFIED" else {
            throw GCPError.notImplemented("BigQuery copy jobs with operationType \(operation) (table snapshots, restores and clones)")
        }
    }

    func runCopy(_ copy: JSON, project: String, db: Database) throws -> CopyStatistics {
        let target = try JobTableReference(copy["destinationTable"], project: project, field: "destinationTable")
        var given = copy["sourceTables"]?.arrayValue ?? []
        if given.isEmpty, let one = copy["sourceTable"] { given = [one] }
        guard !given.isEmpty else { throw JobFailure("invalid", "Required field sourceTable or sourceTables is missing.") }
        let sources = try copySources(given.map { try JobTableReference($0, project: project, field: "sourceTables") }, db: db)
        let first = sources[0].table
        let fields = first["schema"]?["fields"]?.arrayValue ?? []

        var plan = DestinationPlan(write: copy["writeDisposition"]?.stringValue ?? "WRITE_EMPTY",
                                   create: copy["createDisposition"]?.stringValue ?? "CREATE_IF_NEEDED", action: "copy to")
        for key in ["timePartitioning", "rangePartitioning", "clustering"] { plan.layout[key] = first[key] }
        if let encryption = copy["destinationEncryptionConfiguration"] { plan.layout["encryptionConfiguration"] = encryption }

        // A source that is also the destination is read aside before WRITE_TRUNCATE empties it.
        var readFrom = sources.map(\.rowsTable)
        if plan.write == "WRITE_TRUNCATE" {
            for (index, source) in sources.enumerated() where source.reference == target {
                readFrom[index] = try source.rowsTable.map { try stage(db, $0, fields: FieldSchema.fields(of: source.table["schema"])) }
            }
        }
        var destination = try openDestination(db, target, fields: fields, plan: plan)
        if let text = copy["destinationExpirationTime"]?.stringValue {
            guard let micros = Timestamp.parseRFC3339(text) else {
                throw JobFailure("invalid", "Invalid destinationExpirationTime \"\(text)\": expected an RFC 3339 timestamp.")
            }
            destination.table["expirationTime"] = .string(String(micros / 1000))
        }
        var statistics = CopyStatistics()
        for (source, rowsTable) in zip(sources, readFrom) {
            guard let rowsTable else { continue }
            let parsed = FieldSchema.fields(of: source.table["schema"])
            // The source's own counts, kept by every job and statement that changes its rows;
            // counted from the rows only when a table lacks them.
            let (rows, bytes) = try source.table["numRows"]?.intValue.flatMap { rows in
                source.table["numBytes"]?.intValue.map { (rows, $0) }
            } ?? RowStore.statistics(db, rowsTable, fields: parsed)
            if !parsed.isEmpty && rows > 0 {
                let columns = parsed.map(\.column).joined(separator: ", ")
                try db.execute("INSERT INTO \(destination.rowsTable) (\(columns)) SELECT \(columns) FROM \(rowsTable) ORDER BY _row")
            }
            statistics.copiedRows += rows
            statistics.copiedLogicalBytes += bytes
        }
        for staged in readFrom.compactMap({ $0 }) where staged.hasPrefix("temp.") { try db.execute("DROP TABLE IF EXISTS \(staged)") }
        try closeDestination(db, destination, rows: statistics.copiedRows, bytes: statistics.copiedLogicalBytes)
        return statistics
    }

    /// A copy's sources: live tables, not views, with one schema between them; each with the
    /// SQLite table of its rows (nil while it has none).
    private func copySources(_ references: [JobTableReference], db: Database) throws
        -> [(reference: JobTableReference, table: JSON, rowsTable: String?)]
    {
        var sources: [(reference: JobTableReference, table: JSON, rowsTable: String?)] = []
        for reference in references {
            guard let table = try catalog.table(db, reference.project, reference.dataset, reference.table) else {
                throw JobFailure("notFound", "Not found: Table \(reference.name)")
            }
            guard table["type"]?.stringValue != "VIEW" else {
                throw JobFailure("invalid", "Using table \(reference.name) is not allowed for this operation because of its type. "
                                     + "Try using a different table that is of type TABLE.")
            }
            if let first = sources.first,
               !Self.sameShape(first.table["schema"]?["fields"]?.arrayValue ?? [], table["schema"]?["fields"]?.arrayValue ?? []) {
                throw JobFailure("invalid", "Source tables \(first.reference.name) and \(reference.name) have different schemas; "
                                     + "the tables of one copy job must have the same schema.")
            }
            let key = RowStore.key(reference.project, reference.dataset, reference.table)
            sources.append((reference, table, try RowStore.existing(db, key: key, table: table)))
        }
        return sources
    }

    /// Copies the rows of `rowsTable` into a temporary table (same columns, same order).
    private func stage(_ db: Database, _ rowsTable: String, fields: [FieldSchema]) throws -> String {
        let name = "temp.bq_copy_stage_\(try db.nextCounter("bq.copy.stage"))"
        let columns = (["_row"] + fields.map(\.column)).joined(separator: ", ")
        try db.execute("CREATE TABLE \(name) AS SELECT \(columns) FROM \(rowsTable) ORDER BY _row")
        return name
    }
}
