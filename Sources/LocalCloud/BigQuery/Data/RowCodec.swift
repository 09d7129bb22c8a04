import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// A value a row cannot hold: where (the field path) and why, in BigQuery's words.
struct RowError: Error, Sendable, Equatable {
    let location: String
    let message: String
}

/// How rows are stored and answered.
///
/// Storage (one SQLite column per top-level field): INTEGER → integer, FLOAT → real, NUMERIC and
/// BIGNUMERIC → canonical decimal text, BOOLEAN → 0/1, STRING → text, BYTES → blob, TIMESTAMP →
/// microseconds since the epoch, DATE `YYYY-MM-DD`, DATETIME `YYYY-MM-DDTHH:MM:SS[.ffffff]`,
/// TIME `HH:MM:SS[.ffffff]`, JSON compact text, GEOGRAPHY text. RECORD and REPEATED fields are
/// JSON text of the same canonical values (integers and timestamps as numbers, BOOLEAN as
/// true/false, BYTES as base64, JSON as its text); a NULL array is stored as `[]`, as BigQuery does.
///
/// Answers (`tabledata.list`, query results) are BigQuery's `{"f":[{"v":…}]}` cells with every
/// scalar as a string.
enum RowCodec {
    // MARK: Encoding a row

    /// The top-level fields of a table, with their positions by name, computed once per load or
    /// insert rather than once per row.
    struct Layout {
        let fields: [FieldSchema]
        /// Position by the field's name as declared, and by its lowercased name (names match
        /// case-insensitively, as in BigQuery).
        let exact: [String: Int]
        let folded: [String: Int]

        init(_ fields: [FieldSchema]) {
            self.fields = fields
            exact = Dictionary(fields.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
            folded = Dictionary(fields.enumerated().map { ($1.name.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        }

        func position(of key: String) -> Int? { exact[key] ?? folded[key.lowercased()] }
    }

    /// The column values of `object` (an insertAll row's `json`, an NDJSON line) for the layout's fields.
    static func encode(_ object: [String: JSON], layout: Layout, ignoreUnknownValues: Bool) throws(RowError) -> [SQLValue] {
        var given = [JSON?](repeating: nil, count: layout.fields.count)
        var unknown = false
        for (key, value) in object {
            guard let position = layout.position(of: key) else {
                unknown = true
                continue
            }
            // Two keys differing only in case name one field: the one met first wins.
            if given[position] == nil { given[position] = value }
        }
        if unknown && !ignoreUnknownValues, let name = object.keys.sorted().first(where: { layout.position(of: $0) == nil }) {
            throw RowError(location: name, message: "no such field: \(name).")
        }
        return try values(given, layout: layout, ignoreUnknownValues: ignoreUnknownValues)
    }

    /// The column values of a row from the value given for each of the layout's fields.
    static func values(_ given: [JSON?], layout: Layout, ignoreUnknownValues: Bool) throws(RowError) -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(layout.fields.count)
        for (field, value) in zip(layout.fields, given) {
            values.append(try column(value, field: field, path: field.name, ignoreUnknownValues: ignoreUnknownValues))
        }
        return values
    }

    /// One top-level field's stored value.
    static func column(_ value: JSON?, field: FieldSchema, path: String, ignoreUnknownValues: Bool) throws(RowError) -> SQLValue {
        if field.isNested {
            let nested = try canonical(value, field: field, path: path, ignoreUnknownValues: ignoreUnknownValues)
            return nested.isNull ? .null : .text(nested.encoded())
        }
        guard let value, !value.isNull else {
            if field.mode == .required { throw RowError(location: path, message: "Missing required field: \(path).") }
            return .null
        }
        return try scalar(value, type: field.type, path: path)
    }

    /// A value as the canonical JSON stored inside RECORD and REPEATED columns.
    static func canonical(_ value: JSON?, field: FieldSchema, path: String, ignoreUnknownValues: Bool) throws(RowError) -> JSON {
        if field.mode == .repeated {
            guard let value, !value.isNull else { return .array([]) }
            guard let items = value.arrayValue else {
                throw RowError(location: path, message: "Non-array value for repeated field: \(path).")
            }
            let element = FieldSchema(name: field.name, type: field.type, mode: .nullable, fields: field.fields)
            var result: [JSON] = []
            for (index, item) in items.enumerated() {
                if item.isNull { throw RowError(location: "\(path)[\(index)]", message: "NULL element in repeated field \(path).") }
                result.append(try canonical(item, field: element, path: path, ignoreUnknownValues: ignoreUnknownValues))
            }
            return .array(result)
        }
        guard let value, !value.isNull else {
            if field.mode == .required { throw RowError(location: path, message: "Missing required field: \(path).") }
            return .null
        }
        if field.type == "RECORD" {
            guard let members = value.objectValue else {
                throw RowError(location: path, message: "Cannot convert value to record: \(path) is not an object.")
            }
            let byName = Dictionary(members.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            if !ignoreUnknownValues, let unknown = members.keys.sorted().first(where: { key in
                !field.fields.contains { $0.name.lowercased() == key.lowercased() }
            }) {
                throw RowError(location: "\(path).\(unknown)", message: "no such field: \(path).\(unknown).")
            }
            var result: [String: JSON] = [:]
            for child in field.fields {
                result[child.name] = try canonical(byName[child.name.lowercased()], field: child, path: "\(path).\(child.name)",
                                                   ignoreUnknownValues: ignoreUnknownValues)
            }
            return .object(result)
        }
        let stored = try scalar(value, type: field.type, path: path)
        if field.type == "BOOLEAN", case .int(let flag) = stored { return .bool(flag != 0) }
        return nestedJSON(stored)
    }

    /// A stored scalar as the JSON kept inside nested columns.
    static func nestedJSON(_ value: SQLValue) -> JSON {
        switch value {
        case .null: .null
        case .int(let number): .int(number)
        case .double(let number): number.isFinite ? .double(number) : .string(FloatText.bigQuery(number))
        case .text(let text): .string(text)
        case .blob(let bytes): .string(Base64.encode(bytes))
        }
    }

    // MARK: Scalars

    /// A non-null scalar (a JSON value, or the text of a CSV field) as stored for `type`.
    static func scalar(_ value: JSON, type: String, path: String) throws(RowError) -> SQLValue {
        func invalid(_ what: String) -> RowError {
            RowError(location: path, message: "Cannot convert value to \(what): \(value.isString ? value.stringValue! : value.encoded()) (field \(path)).")
        }
        switch type {
        case "INTEGER":
            switch value {
            case .int(let number): return .int(number)
            case .double(let number) where number.rounded() == number && abs(number) < 9.2e18: return .int(Int64(number))
            case .string(let text):
                guard let number = Int64(text.trimmingSpaces) else { throw invalid("integer") }
                return .int(number)
            default: throw invalid("integer")
            }
        case "FLOAT":
            switch value {
            case .int(let number): return .double(Double(number))
            case .double(let number): return .double(number)
            case .string(let text):
                guard let number = FloatText.parse(text.trimmingSpaces) else { throw invalid("double") }
                return .double(number)
            default: throw invalid("double")
            }
        case "NUMERIC", "BIGNUMERIC":
            let text: String
            switch value {
            case .int(let number): text = String(number)
            case .double(let number): text = String(number)
            case .string(let given): text = given.trimmingSpaces
            default: throw invalid(type == "NUMERIC" ? "numeric" : "bignumeric")
            }
            guard let decimal = DecimalText.canonical(text, integerDigits: type == "NUMERIC" ? 29 : 38, fractionDigits: type == "NUMERIC" ? 9 : 38)
            else { throw invalid(type == "NUMERIC" ? "numeric" : "bignumeric") }
            return .text(decimal)
        case "BOOLEAN":
            switch value {
            case .bool(let flag): return .int(flag ? 1 : 0)
            case .string(let text):
                switch text.trimmingSpaces.lowercased() {
                case "true", "t", "yes", "y", "1": return .int(1)
                case "false", "f", "no", "n", "0": return .int(0)
                default: throw invalid("boolean")
                }
            case .int(let number) where number == 0 || number == 1: return .int(number)
            default: throw invalid("boolean")
            }
        case "STRING":
            switch value {
            case .string(let text): return .text(text)
            case .int, .double, .bool: return .text(value.encoded())
            default: throw invalid("string")
            }
        case "BYTES":
            guard let text = value.stringValue, let bytes = Base64.decode(text) else { throw invalid("bytes (base64)") }
            return .blob(bytes)
        case "TIMESTAMP":
            switch value {
            // Seconds since the epoch, within BigQuery's range (0001-01-01 … 9999-12-31).
            case .int(let seconds):
                guard (-62_135_596_800...253_402_300_799).contains(seconds) else { throw invalid("timestamp (out of range)") }
                return .int(seconds * 1_000_000)
            case .double(let seconds):
                guard seconds.isFinite, seconds >= -62_135_596_800, seconds < 253_402_300_800 else { throw invalid("timestamp (out of range)") }
                return .int(Int64((seconds * 1_000_000).rounded()))
            case .string(let text):
                guard let micros = CivilText.timestamp(text.trimmingSpaces) else { throw invalid("timestamp") }
                return .int(micros)
            default: throw invalid("timestamp")
            }
        case "DATE":
            guard let text = value.stringValue, let date = CivilText.date(text.trimmingSpaces) else { throw invalid("date") }
            return .text(date)
        case "DATETIME":
            guard let text = value.stringValue, let datetime = CivilText.datetime(text.trimmingSpaces) else { throw invalid("datetime") }
            return .text(datetime)
        case "TIME":
            guard let text = value.stringValue, let time = CivilText.time(text.trimmingSpaces) else { throw invalid("time") }
            return .text(time)
        case "JSON":
            if case .string(let text) = value {
                guard let parsed = try? JSON.parse(text) else { throw invalid("JSON") }
                return .text(parsed.encoded())
            }
            return .text(value.encoded())
        default:  // GEOGRAPHY, INTERVAL, RANGE: kept as given
            guard let text = value.stringValue else { throw invalid(type.lowercased()) }
            return .text(text)
        }
    }

    // MARK: Answers

    /// How cells are formatted (the `formatOptions` of tabledata.list and query results).
    struct CellFormat: Sendable {
        /// `formatOptions.useInt64Timestamp`: timestamps as microseconds instead of float seconds.
        var int64Timestamps = false
    }

    /// A row's cells: `{"f":[{"v":…}, …]}`.
    static func row(_ values: [SQLValue], fields: [FieldSchema], format: CellFormat) -> JSON {
        ["f": .array(zip(values, fields).map { value, field in ["v": cellValue(stored: value, field: field, format: format)] })]
    }

    /// The `v` of one top-level cell.
    static func cellValue(stored: SQLValue, field: FieldSchema, format: CellFormat) -> JSON {
        if field.isNested {
            guard case .text(let text) = stored, let nested = try? JSON.parse(text) else {
                return field.mode == .repeated ? .array([]) : .null
            }
            return nestedCell(nested, field: field, format: format)
        }
        return scalarCell(stored, type: field.type, format: format)
    }

    /// The `v` of a nested value (canonical JSON) for `field`.
    static func nestedCell(_ value: JSON, field: FieldSchema, format: CellFormat) -> JSON {
        if field.mode == .repeated {
            let element = FieldSchema(name: field.name, type: field.type, mode: .nullable, fields: field.fields)
            return .array((value.arrayValue ?? []).map { ["v": nestedCell($0, field: element, format: format)] })
        }
        if value.isNull { return .null }
        if field.type == "RECORD" {
            return ["f": .array(field.fields.map { child in ["v": nestedCell(value[child.name] ?? .null, field: child, format: format)] })]
        }
        return scalarCell(storedValue(nested: value, type: field.type), type: field.type, format: format)
    }

    /// A nested canonical JSON scalar back in its stored form.
    static func storedValue(nested value: JSON, type: String) -> SQLValue {
        switch (type, value) {
        case (_, .null): .null
        case ("INTEGER", _), ("TIMESTAMP", _): value.intValue.map { .int($0) } ?? .null
        case ("FLOAT", .string(let text)): FloatText.parse(text).map { .double($0) } ?? .null
        case ("FLOAT", _): value.doubleValue.map { .double($0) } ?? .null
        case ("BOOLEAN", .bool(let flag)): .int(flag ? 1 : 0)
        case ("BOOLEAN", .int(let number)): .int(number != 0 ? 1 : 0)
        case ("BYTES", .string(let text)): Base64.decode(text).map { .blob($0) } ?? .null
        case (_, .string(let text)): .text(text)
        default: .text(value.encoded())
        }
    }

    /// A stored scalar as BigQuery's string cell value.
    static func scalarCell(_ stored: SQLValue, type: String, format: CellFormat) -> JSON {
        switch stored {
        case .null: return .null
        case .int(let number):
            switch type {
            case "BOOLEAN": return .string(number != 0 ? "true" : "false")
            case "TIMESTAMP": return .string(format.int64Timestamps ? String(number) : FloatText.bigQuery(Double(number) / 1e6))
            case "FLOAT": return .string(FloatText.bigQuery(Double(number)))
            default: return .string(String(number))
            }
        case .double(let number): return .string(FloatText.bigQuery(number))
        case .text(let text): return .string(text)
        case .blob(let bytes): return .string(Base64.encode(bytes))
        }
    }

    // MARK: Size

    /// BigQuery's logical size of a stored value, for `numBytes` and bytes processed: 8 bytes
    /// for numbers and times, 16/32 for NUMERIC/BIGNUMERIC, 1 for BOOL, 2 + length for strings
    /// and bytes, the sum of the parts for records and arrays, 0 for NULL.
    static func size(_ stored: SQLValue, field: FieldSchema) -> Int64 {
        if field.isNested {
            guard case .text(var text) = stored else { return 0 }
            if let size = text.withUTF8({ nestedSize(stored: $0, field: field) }) { return size }
            guard let nested = try? JSON.parse(text) else { return 0 }
            return nestedSize(nested, field: field)
        }
        return scalarSize(stored, type: field.type)
    }

    static func nestedSize(_ value: JSON, field: FieldSchema) -> Int64 {
        if field.mode == .repeated {
            let element = FieldSchema(name: field.name, type: field.type, mode: .nullable, fields: field.fields)
            return (value.arrayValue ?? []).reduce(0) { $0 + nestedSize($1, field: element) }
        }
        if field.type == "RECORD" { return field.fields.reduce(0) { $0 + nestedSize(value[$1.name] ?? .null, field: $1) } }
        return scalarSize(storedValue(nested: value, type: field.type), type: field.type)
    }

    static func scalarSize(_ stored: SQLValue, type: String) -> Int64 {
        switch stored {
        case .null: return 0
        case .text(let text) where type == "STRING" || type == "JSON" || type == "GEOGRAPHY": return 2 + Int64(text.utf8.count)
        case .blob(let bytes): return 2 + Int64(bytes.count)
        default:
            switch type {
            case "BOOLEAN": return 1
            case "NUMERIC": return 16
            case "BIGNUMERIC": return 32
            default: return 8
            }
        }
    }
}

extension JSON {
    var isString: Bool { if case .string = self { return true } else { return false } }
}

extension String {
    /// Without leading and trailing spaces, tabs and line ends.
    var trimmingSpaces: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" || first == "\r" || first == "\n" { view = view.dropFirst() }
        while let last = view.last, last == " " || last == "\t" || last == "\r" || last == "\n" { view = view.dropLast() }
        return String(view)
    }
}
