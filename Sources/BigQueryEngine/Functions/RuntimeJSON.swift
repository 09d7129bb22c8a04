import BigQueryFunctions
import TerraceJSON
import TerraceSQLite

extension FunctionLibrary.Runtime {
    /// JSON functions. `flags`: 1 = legacy JSONPath (`['name']`), 2 = the input is a JSON value
    /// (a JSON `null` found is JSON `'null'`, not SQL NULL).
    static let jsonFunctions: [F] = [
        F("json_query") { a in
            guard let found = try jsonFind(a) else { return .null }
            if case .null = found, !jsonInput(a) { return .null }
            return .text(found.encoded())
        },
        F("json_value") { a in
            guard let found = try jsonFind(a) else { return .null }
            return O.string(found.scalarText)
        },
        F("json_query_array") { a in
            guard let found = try jsonFind(a), case .array(let elements) = found else { return .null }
            return O.array(elements.map { .string($0.encoded()) })
        },
        F("json_value_array") { a in
            guard let found = try jsonFind(a), case .array(let elements) = found else { return .null }
            var out: [JSON] = []
            for element in elements {
                if case .null = element { out.append(.null); continue }
                guard let text = element.scalarText else { return .null }
                out.append(.string(text))
            }
            return O.array(out)
        },
        F("parse_json") { a in
            guard let text = A.string(a[bq: 0]) else { return .null }
            guard let document = FunctionLibrary.JSONText.parse(text) else {
                throw BigQueryFunctionError("Invalid JSON input: \(text)")
            }
            return .text(document.encoded())
        },
        F("json_type") { a in
            guard let text = A.string(a[bq: 0]), let document = FunctionLibrary.JSONText.parse(text) else { return .null }
            switch document {
            case .null: return .text("null")
            case .bool: return .text("boolean")
            case .number: return .text("number")
            case .string: return .text("string")
            case .array: return .text("array")
            case .object: return .text("object")
            }
        },
        F("to_json_string") { a in
            guard let type = FunctionLibrary.TypeCode.cached(A.string(a[bq: 1]) ?? "") else {
                throw BigQueryFunctionError("Invalid type code")
            }
            let pretty = a.count > 2 ? (try A.bool(a[2]) ?? false) : false
            return .text(try FunctionLibrary.ToJSON.value(a[bq: 0], type).encoded(pretty: pretty))
        },
    ]

    static func jsonFlags(_ a: [SQLValue]) -> Int64 { (try? A.int64(a[bq: 2])).flatMap { $0 } ?? 0 }
    static func jsonInput(_ a: [SQLValue]) -> Bool { jsonFlags(a) & 2 != 0 }

    /// The value the JSONPath (argument 1) selects in the JSON text (argument 0); `nil` when
    /// either is NULL, the text is not JSON, or nothing is there.
    static func jsonFind(_ a: [SQLValue]) throws -> FunctionLibrary.JSONText? {
        guard let text = A.string(a[bq: 0]), let path = A.string(a[bq: 1]) else { return nil }
        let flags = jsonFlags(a)
        let steps = try FunctionLibrary.JSONPath.parse(path, legacy: flags & 1 != 0)
        guard let document = FunctionLibrary.JSONText.parse(text) else { return nil }
        return FunctionLibrary.JSONPath.find(steps, in: document)
    }

    /// ARRAY functions on the JSON text of arrays.
    static let arrayFunctions: [F] = [
        F("array_to_string_s") { a in
            guard let elements = try A.array(a[bq: 0]), let delimiter = A.string(a[bq: 1]) else { return .null }
            var nullText: String?
            if a.count > 2 {
                guard let given = A.string(a[2]) else { return .null }
                nullText = given
            }
            var parts: [String] = []
            for element in elements {
                if element.isNull {
                    if let nullText { parts.append(nullText) }
                    continue
                }
                parts.append(element.stringValue ?? element.encoded())
            }
            return .text(parts.joined(separator: delimiter))
        },
        F("array_to_string_b") { a in
            guard let elements = try A.array(a[bq: 0]), let delimiter = A.bytes(a[bq: 1]) else { return .null }
            var nullBytes: [UInt8]?
            if a.count > 2 {
                guard let given = A.bytes(a[2]) else { return .null }
                nullBytes = given
            }
            var out: [UInt8] = []
            var first = true
            for element in elements {
                let bytes: [UInt8]
                if element.isNull {
                    guard let nullBytes else { continue }
                    bytes = nullBytes
                } else {
                    bytes = FunctionLibrary.Base64Decoding.decode(element.stringValue ?? "") ?? []
                }
                if !first { out += delimiter }
                out += bytes
                first = false
            }
            return .blob(out)
        },
        F("array_reverse") { a in O.array(try A.array(a[bq: 0])?.reversed()) },
        F("array_concat") { a in
            var out: [JSON] = []
            for value in a {
                guard let elements = try A.array(value) else { return .null }
                out += elements
            }
            return O.array(out)
        },
    ]
}

extension FunctionLibrary {
    /// TO_JSON_STRING's encoding of SQL values
    /// (https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_encodings).
    enum ToJSON {
        static let maxExactInteger: Int64 = 9_007_199_254_740_992

        static func value(_ stored: SQLValue, _ type: SQLType) throws -> JSONText {
            if case .null = stored { return .null }
            switch type {
            case .array, .struct:
                guard let document = try Arg.json(stored) else { return .null }
                return nested(document, type)
            default:
                return try scalar(stored, type)
            }
        }

        static func nested(_ value: JSON, _ type: SQLType) -> JSONText {
            if value.isNull { return .null }
            switch type {
            case .array(let element):
                return .array((value.arrayValue ?? []).map { nested($0, element) })
            case .struct(let fields):
                return .object(fields.map { ($0.name, nested(value[$0.name] ?? .null, $0.type)) })
            case .json:
                if let text = value.stringValue, let document = JSONText.parse(text) { return document }
                return JSONText.parse(value.encoded()) ?? .null
            default:
                return (try? scalar(Nested.stored(value, type), type)) ?? .null
            }
        }

        static func scalar(_ stored: SQLValue, _ type: SQLType) throws -> JSONText {
            if case .null = stored { return .null }
            switch type {
            case .int64:
                guard let number = try Arg.int64(stored) else { return .null }
                return Swift.abs(number) <= maxExactInteger && number != .min ? .number(String(number)) : .string(String(number))
            case .float64:
                guard let number = try Arg.double(stored) else { return .null }
                if number.isNaN { return .string("NaN") }
                if number.isInfinite { return .string(number < 0 ? "-Infinity" : "Infinity") }
                return .number(Conversions.castToString(number) ?? "0")
            case .numeric, .bignumeric:
                guard let text = Decimal.text(stored) else { return .null }
                let canonical = Decimal.canonical(text, integerDigits: 400, fractionDigits: 400) ?? text
                if !canonical.contains("."), let integer = Int64(canonical), Swift.abs(integer) <= maxExactInteger {
                    return .number(canonical)
                }
                return .string(canonical)
            case .bool: return .bool(try Arg.bool(stored) ?? false)
            case .string, .geography, .interval: return .string(Arg.string(stored) ?? "")
            case .bytes: return .string(StringFunctions.toBase64(Arg.bytes(stored)) ?? "")
            case .date: return .string(try Arg.date(stored)?.description ?? "")
            case .time: return .string(try Arg.time(stored)?.description ?? "")
            case .datetime:
                guard let datetime = try Arg.datetime(stored) else { return .null }
                return .string(Out.datetimeText(datetime))
            case .timestamp:
                guard let timestamp = try Arg.timestamp(stored) else { return .null }
                return .string(Out.datetimeText(timestamp.datetime(in: .utc)) + "Z")
            case .json:
                guard let text = Arg.string(stored) else { return .null }
                return JSONText.parse(text) ?? .string(text)
            case .array, .struct:
                return try value(stored, type)
            }
        }
    }
}
