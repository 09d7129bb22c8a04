import TerraceJSON

/// Table schemas: field names, types and modes checked the way BigQuery checks them, types
/// answered in BigQuery's legacy names, and the rules for changing a table's schema.
enum BigQuerySchema {
    /// Standard SQL names and the legacy names BigQuery answers with.
    static let legacyNames = ["INT64": "INTEGER", "FLOAT64": "FLOAT", "BOOL": "BOOLEAN", "STRUCT": "RECORD"]
    static let types: Set<String> = [
        "STRING", "BYTES", "INTEGER", "FLOAT", "NUMERIC", "BIGNUMERIC", "BOOLEAN", "TIMESTAMP", "DATE", "TIME",
        "DATETIME", "GEOGRAPHY", "JSON", "RECORD", "INTERVAL", "RANGE",
    ]
    static let modes: Set<String> = ["NULLABLE", "REQUIRED", "REPEATED"]
    static let maxDepth = 15

    /// A TableSchema with its fields checked and normalised; `nil` when absent.
    static func normalise(_ schema: JSON?) throws -> JSON? {
        guard let schema, schema != .null else { return nil }
        guard var members = schema.objectValue else { throw GCPError.invalid("Invalid value for schema: expected an object.") }
        let fields = members["fields"] ?? .array([])
        guard let list = fields.arrayValue else { throw GCPError.invalid("Invalid value for schema.fields: expected an array.") }
        members["fields"] = .array(try normaliseFields(list, path: "", depth: 1))
        return .object(members)
    }

    static func normaliseFields(_ fields: [JSON], path: String, depth: Int) throws -> [JSON] {
        guard depth <= maxDepth else {
            throw GCPError.invalid("Field \(path.dropLast()) is nested too deeply: a schema can have at most \(maxDepth) levels of RECORD fields.")
        }
        var seen = Set<String>()
        return try fields.map { field in
            guard var members = field.objectValue else { throw GCPError.invalid("Invalid value for a schema field: expected an object.") }
            members = members.filter { $0.value != .null }
            guard let name = members["name"]?.stringValue, !name.isEmpty else {
                throw GCPError.invalid("Invalid value for a schema field under \(path.isEmpty ? "the schema" : String(path.dropLast())): a field needs a name.")
            }
            try checkName(name)
            let full = path + name
            guard seen.insert(name.lowercased()).inserted else {
                throw GCPError.invalid("Field \(full) already exists in schema; field names are unique case-insensitively.")
            }
            guard let rawType = members["type"]?.stringValue, !rawType.isEmpty else {
                throw GCPError.invalid("Field \(full) has no type.")
            }
            let type = legacyNames[rawType.uppercased()] ?? rawType.uppercased()
            guard types.contains(type) else {
                throw GCPError.invalid("Invalid value for field \(full): \(rawType) is not a valid value for type.")
            }
            members["type"] = .string(type)
            let mode = members["mode"]?.stringValue?.uppercased() ?? "NULLABLE"
            guard modes.contains(mode) else {
                throw GCPError.invalid("Invalid value for field \(full): \(mode) is not a valid value for mode; expected NULLABLE, REQUIRED or REPEATED.")
            }
            members["mode"] = .string(mode)
            if let description = members["description"]?.stringValue, description.count > 1024 {
                throw GCPError.invalid("The description of field \(full) is longer than 1024 characters.")
            }
            let children = members["fields"]?.arrayValue ?? []
            if type == "RECORD" {
                guard !children.isEmpty else { throw GCPError.invalid("Field \(full) is type RECORD but has no schema.") }
                members["fields"] = .array(try normaliseFields(children, path: full + ".", depth: depth + 1))
            } else {
                guard children.isEmpty else {
                    throw GCPError.invalid("Field \(full) is type \(type) and cannot have sub-fields; only RECORD fields can.")
                }
                members["fields"] = nil
            }
            if type == "RANGE" {
                let element = members["rangeElementType"]?["type"]?.stringValue?.uppercased() ?? ""
                guard ["DATE", "DATETIME", "TIMESTAMP"].contains(element) else {
                    throw GCPError.invalid("Field \(full) is type RANGE and needs rangeElementType.type DATE, DATETIME or TIMESTAMP.")
                }
                members["rangeElementType"] = ["type": .string(element)]
            }
            return .object(members)
        }
    }

    /// Letters, digits and underscores, starting with a letter or underscore, at most 300 characters.
    static func checkName(_ name: String) throws {
        let ascii = name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
        let start = name.unicodeScalars.first.map { $0 == "_" || ($0.isASCII && $0.properties.isAlphabetic) } ?? false
        guard ascii, start, name.count <= 300 else {
            throw GCPError.invalid("Invalid field name \"\(name)\". Fields must contain only letters, numbers, and underscores, start with a letter or underscore, and be at most 300 characters long.")
        }
    }

    /// The top-level field called `name`, if any.
    static func topLevelField(_ schema: JSON?, _ name: String) -> JSON? {
        schema?["fields"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    /// A schema change BigQuery allows: fields only added (not REQUIRED) or relaxed from
    /// REQUIRED to NULLABLE; never removed, retyped or otherwise re-moded.
    static func checkEvolution(from old: [JSON], to new: [JSON], table: String, path: String = "") throws {
        func mismatch(_ why: String) -> GCPError {
            GCPError.invalid("Provided Schema does not match Table \(table). \(why)")
        }
        var newByName: [String: JSON] = [:]
        for field in new { newByName[field["name"]?.stringValue?.lowercased() ?? ""] = field }
        let oldNames = Set(old.map { $0["name"]?.stringValue?.lowercased() ?? "" })
        for before in old {
            let name = before["name"]?.stringValue ?? ""
            let full = path + name
            guard let after = newByName[name.lowercased()], after["name"]?.stringValue == name else {
                throw mismatch("Field \(full) is missing in new schema")
            }
            let (t0, t1) = (before["type"]?.stringValue ?? "", after["type"]?.stringValue ?? "")
            guard t0 == t1 else { throw mismatch("Field \(full) has changed type from \(t0) to \(t1)") }
            let (m0, m1) = (before["mode"]?.stringValue ?? "NULLABLE", after["mode"]?.stringValue ?? "NULLABLE")
            guard m0 == m1 || (m0 == "REQUIRED" && m1 == "NULLABLE") else {
                throw mismatch("Field \(full) has changed mode from \(m0) to \(m1)")
            }
            if t0 == "RECORD" {
                try checkEvolution(from: before["fields"]?.arrayValue ?? [], to: after["fields"]?.arrayValue ?? [],
                                   table: table, path: full + ".")
            }
        }
        for field in new where !oldNames.contains(field["name"]?.stringValue?.lowercased() ?? "") {
            if field["mode"]?.stringValue == "REQUIRED" {
                throw mismatch("Cannot add required field \(path + (field["name"]?.stringValue ?? "")) to an existing schema.")
            }
        }
    }
}
