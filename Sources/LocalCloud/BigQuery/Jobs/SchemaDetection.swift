import TerraceJSON

/// Schema auto-detection for loads, as BigQuery describes it: a sample of the file's records,
/// each column's type the narrowest that holds every sampled value (INTEGER within FLOAT, the
/// rest STRING), DATE/TIME/TIMESTAMP recognised in strings, nested objects as RECORD and
/// arrays as REPEATED.
/// https://cloud.google.com/bigquery/docs/schema-detect
enum SchemaDetection {
    /// How many records are sampled.
    static let sampleSize = 500

    // MARK: Newline-delimited JSON

    /// A schema (normalised TableSchema fields) for `objects`.
    static func json(_ objects: [[String: JSON]]) -> [JSON] {
        var order: [String] = []
        var values: [String: [JSON]] = [:]
        for object in objects {
            for key in object.keys.sorted() where values[key] == nil {
                order.append(key)
                values[key] = []
            }
            for (key, value) in object where !value.isNull { values[key, default: []].append(value) }
        }
        return order.map { field(name: $0, values: values[$0] ?? []) }
    }

    static func field(name: String, values: [JSON]) -> JSON {
        if values.contains(where: { $0.arrayValue != nil }) {
            let elements = values.flatMap { $0.arrayValue ?? [$0] }.filter { !$0.isNull }
            var element = field(name: name, values: elements).objectValue ?? [:]
            element["mode"] = "REPEATED"
            return .object(element)
        }
        if values.contains(where: { $0.objectValue != nil }) {
            let objects = values.compactMap(\.objectValue)
            let children = json(objects)
            return ["name": .string(name), "type": "RECORD", "mode": "NULLABLE",
                    "fields": .array(children.isEmpty ? [["name": "placeholder", "type": "STRING", "mode": "NULLABLE"]] : children)]
        }
        return ["name": .string(name), "type": .string(scalarType(values)), "mode": "NULLABLE"]
    }

    static func scalarType(_ values: [JSON]) -> String {
        var types: Set<String> = []
        for value in values {
            switch value {
            case .int: types.insert("INTEGER")
            case .double: types.insert("FLOAT")
            case .bool: types.insert("BOOLEAN")
            case .string(let text): types.insert(textType(text))
            default: types.insert("STRING")
            }
        }
        return merge(types)
    }

    // MARK: CSV

    /// Field names and types for CSV `records`, and whether the first record is a header.
    static func csv(_ records: [[String]]) -> (fields: [JSON], header: Bool) {
        guard let first = records.first else { return ([], false) }
        let width = records.map(\.count).max() ?? first.count
        func types(_ rows: ArraySlice<[String]>) -> [String] {
            (0..<width).map { column in
                merge(Set(rows.compactMap { $0.indices.contains(column) && !$0[column].isEmpty ? textType($0[column]) : nil }))
            }
        }
        let bodyTypes = types(records.dropFirst())
        let firstTypes = types(records.prefix(1))
        // A header: the first row is all strings where the others are not.
        let header = records.count > 1 && firstTypes.allSatisfy { $0 == "STRING" } && bodyTypes.contains { $0 != "STRING" }
        let columnTypes = header ? bodyTypes : types(records[...])
        var seen: Set<String> = []
        let fields: [JSON] = (0..<width).map { column in
            var name = header && first.indices.contains(column) ? sanitise(first[column]) : "string_field_\(column)"
            if name.isEmpty || !seen.insert(name.lowercased()).inserted {
                name = "string_field_\(column)"
                seen.insert(name)
            }
            return ["name": .string(name), "type": .string(columnTypes[column]), "mode": "NULLABLE"]
        }
        return (fields, header)
    }

    /// A header as a column name: letters, digits and underscores, not starting with a digit.
    static func sanitise(_ text: String) -> String {
        var name = String(text.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" }.prefix(300))
        if let first = name.first, first.isNumber { name = "_" + name }
        return name
    }

    // MARK: Types of text

    /// The type a text value suggests.
    static func textType(_ text: String) -> String {
        let trimmed = text.trimmingSpaces
        if Int64(trimmed) != nil { return "INTEGER" }
        if Double(trimmed) != nil, trimmed.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return "FLOAT" }
        if ["true", "false"].contains(trimmed.lowercased()) { return "BOOLEAN" }
        if CivilText.date(trimmed) != nil { return "DATE" }
        if trimmed.count >= 19, CivilText.timestamp(trimmed) != nil {
            let zoned = trimmed.hasSuffix("Z") || trimmed.hasSuffix("UTC") || trimmed.dropFirst(19).contains { $0 == "+" || $0 == "-" }
            return zoned ? "TIMESTAMP" : "DATETIME"
        }
        if CivilText.time(trimmed) != nil { return "TIME" }
        return "STRING"
    }

    /// The narrowest type holding every observed type.
    static func merge(_ types: Set<String>) -> String {
        if types.isEmpty { return "STRING" }
        if types.count == 1 { return types.first! }
        if types == ["INTEGER", "FLOAT"] { return "FLOAT" }
        if types == ["DATETIME", "TIMESTAMP"] { return "TIMESTAMP" }
        return "STRING"
    }
}
