/// GoogleSQL's types, as the engine checks and translates them.
///
/// How each is held in SQLite (the local BigQuery's storage encoding, shared with its rows):
/// INT64 integer; FLOAT64 real; BOOL integer 0/1; STRING text; BYTES blob; NUMERIC and
/// BIGNUMERIC canonical decimal text; DATE text `YYYY-MM-DD`; DATETIME text
/// `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff]`; TIME text `HH:MM:SS[.fff|.ffffff]`; TIMESTAMP integer
/// microseconds since the epoch; JSON compact JSON text; GEOGRAPHY text; ARRAY and STRUCT JSON
/// text of their elements' nested forms (numbers for INT64, FLOAT64 and TIMESTAMP, `true`/`false`
/// for BOOL, strings for the rest, base64 for BYTES, `"NaN"`/`"Infinity"` for FLOAT64's
/// non-finite values, objects keyed by field name — `_field_N` when anonymous — for STRUCT).
/// NULL is SQL NULL; an empty ARRAY is `[]`.
public indirect enum SQLType: Hashable, Sendable, CustomStringConvertible {
    case int64, float64, numeric, bignumeric, bool, string, bytes
    case date, datetime, time, timestamp, json, geography, interval
    case array(SQLType)
    case `struct`([StructField])

    public struct StructField: Hashable, Sendable {
        /// Empty for an anonymous field.
        public var name: String
        public var type: SQLType

        public init(_ name: String, _ type: SQLType) {
            self.name = name
            self.type = type
        }
    }

    /// GoogleSQL's spelling: `INT64`, `ARRAY<STRING>`, `STRUCT<a INT64, b STRING>`.
    public var description: String {
        switch self {
        case .int64: "INT64"
        case .float64: "FLOAT64"
        case .numeric: "NUMERIC"
        case .bignumeric: "BIGNUMERIC"
        case .bool: "BOOL"
        case .string: "STRING"
        case .bytes: "BYTES"
        case .date: "DATE"
        case .datetime: "DATETIME"
        case .time: "TIME"
        case .timestamp: "TIMESTAMP"
        case .json: "JSON"
        case .geography: "GEOGRAPHY"
        case .interval: "INTERVAL"
        case .array(let element): "ARRAY<\(element)>"
        case .struct(let fields): "STRUCT<\(fields.map { $0.name.isEmpty ? "\($0.type)" : "\($0.name) \($0.type)" }.joined(separator: ", "))>"
        }
    }

    /// The legacy name BigQuery's REST API answers schemas with (`INTEGER`, `RECORD`, …).
    public var legacyName: String {
        switch self {
        case .int64: "INTEGER"
        case .float64: "FLOAT"
        case .bool: "BOOLEAN"
        case .struct: "RECORD"
        case .array(let element): element.legacyName
        default: description
        }
    }

    /// The type of a schema field given its legacy or standard type name (RECORD needs `fields`).
    public init?(schemaType: String, fields: [StructField] = []) {
        switch schemaType.uppercased() {
        case "INTEGER", "INT64": self = .int64
        case "FLOAT", "FLOAT64": self = .float64
        case "NUMERIC": self = .numeric
        case "BIGNUMERIC": self = .bignumeric
        case "BOOLEAN", "BOOL": self = .bool
        case "STRING": self = .string
        case "BYTES": self = .bytes
        case "DATE": self = .date
        case "DATETIME": self = .datetime
        case "TIME": self = .time
        case "TIMESTAMP": self = .timestamp
        case "JSON": self = .json
        case "GEOGRAPHY": self = .geography
        case "INTERVAL": self = .interval
        case "RECORD", "STRUCT": self = .struct(fields)
        default: return nil
        }
    }

    public var isNumeric: Bool { [.int64, .float64, .numeric, .bignumeric].contains(self) }

    /// Whether values of the type are held as JSON text (arrays and structs).
    public var isNested: Bool {
        switch self {
        case .array, .struct: true
        default: false
        }
    }

    /// Whether values can be compared and sorted with SQLite's own operators on their encoding.
    /// (NUMERIC text and nested JSON cannot.)
    public var isNativelyOrdered: Bool {
        switch self {
        case .int64, .float64, .bool, .string, .bytes, .date, .datetime, .time, .timestamp: true
        default: false
        }
    }
}
