extension FunctionLibrary {
    /// BigQuery's implicit coercions and supertypes
    /// (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules):
    /// INT64 → NUMERIC → BIGNUMERIC → FLOAT64, and DATE → DATETIME.
    enum Coercion {
        /// How far `from` has to travel to become `to` (0: the same type), or `nil` when it cannot.
        static func cost(_ from: SQLType, _ to: SQLType) -> Int? {
            if from == to { return 0 }
            switch (from, to) {
            case (.int64, .numeric): return 1
            case (.int64, .bignumeric): return 2
            case (.int64, .float64): return 3
            case (.numeric, .bignumeric): return 1
            case (.numeric, .float64): return 2
            case (.bignumeric, .float64): return 1
            case (.date, .datetime): return 1
            default: return nil
            }
        }

        /// SQL turning `sql` (of type `from`) into the stored form of `to`.
        static func sql(_ sql: String, _ from: SQLType, _ to: SQLType) -> String {
            if from == to { return sql }
            switch (from, to) {
            case (.int64, .float64): return "CAST(\(sql) AS REAL)"
            case (.int64, .numeric), (.int64, .bignumeric): return "CAST(\(sql) AS TEXT)"
            case (.numeric, .bignumeric): return sql
            case (.numeric, .float64), (.bignumeric, .float64): return "bq_decimal_to_float64(\(sql))"
            case (.date, .datetime): return "(\(sql) || 'T00:00:00')"
            default: return sql
            }
        }

        /// The common supertype of `types` (`nil` entries are untyped NULL literals), or `nil`
        /// when there is none. All NULL gives INT64, as BigQuery types a lone NULL.
        static func supertype(_ types: [SQLType?]) -> SQLType? {
            var result: SQLType?
            for case let type? in types {
                guard let current = result else { result = type; continue }
                if let forward = cost(current, type) {
                    _ = forward
                    result = type
                } else if cost(type, current) != nil {
                    continue
                } else {
                    return nil
                }
            }
            return result ?? .int64
        }
    }

    /// A compact, SQL-literal-safe spelling of a type, for `bq_*` functions that need the type
    /// of a nested value at run time (TO_JSON_STRING, STRUCT equality, nested CASTs).
    ///
    /// Scalars are one letter; `A<element>` is an ARRAY; `S<count>;` then `<length>:<name><type>`
    /// per field is a STRUCT.
    enum TypeCode {
        static func encode(_ type: SQLType) -> String {
            switch type {
            case .int64: "i"
            case .float64: "f"
            case .numeric: "n"
            case .bignumeric: "N"
            case .bool: "b"
            case .string: "s"
            case .bytes: "y"
            case .date: "d"
            case .datetime: "D"
            case .time: "t"
            case .timestamp: "T"
            case .json: "j"
            case .geography: "g"
            case .interval: "v"
            case .array(let element): "A" + encode(element)
            case .struct(let fields):
                "S\(fields.count);" + fields.map { "\($0.name.utf8.count):\($0.name)\(encode($0.type))" }.joined()
            }
        }

        /// `encode(type)` as a quoted SQL text literal.
        static func literal(_ type: SQLType) -> String { quote(encode(type)) }

        static func decode(_ text: String) -> SQLType? {
            var bytes = ArraySlice(Array(text.utf8))
            guard let type = decode(&bytes), bytes.isEmpty else { return nil }
            return type
        }

        private static func decode(_ bytes: inout ArraySlice<UInt8>) -> SQLType? {
            guard let first = bytes.popFirst() else { return nil }
            return scalar(first) ?? compound(first, &bytes)
        }

        /// The scalar type of a one-byte code.
        static func scalar(_ code: UInt8) -> SQLType? {
            switch code {
            case UInt8(ascii: "i"): return .int64
            case UInt8(ascii: "f"): return .float64
            case UInt8(ascii: "n"): return .numeric
            case UInt8(ascii: "N"): return .bignumeric
            case UInt8(ascii: "b"): return .bool
            case UInt8(ascii: "s"): return .string
            case UInt8(ascii: "y"): return .bytes
            case UInt8(ascii: "d"): return .date
            case UInt8(ascii: "D"): return .datetime
            case UInt8(ascii: "t"): return .time
            case UInt8(ascii: "T"): return .timestamp
            case UInt8(ascii: "j"): return .json
            case UInt8(ascii: "g"): return .geography
            case UInt8(ascii: "v"): return .interval
            default: return nil
            }
        }

        private static func compound(_ first: UInt8, _ bytes: inout ArraySlice<UInt8>) -> SQLType? {
            switch first {
            case UInt8(ascii: "A"): return decode(&bytes).map { .array($0) }
            case UInt8(ascii: "S"):
                guard let count = number(&bytes, until: UInt8(ascii: ";")) else { return nil }
                var fields: [SQLType.StructField] = []
                for _ in 0..<count {
                    guard let length = number(&bytes, until: UInt8(ascii: ":")), bytes.count >= length else { return nil }
                    let name = String(decoding: bytes.prefix(length), as: UTF8.self)
                    bytes = bytes.dropFirst(length)
                    guard let type = decode(&bytes) else { return nil }
                    fields.append(.init(name, type))
                }
                return .struct(fields)
            default: return nil
            }
        }

        private static func number(_ bytes: inout ArraySlice<UInt8>, until terminator: UInt8) -> Int? {
            var value = 0
            var digits = 0
            while let byte = bytes.popFirst() {
                if byte == terminator { return digits > 0 ? value : nil }
                guard byte >= 0x30, byte <= 0x39, digits < 9 else { return nil }
                value = value * 10 + Int(byte - 0x30)
                digits += 1
            }
            return nil
        }

        /// Decoded codes are cached: the same few types come back for every row.
        static func cached(_ text: String) -> SQLType? {
            // A scalar's code is one byte: decoded directly, without the shared cache's lock.
            if text.utf8.count == 1, let code = text.utf8.first { return scalar(code) }
            return TypeCodeCache.shared.type(text)
        }
    }

    /// `'text'` with quotes doubled, as a SQLite text literal.
    static func quote(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
}

extension FunctionLibrary {
/// A small process-wide cache of decoded ``FunctionLibrary/TypeCode`` strings.
final class TypeCodeCache: @unchecked Sendable {
    static let shared = TypeCodeCache()
    private var entries: [String: SQLType] = [:]
    private let lock = Lock()

    func type(_ text: String) -> SQLType? {
        if let found = lock.withLock({ entries[text] }) { return found }
        guard let decoded = FunctionLibrary.TypeCode.decode(text) else { return nil }
        lock.withLock {
            if entries.count > 512 { entries.removeAll() }
            entries[text] = decoded
        }
        return decoded
    }
}
}
