import TerraceJSON

/// A column of a BigQuery table schema; RECORD columns hold nested fields.
public struct Field: Sendable, Hashable {
    /// BigQuery's column types (standard SQL names).
    public enum FieldType: String, Sendable, Hashable, CaseIterable {
        case string = "STRING", bytes = "BYTES", integer = "INTEGER", float = "FLOAT", numeric = "NUMERIC"
        case bignumeric = "BIGNUMERIC", boolean = "BOOLEAN", timestamp = "TIMESTAMP", date = "DATE"
        case time = "TIME", datetime = "DATETIME", geography = "GEOGRAPHY", json = "JSON", record = "RECORD"
    }

    /// Whether a column may be null, must be set, or holds a list.
    public enum Mode: String, Sendable, Hashable {
        case nullable = "NULLABLE", required = "REQUIRED", repeated = "REPEATED"
    }

    public var name: String
    public var type: FieldType
    public var mode: Mode
    public var description: String?
    public var fields: [Field]

    public init(_ name: String, _ type: FieldType, mode: Mode = .nullable, description: String? = nil) {
        self.name = name
        self.type = type
        self.mode = mode
        self.description = description
        self.fields = []
    }

    /// A RECORD column with nested `fields`.
    public init(
        _ name: String, mode: Mode = .nullable, description: String? = nil, @SchemaBuilder fields: () -> [Field]
    ) {
        self.name = name
        self.type = .record
        self.mode = mode
        self.description = description
        self.fields = fields()
    }

    /// The field in BigQuery's `TableFieldSchema` shape.
    var json: JSON {
        var body: [String: JSON] = ["name": .string(name), "type": .string(type.rawValue), "mode": .string(mode.rawValue)]
        if let description { body["description"] = .string(description) }
        if !fields.isEmpty { body["fields"] = .array(fields.map(\.json)) }
        return .object(body)
    }

    /// Whether `name` is a valid column name: a letter or underscore, then letters, digits and
    /// underscores, at most 300 characters.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.count <= 300,
              first.isASCII, first.properties.isAlphabetic || first == "_"
        else { return false }
        return name.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
        }
    }

    /// Problems in `fields` (names, duplicates, RECORDs without fields), with dotted paths.
    static func problems(in fields: [Field], path: String = "") -> [String] {
        var found: [String] = []
        var seen: Set<String> = []
        for field in fields {
            let dotted = path + field.name
            if !isValidName(field.name) {
                found.append("field \"\(dotted)\" has an invalid name; use letters, digits and underscores, starting with a letter or underscore")
            }
            if !seen.insert(field.name.lowercased()).inserted {
                found.append("field \"\(dotted)\" is declared twice; column names are case-insensitive")
            }
            if field.type == .record && field.fields.isEmpty {
                found.append("RECORD field \"\(dotted)\" has no fields; declare its nested fields")
            }
            found += problems(in: field.fields, path: dotted + ".")
        }
        return found
    }
}

/// Collects schema fields, with `if` and `for`.
@resultBuilder
public enum SchemaBuilder {
    public static func buildExpression(_ field: Field) -> [Field] { [field] }
    public static func buildExpression(_ fields: [Field]) -> [Field] { fields }
    public static func buildBlock(_ parts: [Field]...) -> [Field] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Field]?) -> [Field] { part ?? [] }
    public static func buildEither(first: [Field]) -> [Field] { first }
    public static func buildEither(second: [Field]) -> [Field] { second }
    public static func buildArray(_ parts: [[Field]]) -> [Field] { parts.flatMap { $0 } }
}
