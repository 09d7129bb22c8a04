import TerraceJSON

/// The settable fields of a table, validated against each other (partitioning and clustering
/// name schema fields, a view needs a query) and put in the form BigQuery answers with.
enum BigQueryTableFields {
    /// Fields BigQuery computes (plus every `num…` statistic); ignored when a client sends them.
    static let outputOnly: Set<String> = [
        "kind", "id", "etag", "selfLink", "creationTime", "lastModifiedTime", "location", "type", "streamingBuffer",
        "snapshotDefinition", "cloneDefinition", "materializedViewStatus", "replicas", "restrictions",
    ]
    static let unsupported = [
        "externalDataConfiguration", "materializedView", "biglakeConfiguration", "tableReplicationInfo", "model",
        "externalCatalogTableOptions",
    ]
    static let partitionTypes: Set<String> = ["DAY", "HOUR", "MONTH", "YEAR"]
    static let clusterTypes: Set<String> = [
        "BIGNUMERIC", "BOOLEAN", "DATE", "DATETIME", "GEOGRAPHY", "INTEGER", "NUMERIC", "RANGE", "STRING", "TIMESTAMP",
    ]

    static func isOutputOnly(_ key: String) -> Bool { outputOnly.contains(key) || key.hasPrefix("num") }

    /// The client-settable part of a request body or stored table.
    static func settable(_ body: JSON) -> [String: JSON] {
        (body.objectValue ?? [:]).filter { !isOutputOnly($0.key) && $0.value != .null }
    }

    /// Checks `fields` and answers them normalised.
    static func normalise(_ fields: [String: JSON]) throws -> [String: JSON] {
        var out = fields
        for key in unsupported where fields[key] != nil {
            throw GCPError.notImplemented("BigQuery tables with \(key)")
        }
        out["labels"] = try BigQueryService.labels(fields["labels"]).map(JSON.object)
        if let text = fields["description"]?.stringValue, text.count > 16_384 {
            throw GCPError.invalid("Table description must be at most 16384 characters long.")
        }
        out["expirationTime"] = try BigQueryService.int64String(fields["expirationTime"], field: "expirationTime").map(JSON.string)
        let schema = try BigQuerySchema.normalise(fields["schema"])
        out["schema"] = schema
        if let view = fields["view"] {
            guard let query = view["query"]?.stringValue, query.contains(where: { !$0.isWhitespace }) else {
                throw GCPError.invalid("A view needs a non-empty view.query.")
            }
            for key in ["timePartitioning", "rangePartitioning", "clustering"] where fields[key] != nil {
                throw GCPError.invalid("A view cannot have \(key).")
            }
        }
        out["timePartitioning"] = try fields["timePartitioning"].map { try timePartitioning($0, schema: schema) }
        out["rangePartitioning"] = try fields["rangePartitioning"].map { try rangePartitioning($0, schema: schema) }
        if out["timePartitioning"] != nil && out["rangePartitioning"] != nil {
            throw GCPError.invalid("A table cannot have both timePartitioning and rangePartitioning.")
        }
        out["clustering"] = try fields["clustering"].flatMap { try clustering($0, schema: schema) }
        return out
    }

    static func timePartitioning(_ value: JSON, schema: JSON?) throws -> JSON {
        guard var members = value.objectValue?.filter({ $0.value != .null }) else {
            throw GCPError.invalid("Invalid value for timePartitioning: expected an object.")
        }
        guard let type = members["type"]?.stringValue, partitionTypes.contains(type) else {
            throw GCPError.invalid("Invalid value for timePartitioning.type: \(members["type"]?.encoded() ?? "missing"); expected DAY, HOUR, MONTH or YEAR.")
        }
        if let name = members["field"]?.stringValue {
            guard let field = BigQuerySchema.topLevelField(schema, name) else {
                throw GCPError.invalid("The field specified for time partitioning can only be a top-level field; \(name) is not in the schema.")
            }
            let fieldType = field["type"]?.stringValue ?? ""
            guard ["TIMESTAMP", "DATE", "DATETIME"].contains(fieldType), field["mode"]?.stringValue != "REPEATED" else {
                throw GCPError.invalid("Partitioning field \(name) must be a non-repeated TIMESTAMP, DATE or DATETIME field; it is \(fieldType).")
            }
            if fieldType == "DATE" && type == "HOUR" {
                throw GCPError.invalid("Partitioning field \(name) is a DATE and cannot be partitioned by HOUR.")
            }
        }
        if let ms = try BigQueryService.int64String(members["expirationMs"], field: "timePartitioning.expirationMs") {
            guard let value = Int64(ms), value > 0 else {
                throw GCPError.invalid("Invalid value for timePartitioning.expirationMs: \(ms) must be positive.")
            }
            members["expirationMs"] = .string(ms)
        }
        return .object(members)
    }

    static func rangePartitioning(_ value: JSON, schema: JSON?) throws -> JSON {
        guard let name = value["field"]?.stringValue, !name.isEmpty else {
            throw GCPError.invalid("rangePartitioning.field is required.")
        }
        guard let field = BigQuerySchema.topLevelField(schema, name), field["type"]?.stringValue == "INTEGER",
              field["mode"]?.stringValue != "REPEATED" else {
            throw GCPError.invalid("The range partitioning field \(name) must be a top-level, non-repeated INTEGER field of the schema.")
        }
        var range: [String: JSON] = [:]
        var numbers: [String: Int64] = [:]
        for key in ["start", "end", "interval"] {
            guard let text = try BigQueryService.int64String(value["range"]?[key], field: "rangePartitioning.range.\(key)"),
                  let number = Int64(text) else {
                throw GCPError.invalid("rangePartitioning.range.\(key) is required.")
            }
            range[key] = .string(text)
            numbers[key] = number
        }
        let (start, end, interval) = (numbers["start"] ?? 0, numbers["end"] ?? 0, numbers["interval"] ?? 0)
        guard interval > 0, end > start, (end - start) / interval <= 10_000 else {
            throw GCPError.invalid("Invalid range partitioning: the interval must be positive, end greater than start, and at most 10000 partitions.")
        }
        return ["field": .string(name), "range": .object(range)]
    }

    /// Normalised clustering, or `nil` when it lists no fields (which removes clustering).
    static func clustering(_ value: JSON, schema: JSON?) throws -> JSON? {
        guard let list = value["fields"]?.arrayValue ?? (value == .object([:]) ? [] : nil) else {
            throw GCPError.invalid("Invalid value for clustering.fields: expected an array of field names.")
        }
        guard !list.isEmpty else { return nil }
        guard list.count <= 4 else { throw GCPError.invalid("Too many clustering fields: \(list.count); at most 4 are allowed.") }
        var seen = Set<String>()
        for entry in list {
            guard let name = entry.stringValue else { throw GCPError.invalid("Invalid value for clustering.fields: expected strings.") }
            guard seen.insert(name.lowercased()).inserted else { throw GCPError.invalid("Clustering field \(name) is listed twice.") }
            guard let field = BigQuerySchema.topLevelField(schema, name) else {
                throw GCPError.invalid("The field specified for clustering cannot be found in the schema. Invalid field: \(name).")
            }
            let type = field["type"]?.stringValue ?? ""
            guard clusterTypes.contains(type), field["mode"]?.stringValue != "REPEATED" else {
                throw GCPError.invalid("Clustering field \(name) must be a top-level, non-repeated field of a simple type; it is \(field["mode"]?.stringValue ?? "") \(type).")
            }
        }
        return ["fields": .array(list)]
    }

    /// The partitioning BigQuery will not let a table change after creation: time
    /// partitioning's type and field, and range partitioning as a whole.
    static func partitionSpec(_ fields: [String: JSON]) -> JSON {
        let time = fields["timePartitioning"].map { tp -> JSON in ["type": tp["type"] ?? .null, "field": tp["field"] ?? .null] }
        return ["time": time ?? .null, "range": fields["rangePartitioning"] ?? .null]
    }
}
