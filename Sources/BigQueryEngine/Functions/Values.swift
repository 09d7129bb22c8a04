import BigQueryFunctions
import TerraceJSON
import TerraceSQLite

extension FunctionLibrary {
    /// Reading `bq_*` arguments from their SQLite storage encoding (see ``SQLType``) into the
    /// BigQuery function library's types. `nil` is SQL NULL. Decoding is lenient about the SQLite
    /// storage class (an INT64 may arrive as an integral real, a NUMERIC as an integer), strict
    /// about content: a value that is not of the type throws BigQuery's cast error for it.
    enum Arg {
        static func int64(_ value: SQLValue) throws -> Int64? {
            switch value {
            case .null: return nil
            case .int(let number): return number
            case .double(let number):
                guard let exact = Int64(exactly: number) else { return try Conversions.castToInt64(number) }
                return exact
            case .text(let text): return try Conversions.castToInt64(text)
            case .blob(let bytes): return try Conversions.castToInt64(String(decoding: bytes, as: UTF8.self))
            }
        }

        static func double(_ value: SQLValue) throws -> Double? {
            switch value {
            case .null: return nil
            case .int(let number): return Double(number)
            case .double(let number): return number
            case .text(let text): return try Conversions.castToDouble(text)
            case .blob(let bytes): return try Conversions.castToDouble(String(decoding: bytes, as: UTF8.self))
            }
        }

        static func bool(_ value: SQLValue) throws -> Bool? {
            switch value {
            case .null: return nil
            case .int(let number): return number != 0
            case .double(let number): return number != 0
            case .text(let text): return try Conversions.castToBool(text)
            case .blob(let bytes): return try Conversions.castToBool(String(decoding: bytes, as: UTF8.self))
            }
        }

        static func string(_ value: SQLValue) -> String? {
            switch value {
            case .null: return nil
            case .int(let number): return String(number)
            case .double(let number): return Conversions.castToString(number)
            case .text(let text): return text
            case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
            }
        }

        static func bytes(_ value: SQLValue) -> [UInt8]? {
            switch value {
            case .null: return nil
            case .blob(let bytes): return bytes
            case .text(let text): return Array(text.utf8)
            case .int, .double: return string(value).map { Array($0.utf8) }
            }
        }

        static func date(_ value: SQLValue) throws -> BQDate? {
            guard let text = string(value) else { return nil }
            return try Conversions.castToDate(text)
        }

        static func datetime(_ value: SQLValue) throws -> BQDatetime? {
            guard let text = string(value) else { return nil }
            return try Conversions.castToDatetime(text)
        }

        static func time(_ value: SQLValue) throws -> BQTime? {
            guard let text = string(value) else { return nil }
            return try Conversions.castToTime(text)
        }

        static func timestamp(_ value: SQLValue) throws -> BQTimestamp? {
            switch value {
            case .null: return nil
            case .int(let micros):
                guard let timestamp = BQTimestamp(unixMicros: micros) else {
                    throw BigQueryFunctionError("Timestamp value out of range: \(micros)")
                }
                return timestamp
            case .double(let micros):
                return try timestamp(.int(try Conversions.castToInt64(micros) ?? 0))
            case .text(let text): return try Conversions.castToTimestamp(text)
            case .blob(let bytes): return try Conversions.castToTimestamp(String(decoding: bytes, as: UTF8.self))
            }
        }

        static func zone(_ value: SQLValue) throws -> BQTimeZone? {
            guard let text = string(value) else { return nil }
            return try BQTimeZone(parsing: text)
        }

        /// A date part passed as SQL text (`'MONTH'`, `'WEEK(MONDAY)'`).
        static func part(_ value: SQLValue) throws -> BQDatePart {
            let text = string(value) ?? "NULL"
            guard let part = BQDatePart(sqlName: text) else {
                throw BigQueryFunctionError("A valid date part name is required but found \(text)")
            }
            return part
        }

        /// A JSON text (arrays, structs, JSON values); `nil` for NULL.
        static func json(_ value: SQLValue) throws -> JSON? {
            guard let text = string(value) else { return nil }
            do {
                return try JSON.parse(text)
            } catch {
                throw BigQueryFunctionError("Invalid nested value: \(error.message)")
            }
        }

        /// The elements of an ARRAY value (JSON text); `nil` for NULL.
        static func array(_ value: SQLValue) throws -> [JSON]? {
            guard let json = try json(value) else { return nil }
            if json.isNull { return nil }
            guard let elements = json.arrayValue else { throw BigQueryFunctionError("Invalid ARRAY value: \(json.encoded())") }
            return elements
        }
    }

    /// Writing results in the storage encoding.
    enum Out {
        static func int(_ value: Int64?) -> SQLValue { value.map { .int($0) } ?? .null }
        static func double(_ value: Double?) -> SQLValue { value.map { .double($0) } ?? .null }
        static func bool(_ value: Bool?) -> SQLValue { value.map { .int($0 ? 1 : 0) } ?? .null }
        static func string(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
        static func bytes(_ value: [UInt8]?) -> SQLValue { value.map { .blob($0) } ?? .null }
        static func date(_ value: BQDate?) -> SQLValue { value.map { .text($0.description) } ?? .null }
        static func time(_ value: BQTime?) -> SQLValue { value.map { .text($0.description) } ?? .null }
        static func datetime(_ value: BQDatetime?) -> SQLValue { value.map { .text(datetimeText($0)) } ?? .null }
        static func timestamp(_ value: BQTimestamp?) -> SQLValue { value.map { .int($0.unixMicros) } ?? .null }

        /// `YYYY-MM-DDTHH:MM:SS[.fff|.ffffff]`, the stored form of a DATETIME.
        static func datetimeText(_ value: BQDatetime) -> String { "\(value.date)T\(value.time)" }

        /// An ARRAY value as JSON text.
        static func array(_ elements: [JSON]?) -> SQLValue {
            elements.map { .text(JSON.array($0).encoded()) } ?? .null
        }

        static func stringArray(_ elements: [String]?) -> SQLValue { array(elements?.map { .string($0) }) }
        static func bytesArray(_ elements: [[UInt8]]?) -> SQLValue {
            array(elements?.map { .string(StringFunctions.toBase64($0) ?? "") })
        }
    }

    /// The nested (inside ARRAY/STRUCT JSON) form of a stored scalar, and back.
    enum Nested {
        /// A stored scalar of `type` as the JSON kept inside nested values.
        static func json(_ value: SQLValue, _ type: SQLType) -> JSON {
            switch (value, type) {
            case (.null, _): return .null
            case (_, .bool): return .bool((try? Arg.bool(value)) ?? false)
            case (.int(let number), .float64): return .double(Double(number))
            case (.double(let number), .float64):
                if number.isNaN { return .string("NaN") }
                if number.isInfinite { return .string(number < 0 ? "-Infinity" : "Infinity") }
                return .double(number)
            case (.int(let number), _): return type == .int64 || type == .timestamp ? .int(number) : .string(String(number))
            case (.double(let number), _): return .double(number)
            case (.text(let text), .array), (.text(let text), .struct):
                return (try? JSON.parse(text)) ?? .null
            case (.text(let text), _): return .string(text)
            case (.blob(let bytes), _): return .string(StringFunctions.toBase64(bytes) ?? "")
            }
        }

        /// A nested JSON scalar of `type` in its stored form.
        static func stored(_ value: JSON, _ type: SQLType) -> SQLValue {
            switch (type, value) {
            case (_, .null): return .null
            case (.int64, _), (.timestamp, _): return value.intValue.map { .int($0) } ?? .null
            case (.float64, .string(let text)):
                switch text {
                case "NaN": return .double(.nan)
                case "Infinity": return .double(.infinity)
                case "-Infinity": return .double(-.infinity)
                default: return (try? Conversions.castToDouble(text)).flatMap { $0 }.map { .double($0) } ?? .null
                }
            case (.float64, _): return value.doubleValue.map { .double($0) } ?? .null
            case (.bool, .bool(let flag)): return .int(flag ? 1 : 0)
            case (.bool, .int(let number)): return .int(number != 0 ? 1 : 0)
            case (.bytes, .string(let text)): return Base64Decoding.decode(text).map { .blob($0) } ?? .null
            case (.array, _), (.struct, _): return .text(value.encoded())
            case (_, .string(let text)): return .text(text)
            case (_, .int(let number)): return .text(String(number))
            default: return .text(value.encoded())
            }
        }
    }

    /// RFC 4648 base64 (BYTES inside nested values).
    enum Base64Decoding {
        static func decode(_ text: String) -> [UInt8]? {
            var table = [Int16](repeating: -1, count: 256)
            for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
                table[Int(byte)] = Int16(index)
            }
            var out: [UInt8] = []
            var buffer: UInt32 = 0
            var bits = 0
            for byte in text.utf8 {
                if byte == UInt8(ascii: "=") { break }
                if byte == 0x0A || byte == 0x0D { continue }
                let value = table[Int(byte)]
                guard value >= 0 else { return nil }
                buffer = buffer << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                }
            }
            return out
        }
    }
}
