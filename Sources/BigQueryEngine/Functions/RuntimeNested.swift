import BigQueryFunctions
import TerraceJSON
import TerraceSQLite

/// Building, reading and checking ARRAY and STRUCT values, which are JSON text of their
/// elements' nested forms (see ``SQLType``). The type of what is built or read travels as a
/// ``FunctionLibrary/TypeCode`` argument.
extension FunctionLibrary.Runtime {
    typealias N = FunctionLibrary.Nested

    static func type(_ value: SQLValue) throws -> SQLType {
        guard let code = A.string(value), let type = FunctionLibrary.TypeCode.cached(code) else {
            throw BigQueryFunctionError("Internal error: invalid type code")
        }
        return type
    }

    /// The key a STRUCT field is kept under: its name, or `_field_N` when anonymous (the name
    /// BigQuery gives such a field in a result schema).
    static func key(_ field: SQLType.StructField, at index: Int) -> String {
        field.name.isEmpty ? "_field_\(index + 1)" : field.name
    }

    static let nestedFunctions: [F] = [
        // bq_make_array(code, e1, …): `[e1, …]` of ARRAY type `code`.
        F("make_array") { a in
            guard case .array(let element) = try type(a[bq: 0]) else { throw BigQueryFunctionError("Internal error: not an ARRAY type") }
            return O.array(a.dropFirst().map { N.json($0, element) })
        },
        // bq_make_struct(code, v1, …): a STRUCT of type `code`.
        F("make_struct") { a in
            guard case .struct(let fields) = try type(a[bq: 0]) else { throw BigQueryFunctionError("Internal error: not a STRUCT type") }
            var object: [String: JSON] = [:]
            for (index, field) in fields.enumerated() { object[key(field, at: index)] = N.json(a[bq: index + 1], field.type) }
            return .text(JSON.object(object).encoded())
        },
        // bq_nested_value(v, code): an element read by json_each/json_extract in its stored form
        // (FLOAT64 may be an integer or a "NaN" string there, BYTES is base64).
        F("nested_value") { a in
            let value = a[bq: 0]
            switch (try type(a[bq: 1]), value) {
            case (_, .null): return .null
            case (.float64, .int(let number)): return .double(Double(number))
            case (.float64, .text(let text)): return N.stored(.string(text), .float64)
            case (.bytes, .text(let text)): return N.stored(.string(text), .bytes)
            case (.bool, .int(let number)): return .int(number != 0 ? 1 : 0)
            default: return value
            }
        },
        // bq_array_at(array, index, code, mode): `array[OFFSET(i)]` (mode 0), `[ORDINAL(i)]` (1),
        // `[SAFE_OFFSET(i)]` (2), `[SAFE_ORDINAL(i)]` (3); `code` is the element type.
        F("array_at") { a in
            guard let elements = try A.array(a[bq: 0]), let index = try A.int64(a[bq: 1]) else { return .null }
            let mode = try A.int64(a[bq: 3]) ?? 0
            let position = mode % 2 == 1 ? index - 1 : index
            guard position >= 0, position < Int64(elements.count) else {
                if mode >= 2 { return .null }
                throw BigQueryFunctionError("Array index \(index) is out of bounds (\(position < 0 ? "underflow" : "overflow"))")
            }
            return N.stored(elements[Int(position)], try type(a[bq: 2]))
        },
        // bq_array_result(array, name): an ARRAY leaving a query; BigQuery answers a NULL array
        // as empty and refuses NULL elements.
        F("array_result") { a in
            guard let elements = try A.array(a[bq: 0]) else { return .text("[]") }
            if elements.contains(where: \.isNull) {
                throw BigQueryFunctionError("Array cannot have a null element; error in writing field \(A.string(a[bq: 1]) ?? "")")
            }
            return a[0]
        },
        // bq_json_subscript(json, key): `json[0]`, `json['name']`.
        F("json_subscript") { a in
            guard let json = try A.json(a[bq: 0]) else { return .null }
            let found: JSON?
            switch a[bq: 1] {
            case .null: return .null
            case .int(let index):
                guard let elements = json.arrayValue, index >= 0, index < Int64(elements.count) else { return .null }
                found = elements[Int(index)]
            default:
                found = json.objectValue?[A.string(a[bq: 1]) ?? ""]
            }
            return found.map { .text($0.encoded()) } ?? .null
        },
    ]
}

// MARK: - Aggregates

extension FunctionLibrary {
    /// SQLite's order of stored values, which is BigQuery's for the natively ordered types
    /// (NUMERIC is sorted by its sort key): NULL, then numbers, then text (by UTF-8 bytes, i.e.
    /// code points), then bytes.
    static func compareStored(_ a: SQLValue, _ b: SQLValue) -> Int {
        func rank(_ value: SQLValue) -> Int {
            switch value {
            case .null: 0
            case .int, .double: 1
            case .text: 2
            case .blob: 3
            }
        }
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.int(let x), .double(let y)): return Double(x) < y ? -1 : (Double(x) > y ? 1 : 0)
        case (.double(let x), .int(let y)): return x < Double(y) ? -1 : (x > Double(y) ? 1 : 0)
        case (.double(let x), .double(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.text(let x), .text(let y)):
            if x == y { return 0 }
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : 1
        case (.blob(let x), .blob(let y)):
            if x == y { return 0 }
            return x.lexicographicallyPrecedes(y) ? -1 : 1
        default: return rank(a) - rank(b)
        }
    }

    /// An aggregate's `ORDER BY` keys: value, then direction (bit 0: DESC; bit 1: NULLS FIRST;
    /// bit 2: NULLS LAST), repeated.
    struct OrderedInput {
        var value: SQLValue
        var keys: [SQLValue]
        var directions: [Int64]

        static func sorted(_ inputs: [OrderedInput]) -> [OrderedInput] {
            guard let first = inputs.first, !first.keys.isEmpty else { return inputs }
            return inputs.enumerated().sorted { l, r in
                for index in l.element.keys.indices {
                    let x = l.element.keys[index], y = r.element.keys[index]
                    let direction = l.element.directions[index]
                    let descending = direction & 1 == 1
                    // BigQuery's default: NULLs first ascending, last descending.
                    let nullsFirst = direction & 2 == 2 ? true : (direction & 4 == 4 ? false : !descending)
                    switch (x == .null, y == .null) {
                    case (true, true): continue
                    case (true, false): return nullsFirst
                    case (false, true): return !nullsFirst
                    default: break
                    }
                    let order = compareStored(x, y)
                    if order != 0 { return descending ? order > 0 : order < 0 }
                }
                return l.offset < r.offset
            }.map(\.element)
        }

        /// Reads `value, key1, direction1, …` from `arguments` starting at `start`.
        init(_ arguments: [SQLValue], start: Int) {
            value = arguments[bq: start]
            keys = []
            directions = []
            var index = start + 1
            while index + 1 < arguments.count {
                keys.append(arguments[index])
                if case .int(let direction) = arguments[index + 1] { directions.append(direction) } else { directions.append(0) }
                index += 2
            }
        }
    }

    /// `ARRAY_AGG([DISTINCT] x [IGNORE NULLS] [ORDER BY …] [LIMIT n])` as
    /// `bq_array_agg(code, flags, limit, x, key1, direction1, …)`: `code` is the element type,
    /// `flags` bit 0 DISTINCT, bit 1 IGNORE NULLS; `limit` -1 for none. Zero input rows give
    /// NULL (https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#array_agg).
    final class ArrayAggregator: SQLAggregator {
        private var element: SQLType?
        private var inputs: [OrderedInput] = []
        private var seen: Set<String> = []
        private var limit: Int64 = -1

        func step(_ arguments: [SQLValue]) throws(SQLFunctionError) {
            if element == nil {
                guard let code = Arg.string(arguments[bq: 0]), case .array(let type)? = TypeCode.cached(code) else {
                    throw SQLFunctionError("Internal error: invalid ARRAY_AGG type")
                }
                element = type
                if case .int(let given) = arguments[bq: 2] { limit = given }
            }
            let flags: Int64 = if case .int(let f) = arguments[bq: 1] { f } else { 0 }
            let input = OrderedInput(arguments, start: 3)
            if flags & 2 == 2, input.value == .null { return }
            if flags & 1 == 1, let element, !seen.insert(Nested.json(input.value, element).encoded()).inserted { return }
            inputs.append(input)
        }

        func finish() throws(SQLFunctionError) -> SQLValue {
            guard let element, !inputs.isEmpty else { return .null }
            var ordered = OrderedInput.sorted(inputs)
            if limit >= 0 { ordered = Array(ordered.prefix(Int(limit))) }
            return Out.array(ordered.map { Nested.json($0.value, element) })
        }
    }

    /// `STRING_AGG([DISTINCT] x [, delimiter] [ORDER BY …] [LIMIT n])` as
    /// `bq_string_agg(flags, limit, delimiter, x, key1, direction1, …)` (flags bit 0: DISTINCT).
    /// NULL values are skipped; no values give NULL. STRING or BYTES, as `x` is.
    final class StringAggregator: SQLAggregator {
        private var inputs: [OrderedInput] = []
        private var seen: Set<SQLValue> = []
        private var delimiter: SQLValue = .null
        private var limit: Int64 = -1
        private var started = false

        func step(_ arguments: [SQLValue]) throws(SQLFunctionError) {
            if !started {
                started = true
                if case .int(let given) = arguments[bq: 1] { limit = given }
                delimiter = arguments[bq: 2]
            }
            let input = OrderedInput(arguments, start: 3)
            if input.value == .null { return }
            if case .int(let flags) = arguments[bq: 0], flags & 1 == 1, !seen.insert(input.value).inserted { return }
            inputs.append(input)
        }

        func finish() throws(SQLFunctionError) -> SQLValue {
            guard !inputs.isEmpty else { return .null }
            var ordered = OrderedInput.sorted(inputs)
            if limit >= 0 { ordered = Array(ordered.prefix(Int(limit))) }
            if case .blob = ordered[0].value {
                let separator = Arg.bytes(delimiter) ?? []
                var out: [UInt8] = []
                for (index, input) in ordered.enumerated() {
                    if index > 0 { out += separator }
                    out += Arg.bytes(input.value) ?? []
                }
                return .blob(out)
            }
            let separator = Arg.string(delimiter) ?? ""
            return .text(ordered.map { Arg.string($0.value) ?? "" }.joined(separator: separator))
        }
    }
}
