import TerraceJSON

/// One field of a table's schema, parsed from its (normalised, legacy-typed) TableSchema JSON.
struct FieldSchema: Sendable, Hashable {
    enum Mode: String, Sendable { case nullable = "NULLABLE", required = "REQUIRED", repeated = "REPEATED" }

    let name: String
    /// The legacy type name BigQuery answers with (INTEGER, FLOAT, BOOLEAN, RECORD, …).
    let type: String
    let mode: Mode
    let fields: [FieldSchema]

    init(name: String, type: String, mode: Mode = .nullable, fields: [FieldSchema] = []) {
        self.name = name
        self.type = type
        self.mode = mode
        self.fields = fields
    }

    /// The fields of a normalised TableSchema (`{"fields": [...]}`); empty when absent.
    static func fields(of schema: JSON?) -> [FieldSchema] {
        (schema?["fields"]?.arrayValue ?? []).map(parse)
    }

    static func parse(_ field: JSON) -> FieldSchema {
        FieldSchema(
            name: field["name"]?.stringValue ?? "",
            type: field["type"]?.stringValue ?? "STRING",
            mode: Mode(rawValue: field["mode"]?.stringValue ?? "NULLABLE") ?? .nullable,
            fields: (field["fields"]?.arrayValue ?? []).map(parse))
    }

    /// The SQLite column that holds a top-level field: its name in lower case (BigQuery's
    /// names are case-insensitive), quoted.
    var column: String { "\"\(name.lowercased())\"" }

    /// Whether the field is stored as JSON text (records and arrays) rather than a scalar.
    var isNested: Bool { type == "RECORD" || mode == .repeated }
}
