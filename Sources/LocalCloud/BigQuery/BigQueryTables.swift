import BigQueryEngine
import Hummingbird
import TerraceJSON
import TerraceSQLite

/// tables.insert/get/list/patch/update/delete and table IAM.
extension BigQueryService {
    func insertTable(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID) = (request.param("projectId"), request.param("datasetId"))
        try Names.checkDatasetID(datasetID)
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.Table", root: "table", rejectUnknown: false)
        guard let tableID = body["tableReference"]?["tableId"]?.stringValue else {
            throw GCPError.required("Required parameter is missing: tableReference.tableId")
        }
        try Names.checkTableID(tableID)
        try Self.checkTableReference(body, project: project, datasetID: datasetID)
        var fields = try BigQueryTableFields.normalise(BigQueryTableFields.settable(body))
        let now = context.clock.nowMillis()
        let stored = try context.store.write { db -> JSON in
            let dataset = try catalog.requireDataset(db, project, datasetID)
            if try catalog.table(db, project, datasetID, tableID) != nil {
                throw GCPError.alreadyExists("Already Exists: Table \(project):\(datasetID).\(tableID)", reason: "duplicate")
            }
            if fields["expirationTime"] == nil, let ms = dataset["defaultTableExpirationMs"]?.intValue {
                fields["expirationTime"] = .string(String(now + ms))
            }
            if var partitioning = fields["timePartitioning"], partitioning["expirationMs"] == nil,
               let ms = dataset["defaultPartitionExpirationMs"] {
                partitioning["expirationMs"] = ms
                fields["timePartitioning"] = partitioning
            }
            fields = try withViewSchema(fields, db: db, project: project, strict: true)
            var resource = Self.tableResource(fields, project: project, datasetID: datasetID, tableID: tableID,
                                              dataset: dataset, created: String(now), modified: String(now), previous: nil)
            resource["etag"] = .string(try catalog.newEtag(db, for: resource))
            try catalog.putTable(db, resource)
            return resource
        }
        context.consistency.recordCreation(path: "bigquery/v2/projects/\(project)/datasets/\(datasetID)/tables/\(tableID)")
        return .json(stored)
    }

    func getTable(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID, tableID) = try Self.tablePath(request)
        var table = try context.store.read { db in try catalog.requireTable(db, project, datasetID, tableID) }
        if let selected = request.query["selectedFields"], !selected.isEmpty, let fields = table["schema"]?["fields"]?.arrayValue {
            let names = Set(selected.split(separator: ",").map { $0.split(separator: ".").first.map(String.init) ?? "" })
            table["schema"] = ["fields": .array(fields.filter { names.contains($0["name"]?.stringValue ?? "") })]
        }
        return .json(table)
    }

    func listTables(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID) = (request.param("projectId"), request.param("datasetId"))
        try Names.checkDatasetID(datasetID)
        let (limit, after) = try Self.page(request)
        let tables = try context.store.read { db in
            _ = try catalog.requireDataset(db, project, datasetID)
            return try catalog.tables(db, project, datasetID)
        }
        let (page, next) = Self.slice(tables, name: { $0["tableReference"]?["tableId"]?.stringValue ?? "" },
                                      limit: limit, after: after)
        let items: [JSON] = page.map { table in
            var item: [String: JSON] = [:]
            for key in ["kind", "id", "tableReference", "type", "creationTime", "expirationTime", "labels", "friendlyName",
                        "timePartitioning", "rangePartitioning", "clustering", "requirePartitionFilter"] {
                item[key] = table[key]
            }
            if let legacy = table["view"]?["useLegacySql"] { item["view"] = ["useLegacySql": legacy] }
            return .object(item)
        }
        var list: [String: JSON] = [
            "kind": "bigquery#tableList", "etag": .string(Self.listEtag(items)), "totalItems": .int(Int64(tables.count)),
        ]
        if !items.isEmpty { list["tables"] = .array(items) }
        if let next { list["nextPageToken"] = .string(next) }
        return .json(.object(list))
    }

    /// patch (`merge`, JSON merge-patch) and update (replace).
    func updateTable(_ request: ServiceRequest, merge: Bool) async throws -> Response {
        let (project, datasetID, tableID) = try Self.tablePath(request)
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.Table", root: "table", rejectUnknown: false)
        if let given = body["tableReference"]?["tableId"]?.stringValue, given != tableID {
            throw GCPError.invalid("Invalid value for tableReference.tableId: \"\(given)\" does not match the table \(tableID) in the path.")
        }
        try Self.checkTableReference(body, project: project, datasetID: datasetID)
        let now = String(context.clock.nowMillis())
        let name = "\(project):\(datasetID).\(tableID)"
        let stored = try context.store.write { db -> JSON in
            let current = try catalog.requireTable(db, project, datasetID, tableID)
            try Self.checkIfMatch(request, current)
            let currentFields = BigQueryTableFields.settable(current)
            var requested: [String: JSON]
            if merge {
                let patch = (body.objectValue ?? [:]).filter { !BigQueryTableFields.isOutputOnly($0.key) }
                requested = JSON.object(currentFields).merging(patch: .object(patch)).objectValue ?? [:]
            } else {
                requested = BigQueryTableFields.settable(body)
                requested["schema"] = requested["schema"] ?? currentFields["schema"]
            }
            var fields = try BigQueryTableFields.normalise(requested)
            let wasView = current["type"]?.stringValue == "VIEW"
            guard wasView == (fields["view"] != nil) else {
                throw GCPError.invalid("Cannot change table \(name) from \(wasView ? "a view to a table" : "a table to a view").")
            }
            guard BigQueryTableFields.partitionSpec(fields) == BigQueryTableFields.partitionSpec(currentFields) else {
                throw GCPError.invalid("Cannot change the partitioning spec of table \(name); only expirationMs and requirePartitionFilter may change.")
            }
            if !wasView {
                try BigQuerySchema.checkEvolution(from: currentFields["schema"]?["fields"]?.arrayValue ?? [],
                                                  to: fields["schema"]?["fields"]?.arrayValue ?? [], table: name)
            }
            let dataset = try catalog.requireDataset(db, project, datasetID)
            // Descriptions carried over from the stored schema lapse with their columns.
            if wasView { fields = try withViewSchema(fields, db: db, project: project, strict: body["schema"] != nil) }
            var resource = Self.tableResource(fields, project: project, datasetID: datasetID, tableID: tableID, dataset: dataset,
                                              created: current["creationTime"]?.stringValue ?? now, modified: now, previous: current)
            resource["etag"] = .string(try catalog.newEtag(db, for: resource))
            try catalog.putTable(db, resource)
            return resource
        }
        return .json(stored)
    }

    func deleteTable(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID, tableID) = try Self.tablePath(request)
        try context.store.write { db in
            _ = try catalog.requireTable(db, project, datasetID, tableID)
            try catalog.deleteTable(db, project, datasetID, tableID)
        }
        return .noContent()
    }

    func getTableIamPolicy(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID, tableID) = try Self.tablePath(request)
        let body = try await request.jsonBody(allowEmpty: true)
        try SchemaValidator.shared.validate(body, schema: "bigquery.GetIamPolicyRequest", root: "", rejectUnknown: false)
        let policy = try context.store.read { db in
            _ = try catalog.requireTable(db, project, datasetID, tableID)
            return try IAMPolicies.get(db, resource: BigQueryCatalog.tableResource(project, datasetID, tableID))
        }
        return .json(policy)
    }

    func setTableIamPolicy(_ request: ServiceRequest) async throws -> Response {
        let (project, datasetID, tableID) = try Self.tablePath(request)
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "bigquery.SetIamPolicyRequest", root: "", rejectUnknown: false)
        guard let policy = body["policy"], policy != .null else {
            throw GCPError.required("Required parameter is missing: policy")
        }
        let stored = try context.store.write { db in
            _ = try catalog.requireTable(db, project, datasetID, tableID)
            return try IAMPolicies.set(db, resource: BigQueryCatalog.tableResource(project, datasetID, tableID), policy: policy)
        }
        return .json(stored)
    }

    /// A view's fields with its schema as BigQuery computes it: the query's result columns, each
    /// with the description the request gives it (a view's columns can be described, not typed).
    /// A described column the query does not have is refused when `strict`, dropped otherwise. A
    /// query the local engine cannot translate leaves the view without a schema (it is judged
    /// when queried).
    func withViewSchema(_ fields: [String: JSON], db: Database, project: String, strict: Bool) throws -> [String: JSON] {
        guard let query = fields["view"]?["query"]?.stringValue,
              let translated = try? QueryEngine.translate(query, catalog: LocalEngineCatalog(db: db, catalog: catalog, defaultProject: project))
        else { return fields }
        var descriptions: [String: JSON] = [:]
        for field in fields["schema"]?["fields"]?.arrayValue ?? [] {
            guard let name = field["name"]?.stringValue, let description = field["description"], description != .null else { continue }
            descriptions[name.lowercased()] = description
        }
        let columns = translated.columns.map { LocalEngineCatalog.schemaJSON(LocalEngineCatalog.field($0.name, $0.type)) }
        let names = Set(columns.compactMap { $0["name"]?.stringValue?.lowercased() })
        if strict, let unknown = descriptions.keys.sorted().first(where: { !names.contains($0) }) {
            throw GCPError.invalid("Invalid schema update. Cannot describe field \(unknown): the view's query has no such column.")
        }
        var result = fields
        result["schema"] = ["fields": .array(columns.map { column in
            guard case .object(var body) = column, let name = column["name"]?.stringValue, let description = descriptions[name.lowercased()] else { return column }
            body["description"] = description
            return .object(body)
        })]
        return result
    }

    /// The project, dataset and table of a table path, ids checked.
    static func tablePath(_ request: ServiceRequest) throws -> (String, String, String) {
        let (project, datasetID, tableID) = (request.param("projectId"), request.param("datasetId"), request.param("tableId"))
        try Names.checkDatasetID(datasetID)
        try Names.checkTableID(tableID)
        return (project, datasetID, tableID)
    }

    /// 400 when a body's tableReference names another project or dataset than the path.
    static func checkTableReference(_ body: JSON, project: String, datasetID: String) throws {
        try checkProject(body["tableReference"]?["projectId"], path: project, field: "tableReference.projectId")
        if let given = body["tableReference"]?["datasetId"], given != .null, given.stringValue != datasetID {
            throw GCPError.invalid("Invalid value for tableReference.datasetId: \(given.encoded()) does not match the dataset \(datasetID) in the path.")
        }
    }

    /// The stored form of a table: its settable fields plus what BigQuery computes; statistics
    /// (row and byte counts) carry over from `previous`.
    static func tableResource(_ fields: [String: JSON], project: String, datasetID: String, tableID: String, dataset: JSON,
                              created: String, modified: String, previous: JSON?) -> JSON {
        var resource = fields
        let isView = fields["view"] != nil
        resource["kind"] = "bigquery#table"
        resource["id"] = .string("\(project):\(datasetID).\(tableID)")
        resource["selfLink"] = .string(linkBase + "\(project)/datasets/\(datasetID)/tables/\(PercentEncoding.encode(tableID))")
        resource["tableReference"] = ["projectId": .string(project), "datasetId": .string(datasetID), "tableId": .string(tableID)]
        resource["type"] = isView ? "VIEW" : "TABLE"
        resource["creationTime"] = .string(created)
        resource["lastModifiedTime"] = .string(modified)
        resource["location"] = dataset["location"] ?? "US"
        if !isView {
            for key in ["numBytes", "numLongTermBytes", "numRows"] { resource[key] = previous?[key] ?? "0" }
        }
        return .object(resource)
    }
}
