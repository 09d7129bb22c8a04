import BigQueryFunctions
import TerraceJSON
import TerraceSQLite

extension FunctionLibrary.Runtime {
    /// `bq_cast(value, from_code, to_code)` (type codes: ``FunctionLibrary/TypeCode``) and the
    /// decimal helpers used by comparisons and sorting.
    static let castFunctions: [F] = [
        F("cast") { a in
            guard let from = FunctionLibrary.TypeCode.cached(A.string(a[bq: 1]) ?? ""),
                  let to = FunctionLibrary.TypeCode.cached(A.string(a[bq: 2]) ?? "") else {
                throw BigQueryFunctionError("Invalid cast type code")
            }
            return try FunctionLibrary.Casting.cast(a[bq: 0], from: from, to: to)
        },
        F("decimal_to_float64") { a in
            guard let text = FunctionLibrary.Decimal.text(a[bq: 0]) else { return .null }
            return O.double(try Conversions.castToDouble(text))
        },
        F("greatest_decimal") { a in try extremeDecimal(a, greatest: true) },
        F("least_decimal") { a in try extremeDecimal(a, greatest: false) },
        F("neg_decimal") { a in
            guard let text = FunctionLibrary.Decimal.text(a[bq: 0]),
                  let canonical = FunctionLibrary.Decimal.canonical(text, integerDigits: 400, fractionDigits: 400) else { return .null }
            if canonical == "0" { return .text("0") }
            return .text(canonical.hasPrefix("-") ? String(canonical.dropFirst()) : "-" + canonical)
        },
        F("decimal_key") { a in
            guard let text = FunctionLibrary.Decimal.text(a[bq: 0]) else { return .null }
            return .text(FunctionLibrary.Decimal.sortKey(text))
        },
    ]

    /// GREATEST/LEAST over NUMERIC or BIGNUMERIC text: NULL when any argument is NULL.
    static func extremeDecimal(_ a: [SQLValue], greatest: Bool) throws -> SQLValue {
        var best: (key: String, text: String)?
        for value in a {
            guard let text = FunctionLibrary.Decimal.text(value) else { return .null }
            let key = FunctionLibrary.Decimal.sortKey(text)
            if let current = best, greatest ? key <= current.key : key >= current.key { continue }
            best = (key, text)
        }
        return best.map { .text($0.text) } ?? .null
    }

    /// STRUCT equality with BigQuery's NULL rules.
    static let comparisonFunctions: [F] = [
        F("struct_eq") { a in
            guard let type = FunctionLibrary.TypeCode.cached(A.string(a[bq: 2]) ?? "") else {
                throw BigQueryFunctionError("Invalid type code")
            }
            guard let left = try A.json(a[bq: 0]), let right = try A.json(a[bq: 1]), !left.isNull, !right.isNull else { return .null }
            return O.bool(FunctionLibrary.Casting.equal(left, right, type))
        },
    ]
}

extension FunctionLibrary {
    /// CAST between stored values, with BigQuery's rules and messages
    /// (https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast).
    enum Casting {
        /// Whether BigQuery allows `CAST(from AS to)`.
        static func isAllowed(_ from: SQLType, _ to: SQLType) -> Bool {
            if from == to { return true }
            switch (from, to) {
            case (.int64, .bool), (.int64, .numeric), (.int64, .bignumeric), (.int64, .float64), (.int64, .string): return true
            case (.numeric, .int64), (.numeric, .bignumeric), (.numeric, .float64), (.numeric, .string): return true
            case (.bignumeric, .int64), (.bignumeric, .numeric), (.bignumeric, .float64), (.bignumeric, .string): return true
            case (.float64, .int64), (.float64, .numeric), (.float64, .bignumeric), (.float64, .string): return true
            case (.bool, .int64), (.bool, .string): return true
            case (.string, .bool), (.string, .int64), (.string, .numeric), (.string, .bignumeric), (.string, .float64),
                 (.string, .bytes), (.string, .date), (.string, .datetime), (.string, .time), (.string, .timestamp): return true
            case (.bytes, .string): return true
            case (.date, .string), (.date, .datetime), (.date, .timestamp): return true
            case (.datetime, .string), (.datetime, .date), (.datetime, .time), (.datetime, .timestamp): return true
            case (.time, .string): return true
            case (.timestamp, .string), (.timestamp, .date), (.timestamp, .datetime), (.timestamp, .time): return true
            case (.interval, .string): return true
            case (.array(let x), .array(let y)): return isAllowed(x, y)
            case (.struct(let x), .struct(let y)):
                return x.count == y.count && zip(x, y).allSatisfy { isAllowed($0.type, $1.type) }
            default: return false
            }
        }

        static func cast(_ value: SQLValue, from: SQLType, to: SQLType) throws -> SQLValue {
            if case .null = value { return .null }
            if from == to { return value }
            switch (from, to) {
            case (.array(let x), .array(let y)):
                guard let elements = try Arg.array(value) else { return .null }
                var out: [JSON] = []
                for element in elements {
                    let stored = Nested.stored(element, x)
                    out.append(Nested.json(try cast(stored, from: x, to: y), y))
                }
                return Out.array(out)
            case (.struct(let x), .struct(let y)):
                guard let object = try Arg.json(value), let members = object.objectValue else { return .null }
                var out: [String: JSON] = [:]
                for (source, target) in zip(x, y) {
                    let stored = Nested.stored(members[source.name] ?? .null, source.type)
                    out[target.name] = Nested.json(try cast(stored, from: source.type, to: target.type), target.type)
                }
                return .text(JSON.object(out).encoded())
            default:
                return try scalar(value, from, to)
            }
        }

        static func scalar(_ value: SQLValue, _ from: SQLType, _ to: SQLType) throws -> SQLValue {
            switch to {
            case .string: return Out.string(try string(value, from))
            case .int64:
                switch from {
                case .float64: return Out.int(try Conversions.castToInt64(try Arg.double(value)))
                case .bool: return Out.int(Conversions.castToInt64(try Arg.bool(value)))
                case .string: return Out.int(try Conversions.castToInt64(Arg.string(value)))
                case .numeric, .bignumeric:
                    guard let text = Decimal.text(value), let rounded = Decimal.canonical(text, integerDigits: 400, fractionDigits: 0) else { return .null }
                    guard let number = Int64(rounded) else { throw BigQueryFunctionError("int64 out of range: \(text)") }
                    return .int(number)
                default: break
                }
            case .float64:
                switch from {
                case .int64: return Out.double(try Arg.double(value))
                case .string: return Out.double(try Conversions.castToDouble(Arg.string(value)))
                case .numeric, .bignumeric: return Out.double(try Conversions.castToDouble(Decimal.text(value)))
                default: break
                }
            case .bool:
                switch from {
                case .int64: return Out.bool(Conversions.castToBool(try Arg.int64(value)))
                case .string: return Out.bool(try Conversions.castToBool(Arg.string(value)))
                default: break
                }
            case .bytes:
                if from == .string { return Out.bytes(Conversions.castToBytes(Arg.string(value))) }
            case .numeric:
                switch from {
                case .int64, .float64, .string, .bignumeric:
                    if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *) {
                        if from == .bignumeric {
                            let text = Decimal.text(value) ?? ""
                            guard let numeric = BQNumeric(parsing: text) else { throw BigQueryFunctionError("numeric out of range: \(text)") }
                            return .text(numeric.description)
                        }
                        return NumericRuntime.out(try NumericRuntime.numeric(from == .string ? .text(Arg.string(value) ?? "") : value))
                    }
                    throw BigQueryFunctionError("NUMERIC needs macOS 15 or later")
                default: break
                }
            case .bignumeric:
                switch from {
                case .int64, .numeric: return .text(Decimal.text(value) ?? "0")
                case .float64:
                    guard let number = try Arg.double(value) else { return .null }
                    guard number.isFinite else {
                        throw BigQueryFunctionError("Illegal conversion of non-finite floating point number to bignumeric: \(Conversions.castToString(number) ?? "")")
                    }
                    guard let text = Decimal.fromDouble(number), let big = BigNumeric(text) else {
                        throw BigQueryFunctionError("bignumeric out of range: \(Conversions.castToString(number) ?? "")")
                    }
                    return .text(big.description)
                case .string:
                    let text = Arg.string(value) ?? ""
                    guard let big = BigNumeric(text) else {
                        throw BigQueryFunctionError(Decimal.errorText("Invalid BIGNUMERIC value: ", text))
                    }
                    return .text(big.description)
                default: break
                }
            case .date:
                switch from {
                case .string: return Out.date(try Conversions.castToDate(Arg.string(value)))
                case .datetime: return Out.date(try Arg.datetime(value)?.date)
                case .timestamp: return Out.date(try Arg.timestamp(value)?.datetime(in: .utc).date)
                default: break
                }
            case .datetime:
                switch from {
                case .string: return Out.datetime(try Conversions.castToDatetime(Arg.string(value)))
                case .date: return Out.datetime(try Arg.date(value).map { BQDatetime(date: $0, time: BQTime(microsOfDay: 0)!) })
                case .timestamp: return Out.datetime(try Arg.timestamp(value)?.datetime(in: .utc))
                default: break
                }
            case .time:
                switch from {
                case .string: return Out.time(try Conversions.castToTime(Arg.string(value)))
                case .datetime: return Out.time(try Arg.datetime(value)?.time)
                case .timestamp: return Out.time(try Arg.timestamp(value)?.datetime(in: .utc).time)
                default: break
                }
            case .timestamp:
                switch from {
                case .string: return Out.timestamp(try Conversions.castToTimestamp(Arg.string(value)))
                case .date: return Out.timestamp(try TimestampFunctions.timestamp(try Arg.date(value)))
                case .datetime: return Out.timestamp(try TimestampFunctions.timestamp(try Arg.datetime(value)))
                default: break
                }
            default: break
            }
            throw BigQueryFunctionError("Invalid cast from \(from) to \(to)")
        }

        /// `CAST(value AS STRING)`.
        static func string(_ value: SQLValue, _ from: SQLType) throws -> String? {
            switch from {
            case .int64: return Conversions.castToString(try Arg.int64(value))
            case .float64: return Conversions.castToString(try Arg.double(value))
            case .bool: return Conversions.castToString(try Arg.bool(value))
            case .bytes: return try Conversions.castToString(Arg.bytes(value))
            case .numeric, .bignumeric:
                return Decimal.text(value).map { Decimal.canonical($0, integerDigits: 400, fractionDigits: 400) ?? $0 }
            case .date: return Conversions.castToString(try Arg.date(value))
            case .datetime: return Conversions.castToString(try Arg.datetime(value))
            case .time: return Conversions.castToString(try Arg.time(value))
            case .timestamp: return Conversions.castToString(try Arg.timestamp(value))
            default: return Arg.string(value)
            }
        }

        /// `=` on nested values of `type`: `nil` (NULL) when a NULL field leaves it undecided.
        static func equal(_ left: JSON, _ right: JSON, _ type: SQLType) -> Bool? {
            if left.isNull || right.isNull { return nil }
            switch type {
            case .struct(let fields):
                var undecided = false
                for field in fields {
                    switch equal(left[field.name] ?? .null, right[field.name] ?? .null, field.type) {
                    case false?: return false
                    case nil: undecided = true
                    case true?: break
                    }
                }
                return undecided ? nil : true
            case .array(let element):
                guard let x = left.arrayValue, let y = right.arrayValue else { return nil }
                if x.count != y.count { return false }
                var undecided = false
                for (l, r) in zip(x, y) {
                    switch equal(l, r, element) {
                    case false?: return false
                    case nil: undecided = true
                    case true?: break
                    }
                }
                return undecided ? nil : true
            case .float64:
                let x = Nested.stored(left, type), y = Nested.stored(right, type)
                guard case .double(let a) = x, case .double(let b) = y else { return nil }
                return a == b
            case .numeric, .bignumeric:
                let x = Decimal.text(Nested.stored(left, type)) ?? "", y = Decimal.text(Nested.stored(right, type)) ?? ""
                return Decimal.sortKey(x) == Decimal.sortKey(y)
            default:
                return Nested.stored(left, type) == Nested.stored(right, type)
            }
        }
    }
}
