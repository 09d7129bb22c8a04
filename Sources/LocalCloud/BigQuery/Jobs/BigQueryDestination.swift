import TerraceJSON
import TerraceSQLite

/// How a job writes its destination table: its dispositions, the schema changes it may make, and
/// what a table it creates is made with. Load, copy and query jobs share it.
struct DestinationPlan {
    /// WRITE_TRUNCATE, WRITE_APPEND or WRITE_EMPTY.
    var write: String
    /// CREATE_IF_NEEDED or CREATE_NEVER.
    var create: String
    /// ALLOW_FIELD_ADDITION and ALLOW_FIELD_RELAXATION, as `schemaUpdateOptions` allows.
    var schemaUpdateOptions: Set<String> = []
    /// Whether an append keeps the table's schema (widened by what the options allow) rather than
    /// taking the job's (a load's given schema replaces it, relaxation included).
    var keepsTableSchema = true
    /// Settings of a table the job creates (`timePartitioning`, `rangePartitioning`, `clustering`).
    var layout: [String: JSON] = [:]
    /// What the job does to the table, for errors: "load data into", "copy to", …
    var action: String

    init(write: String, create: String, action: String) {
        self.write = write
        self.create = create
        self.action = action
    }
}

/// A destination table ready for rows: its resource, as stored, and its rows' SQLite table.
struct OpenDestination {
    var table: JSON
    let rowsTable: String
    /// "project:dataset.table", for messages.
    let name: String
}

/// A table named in a job configuration.
struct JobTableReference: Equatable {
    let project: String
    let dataset: String
    let table: String

    /// "project:dataset.table", as BigQuery names tables in messages.
    var name: String { "\(project):\(dataset).\(table)" }

    init(project: String, dataset: String, table: String) {
        self.project = project
        self.dataset = dataset
        self.table = table
    }

    /// The reference `value` holds (`projectId` defaulting to `project`); a JobFailure naming
    /// `field` when it is incomplete.
    init(_ value: JSON?, project: String, field: String) throws {
        guard let value, let dataset = value["datasetId"]?.stringValue, !dataset.isEmpty,
              let table = value["tableId"]?.stringValue, !table.isEmpty
        else { throw JobFailure("invalid", "Required field \(field) is missing or incomplete (datasetId and tableId).") }
        self.project = value["projectId"]?.stringValue ?? project
        self.dataset = dataset
        self.table = table
    }

    var json: JSON { ["projectId": .string(project), "datasetId": .string(dataset), "tableId": .string(table)] }
}

extension BigQueryService {
    /// Opens `reference` for a job's rows under `plan`: creates it (CREATE_IF_NEEDED), refuses a
    /// missing one (CREATE_NEVER, `notFound`), a view (`invalid`) or a non-empty one (WRITE_EMPTY,
    /// `duplicate`), empties it and takes `fields` as its schema (WRITE_TRUNCATE), or checks that
    /// `fields` may be appended (`invalid` when not). Run inside the job's transaction.
    func openDestination(_ db: Database, _ reference: JobTableReference, fields: [JSON], plan: DestinationPlan) throws -> OpenDestination {
        let name = reference.name
        let key = RowStore.key(reference.project, reference.dataset, reference.table)
        var table: JSON
        if var current = try catalog.table(db, reference.project, reference.dataset, reference.table) {
            if current["type"]?.stringValue == "VIEW" { throw JobFailure("invalid", "Cannot \(plan.action) a view: \(name)") }
            let rowsTable = try RowStore.existing(db, key: key, table: current)
            let holdsRows = try rowsTable.map { try RowStore.count(db, $0) > 0 } ?? false
            if plan.write == "WRITE_EMPTY" && holdsRows {
                throw JobFailure("duplicate", "Already Exists: Table \(name)")
            }
            let old = current["schema"]?["fields"]?.arrayValue ?? []
            if plan.write == "WRITE_TRUNCATE" {
                current["schema"] = ["fields": .array(fields)]
                if rowsTable != nil { try RowStore.drop(db, key: key) }
                current["numRows"] = "0"
                current["numBytes"] = "0"
            } else if let widened = try appendedSchema(old: old, new: fields, table: name, plan: plan) {
                current["schema"] = ["fields": .array(widened)]
            }
            table = current
        } else {
            guard plan.create != "CREATE_NEVER" else { throw JobFailure("notFound", "Not found: Table \(name)") }
            guard let dataset = try catalog.dataset(db, reference.project, reference.dataset) else {
                throw JobFailure("notFound", "Not found: Dataset \(reference.project):\(reference.dataset)")
            }
            var settable = plan.layout
            settable["schema"] = ["fields": .array(fields)]
            let now = String(context.clock.nowMillis())
            table = Self.tableResource(settable, project: reference.project, datasetID: reference.dataset, tableID: reference.table,
                                       dataset: dataset, created: now, modified: now, previous: nil)
        }
        table["etag"] = .string(try catalog.newEtag(db, for: table))
        try catalog.putTable(db, table)
        let rowsTable = try RowStore.ensure(db, key: key, table: table, fields: FieldSchema.fields(of: table["schema"]))
        return OpenDestination(table: table, rowsTable: rowsTable, name: name)
    }

    /// Records what a job added to its destination: `numRows`, `numBytes`, a new etag.
    func closeDestination(_ db: Database, _ destination: OpenDestination, rows: Int64, bytes: Int64) throws {
        var table = destination.table
        table["numRows"] = .string(String((table["numRows"]?.intValue ?? 0) + rows))
        table["numBytes"] = .string(String((table["numBytes"]?.intValue ?? 0) + bytes))
        table["lastModifiedTime"] = .string(String(context.clock.nowMillis()))
        table["etag"] = .string(try catalog.newEtag(db, for: table))
        try catalog.putTable(db, table)
    }

    /// The schema a table has after rows of schema `new` are appended to it, nil when unchanged;
    /// `invalid` when `new` removes, retypes or re-modes a field, or adds or relaxes one without
    /// the schema update option that allows it.
    private func appendedSchema(old: [JSON], new: [JSON], table: String, plan: DestinationPlan) throws -> [JSON]? {
        if plan.keepsTableSchema ? Self.sameShape(old, new) : old == new { return nil }
        do {
            try BigQuerySchema.checkEvolution(from: old, to: new, table: table)
        } catch let error as GCPError {
            throw JobFailure("invalid", error.message)
        }
        func named(_ field: JSON) -> String { field["name"]?.stringValue?.lowercased() ?? "" }
        let oldNames = Set(old.map(named))
        let added = new.filter { !oldNames.contains(named($0)) }
        if !added.isEmpty && !plan.schemaUpdateOptions.contains("ALLOW_FIELD_ADDITION") {
            throw JobFailure("invalid", "Provided Schema does not match Table \(table). Cannot add fields (field: \(added[0]["name"]?.stringValue ?? "")).")
        }
        guard plan.keepsTableSchema else { return new }
        // Keep the table's fields (descriptions and all), relaxed where allowed, then the added ones.
        var widened: [JSON] = []
        for field in old {
            var kept = field
            let incoming = new.first { named($0) == named(field) }
            if field["mode"]?.stringValue == "REQUIRED", (incoming?["mode"]?.stringValue ?? "NULLABLE") == "NULLABLE" {
                guard plan.schemaUpdateOptions.contains("ALLOW_FIELD_RELAXATION") else {
                    throw JobFailure("invalid", "Provided Schema does not match Table \(table). "
                                         + "Field \(field["name"]?.stringValue ?? "") has changed mode from REQUIRED to NULLABLE")
                }
                kept["mode"] = "NULLABLE"
            }
            widened.append(kept)
        }
        return widened + added
    }

    /// Whether two schemas have the same fields (names, types, modes, nesting), in any order.
    static func sameShape(_ a: [JSON], _ b: [JSON]) -> Bool {
        func shape(_ fields: [JSON]) -> Set<FieldSchema> {
            Set(fields.map(FieldSchema.parse).map { FieldSchema(name: $0.name.lowercased(), type: $0.type, mode: $0.mode, fields: $0.fields) })
        }
        return a.count == b.count && shape(a) == shape(b)
    }
}
