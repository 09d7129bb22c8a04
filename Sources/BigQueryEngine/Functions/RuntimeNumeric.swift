import BigQueryFunctions
import TerraceSQLite

extension FunctionLibrary {
    /// NUMERIC arithmetic and functions over ``BQNumeric`` (stored as canonical decimal text).
    @available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
    enum NumericRuntime {
        typealias F = RuntimeFunction
        typealias O = Out

        static func numeric(_ value: SQLValue) throws -> BQNumeric? {
            switch value {
            case .null: return nil
            case .int(let number): return BQNumeric(number)
            case .double(let number): return try NumericFunctions.cast(number)
            case .text(let text): return try NumericFunctions.cast(text)
            case .blob(let bytes): return try NumericFunctions.cast(String(decoding: bytes, as: UTF8.self))
            }
        }

        static func out(_ value: BQNumeric?) -> SQLValue { value.map { .text($0.description) } ?? .null }

        static func n(_ a: [SQLValue], _ index: Int) throws -> BQNumeric? { try numeric(a[bq: index]) }

        /// A NUMERIC function computed in FLOAT64 (BigQuery computes these exactly; the result
        /// here is the FLOAT64 result rounded to NUMERIC, exact to about 15 digits).
        static func viaDouble(_ value: Double?, _ description: String) throws -> SQLValue {
            guard let value else { return .null }
            guard value.isFinite else { throw BigQueryFunctionError("numeric overflow: \(description)") }
            do {
                return out(try NumericFunctions.cast(value))
            } catch {
                throw BigQueryFunctionError("numeric overflow: \(description)")
            }
        }

        static let functions: [F] = [
            F("add_n") { a in out(try NumericFunctions.add(try n(a, 0), try n(a, 1))) },
            F("sub_n") { a in out(try NumericFunctions.subtract(try n(a, 0), try n(a, 1))) },
            F("mul_n") { a in out(try NumericFunctions.multiply(try n(a, 0), try n(a, 1))) },
            F("div_n") { a in out(try NumericFunctions.divide(try n(a, 0), try n(a, 1))) },
            F("neg_n") { a in out(NumericFunctions.negate(try n(a, 0))) },
            F("abs_n") { a in out(try n(a, 0).map { $0.scaledValue < 0 ? NumericFunctions.negate($0)! : $0 }) },
            F("sign_n") { a in
                out(try n(a, 0).map { BQNumeric($0.scaledValue == 0 ? 0 : ($0.scaledValue > 0 ? 1 : -1)) })
            },
            F("intdiv_n") { a in
                guard let x = try n(a, 0), let y = try n(a, 1) else { return .null }
                if y.scaledValue == 0 { throw BigQueryFunctionError("division by zero: \(x) / \(y)") }
                guard let result = BQNumeric(scaledValue: (x.scaledValue / y.scaledValue) * 1_000_000_000) else {
                    throw BigQueryFunctionError("numeric overflow: DIV(\(x), \(y))")
                }
                return out(result)
            },
            F("mod_n") { a in
                guard let x = try n(a, 0), let y = try n(a, 1) else { return .null }
                if y.scaledValue == 0 { throw BigQueryFunctionError("division by zero: MOD(\(x), \(y))") }
                return out(BQNumeric(scaledValue: x.scaledValue % y.scaledValue))
            },
            F("safe_divide_n") { a in out(try? NumericFunctions.divide(try n(a, 0), try n(a, 1))) },
            F("round_n") { a in
                a.count < 2 ? out(try NumericFunctions.round(try n(a, 0))) : out(try NumericFunctions.round(try n(a, 0), try Arg.int64(a[1])))
            },
            F("trunc_n") { a in
                a.count < 2 ? out(NumericFunctions.trunc(try n(a, 0))) : out(NumericFunctions.trunc(try n(a, 0), try Arg.int64(a[1])))
            },
            F("ceil_n") { a in
                guard let x = try n(a, 0), let truncated = NumericFunctions.trunc(x) else { return .null }
                if truncated.scaledValue < x.scaledValue {
                    guard let up = BQNumeric(scaledValue: truncated.scaledValue + 1_000_000_000) else {
                        throw BigQueryFunctionError("numeric overflow: CEIL(\(x))")
                    }
                    return out(up)
                }
                return out(truncated)
            },
            F("floor_n") { a in
                guard let x = try n(a, 0), let truncated = NumericFunctions.trunc(x) else { return .null }
                if truncated.scaledValue > x.scaledValue {
                    guard let down = BQNumeric(scaledValue: truncated.scaledValue - 1_000_000_000) else {
                        throw BigQueryFunctionError("numeric overflow: FLOOR(\(x))")
                    }
                    return out(down)
                }
                return out(truncated)
            },
            F("sqrt_n") { a in
                guard let x = try n(a, 0) else { return .null }
                if x.scaledValue < 0 { throw BigQueryFunctionError("SQRT is undefined for negative value: \(x)") }
                return try viaDouble(x.doubleValue.squareRoot(), "SQRT(\(x))")
            },
            F("pow_n") { a in
                guard let x = try n(a, 0), let y = try n(a, 1) else { return .null }
                let result = try MathFunctions.pow(x.doubleValue, y.doubleValue)
                return try viaDouble(result, "POW(\(x), \(y))")
            },
            F("exp_n") { a in
                guard let x = try n(a, 0) else { return .null }
                return try viaDouble(try MathFunctions.exp(x.doubleValue), "EXP(\(x))")
            },
            F("ln_n") { a in
                guard let x = try n(a, 0) else { return .null }
                if x.scaledValue <= 0 { throw BigQueryFunctionError("LN is undefined for zero or negative value: LN(\(x))") }
                return try viaDouble(try MathFunctions.ln(x.doubleValue), "LN(\(x))")
            },
            F("log10_n") { a in
                guard let x = try n(a, 0) else { return .null }
                if x.scaledValue <= 0 { throw BigQueryFunctionError("LOG10 is undefined for zero or negative value: LOG10(\(x))") }
                return try viaDouble(try MathFunctions.log10(x.doubleValue), "LOG10(\(x))")
            },
            F("log_n") { a in
                guard let x = try n(a, 0) else { return .null }
                if a.count < 2 {
                    if x.scaledValue <= 0 { throw BigQueryFunctionError("LN is undefined for zero or negative value: LN(\(x))") }
                    return try viaDouble(try MathFunctions.ln(x.doubleValue), "LN(\(x))")
                }
                guard let base = try n(a, 1) else { return .null }
                return try viaDouble(try MathFunctions.log(x.doubleValue, base.doubleValue), "LOG(\(x), \(base))")
            },
            F("greatest_n") { a in
                var best: BQNumeric?
                for value in a {
                    guard let x = try numeric(value) else { return .null }
                    if best == nil || x > best! { best = x }
                }
                return out(best)
            },
            F("least_n") { a in
                var best: BQNumeric?
                for value in a {
                    guard let x = try numeric(value) else { return .null }
                    if best == nil || x < best! { best = x }
                }
                return out(best)
            },
        ]
    }
}
