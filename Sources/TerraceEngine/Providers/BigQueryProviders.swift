import GoogleCloud
import TerraceDSL
import TerraceJSON

/// BigQuery's names for locations: multi-regions upper case (`US`, `EU`), regions lower case.
enum BigQueryLocation {
    static func normalise(_ location: String) -> String {
        location.contains("-") ? location.lowercased() : location.uppercased()
    }
}

/// BigQuery datasets; the id is `projects/P/datasets/D`. Their `access` list belongs to the IAM
/// grants and bindings on the dataset, never to the dataset's own diff.
struct DatasetProvider: ResourceProvider {
    let type = "bigquery.dataset"
    let noun = "BigQuery dataset"
    let marker = Marker.label
    let managedAttributes: [String: JSON] = [
        "datasetReference": .null, "location": .null, "labels": [:], "description": .null, "defaultTableExpirationMs": .null,
    ]
    let replaceOn: Set<String> = ["datasetReference", "location"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        if let location = result["location"]?.stringValue { result["location"] = .string(BigQueryLocation.normalise(location)) }
        if result["description"]?.stringValue == "" { result["description"] = nil }
        if let expiration = result["defaultTableExpirationMs"]?.intValue { result["defaultTableExpirationMs"] = .string(String(expiration)) }
        return result
    }

    func importID(_ given: String, project: String) -> String {
        if given.hasPrefix("projects/") { return given }
        let parts = given.split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
        return parts.count == 2 ? "projects/\(parts[0])/datasets/\(parts[1])" : "projects/\(project)/datasets/\(given)"
    }

    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON? {
        try await context.cloud.bigquery.getIfExists(id)
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        let project = desired["datasetReference"]?["projectId"]?.stringValue ?? context.project
        return try await context.cloud.bigquery.post("projects/\(project)/datasets", body: desired)
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        try await BigQueryPatch.send(id: id, desired: desired, live: live, changed: changed, defaults: managedAttributes, context)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        try await context.cloud.bigquery.deleteIfExists(id, query: [("deleteContents", force ? "true" : "false")])
    }

    /// Whether any table in it holds rows (empty tables and views are declarations, not data).
    func holdsData(id: String, _ context: ProviderContext) async throws -> Bool {
        var pageToken: String?
        repeat {
            var query = [("maxResults", "1000")]
            if let pageToken { query.append(("pageToken", pageToken)) }
            let page = try await context.cloud.bigquery.get(id + "/tables", query: query)
            for table in page["tables"]?.arrayValue ?? [] where table["type"]?.stringValue != "VIEW" {
                guard let tableID = table["tableReference"]?["tableId"]?.stringValue else { continue }
                guard let detail = try await context.cloud.bigquery.getIfExists(id + "/tables/" + URLEncoding.component(tableID)) else {
                    continue
                }
                if (detail["numRows"]?.intValue ?? 0) > 0 || (detail["numBytes"]?.intValue ?? 0) > 0 { return true }
            }
            pageToken = page["nextPageToken"]?.stringValue
        } while pageToken != nil
        return false
    }
}

/// BigQuery tables and views; the id is `projects/P/datasets/D/tables/T`.
struct TableProvider: ResourceProvider {
    let kind: ResourceKind
    var type: String { kind.typeName }
    var noun: String { kind == .view ? "BigQuery view" : "BigQuery table" }
    let marker = Marker.label

    var managedAttributes: [String: JSON] {
        kind == .view
            ? ["tableReference": .null, "view": .null, "labels": [:], "description": .null]
            : [
                "tableReference": .null, "schema": .null, "labels": [:], "description": .null, "timePartitioning": .null,
                "rangePartitioning": .null, "clustering": .null, "expirationTime": .null,
            ]
    }

    var replaceOn: Set<String> { ["tableReference", "timePartitioning", "rangePartitioning"] }

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        if result["description"]?.stringValue == "" { result["description"] = nil }
        if let fields = result["schema"]?["fields"]?.arrayValue { result["schema"] = ["fields": .array(fields.map(Self.field))] }
        if let query = result["view"]?["query"]?.stringValue {
            result["view"] = ["query": .string(query), "useLegacySql": .bool(result["view"]?["useLegacySql"]?.boolValue ?? false)]
        }
        if let expiration = result["expirationTime"]?.intValue { result["expirationTime"] = .string(String(expiration)) }
        if var partitioning = result["timePartitioning"]?.objectValue {
            if let expiration = partitioning["expirationMs"]?.intValue { partitioning["expirationMs"] = .string(String(expiration)) }
            result["timePartitioning"] = .object(partitioning)
        }
        return result
    }

    /// One schema field as BigQuery compares it: legacy type names, NULLABLE by default.
    static func field(_ field: JSON) -> JSON {
        var body: [String: JSON] = [
            "name": field["name"] ?? "",
            "type": .string(legacyType(field["type"]?.stringValue ?? "STRING")),
            "mode": .string((field["mode"]?.stringValue ?? "NULLABLE").uppercased()),
        ]
        if let description = field["description"]?.stringValue, !description.isEmpty { body["description"] = .string(description) }
        if let nested = field["fields"]?.arrayValue, !nested.isEmpty { body["fields"] = .array(nested.map(Self.field)) }
        return .object(body)
    }

    static func legacyType(_ type: String) -> String {
        switch type.uppercased() {
        case "INT64": "INTEGER"
        case "FLOAT64": "FLOAT"
        case "BOOL": "BOOLEAN"
        case "STRUCT": "RECORD"
        case let other: other
        }
    }

    /// A model's view takes the place of the table `terrace run` built while the model was a
    /// table (its materialization changed).
    func replacesUnmarked(_ live: JSON) -> String? {
        guard kind == .view, live["type"]?.stringValue == "TABLE", let model = live["labels"]?[ModelTables.label]?.stringValue else { return nil }
        return "it is the table `terrace run` built for model \(model), which is a view now"
    }

    /// Columns removed or retyped, or a NULLABLE column made REQUIRED, cannot be patched.
    func replacementReasons(desired: [String: JSON], live: [String: JSON]) -> [String] {
        guard let wanted = desired["schema"]?["fields"]?.arrayValue, let current = live["schema"]?["fields"]?.arrayValue else { return [] }
        return Self.incompatibleChanges(from: current, to: wanted, prefix: "")
    }

    static func incompatibleChanges(from current: [JSON], to wanted: [JSON], prefix: String) -> [String] {
        var reasons: [String] = []
        let wantedByName = Dictionary(wanted.map { (($0["name"]?.stringValue ?? "").lowercased(), $0) }, uniquingKeysWith: { a, _ in a })
        for column in current {
            let name = column["name"]?.stringValue ?? ""
            guard let next = wantedByName[name.lowercased()] else {
                reasons.append("schema: column \(prefix)\(name) removed")
                continue
            }
            if next["type"] != column["type"] {
                reasons.append("schema: column \(prefix)\(name) changes type \(column["type"]?.stringValue ?? "") → \(next["type"]?.stringValue ?? "")")
            } else if next["mode"] != column["mode"], !(column["mode"] == "REQUIRED" && next["mode"] == "NULLABLE") {
                reasons.append("schema: column \(prefix)\(name) changes mode \(column["mode"]?.stringValue ?? "") → \(next["mode"]?.stringValue ?? "")")
            } else if let nested = column["fields"]?.arrayValue {
                reasons += incompatibleChanges(from: nested, to: next["fields"]?.arrayValue ?? [], prefix: "\(prefix)\(name).")
            }
        }
        let currentNames = Set(current.map { ($0["name"]?.stringValue ?? "").lowercased() })
        for column in wanted where !currentNames.contains((column["name"]?.stringValue ?? "").lowercased()) && column["mode"] == "REQUIRED" {
            reasons.append("schema: new column \(prefix)\(column["name"]?.stringValue ?? "") is REQUIRED")
        }
        return reasons
    }

    func importID(_ given: String, project: String) -> String {
        if given.hasPrefix("projects/") { return given }
        let parts = given.split(whereSeparator: { $0 == ":" || $0 == "." }).map(String.init)
        switch parts.count {
        case 3: return "projects/\(parts[0])/datasets/\(parts[1])/tables/\(parts[2])"
        case 2: return "projects/\(project)/datasets/\(parts[0])/tables/\(parts[1])"
        default: return given
        }
    }

    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON? {
        try await context.cloud.bigquery.getIfExists(id)
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        let reference = desired["tableReference"]
        let project = reference?["projectId"]?.stringValue ?? context.project
        let dataset = reference?["datasetId"]?.stringValue ?? ""
        // The dataset was created moments ago when both are new.
        return try await context.waitingOutConsistency {
            try await context.cloud.bigquery.post("projects/\(project)/datasets/\(dataset)/tables", body: desired)
        }
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        try await BigQueryPatch.send(id: id, desired: desired, live: live, changed: changed, defaults: managedAttributes, context)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        try await context.cloud.bigquery.deleteIfExists(id)
    }

    func holdsData(id: String, _ context: ProviderContext) async throws -> Bool {
        guard kind == .table, let live = try await read(id: id, known: .null, context) else { return false }
        return (live["numRows"]?.intValue ?? 0) > 0
    }
}

/// BigQuery PATCH of the changed attributes, guarded by the etag read (412 if it changed since).
enum BigQueryPatch {
    static func send(id: String, desired: JSON, live: JSON, changed: Set<String>, defaults: [String: JSON],
                     _ context: ProviderContext) async throws -> JSON {
        let patch = LabelPatch.body(changed: changed, desired: desired, live: live, defaults: defaults)
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        if let etag = live["etag"]?.stringValue { headers.append(("If-Match", etag)) }
        let response = try await context.cloud.bigquery.send("PATCH", id, headers: headers, body: patch.encodedBytes())
        return try response.json()
    }
}
