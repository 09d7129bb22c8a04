#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// BigQuery's mathematical functions (`mathematical_functions` page). `nil` is SQL `NULL`:
/// every function returns `nil` when an argument is `nil`; floating-point functions return NaN
/// for a NaN argument unless the documentation says otherwise.
public enum MathFunctions {
    // MARK: ABS / SIGN

    /// `ABS(INT64)`: `ABS(-9223372036854775808)` overflows.
    public static func abs(_ x: Int64?) throws -> Int64? {
        guard let x else { return nil }
        if x == .min { throw BigQueryFunctionError("int64 overflow: -\(x)") }
        return x < 0 ? -x : x
    }

    public static func abs(_ x: Double?) -> Double? {
        x.map { Swift.abs($0) }
    }

    public static func sign(_ x: Int64?) -> Int64? {
        x.map { $0 == 0 ? 0 : ($0 > 0 ? 1 : -1) }
    }

    /// `SIGN(FLOAT64)`: -1, 0 or +1; NaN stays NaN.
    public static func sign(_ x: Double?) -> Double? {
        guard let x else { return nil }
        if x == 0 { return 0 }
        if x.isNaN { return x }
        return x > 0 ? 1 : -1
    }

    // MARK: DIV / MOD / SAFE_DIVIDE / IEEE_DIVIDE

    /// `DIV(X, Y)` on `INT64`: integer division truncating toward zero.
    public static func div(_ x: Int64?, _ y: Int64?) throws -> Int64? {
        guard let x, let y else { return nil }
        if y == -1 {
            if x == .min { throw BigQueryFunctionError("int64 overflow: -\(x)") }
            return -x
        }
        if y == 0 { throw BigQueryFunctionError("division by zero: \(x) / \(y)") }
        return x / y
    }

    /// `MOD(X, Y)` on `INT64`: the remainder has the sign of `X`.
    public static func mod(_ x: Int64?, _ y: Int64?) throws -> Int64? {
        guard let x, let y else { return nil }
        if y == 0 { throw BigQueryFunctionError("division by zero: MOD(\(x), \(y))") }
        if y == -1 { return 0 }
        return x % y
    }

    /// `SAFE_DIVIDE(X, Y)`: like `/`, but `NULL` instead of an error (division by zero, overflow).
    public static func safeDivide(_ x: Double?, _ y: Double?) -> Double? {
        guard let x, let y else { return nil }
        return try? Operators.divide(x, y)
    }

    public static func safeDivide(_ x: Int64?, _ y: Int64?) -> Double? {
        guard let x, let y else { return nil }
        return safeDivide(Double(x), Double(y))
    }

    /// `IEEE_DIVIDE(X, Y)`: never errors (±inf, NaN).
    public static func ieeeDivide(_ x: Double?, _ y: Double?) -> Double? {
        guard let x, let y else { return nil }
        return x / y
    }

    // MARK: ROUND / TRUNC / CEIL / FLOOR

    /// `ROUND(X)`: to the nearest integer, halfway cases away from zero.
    public static func round(_ x: Double?) -> Double? {
        x.map { $0.rounded(.toNearestOrAwayFromZero) }
    }

    /// `ROUND(X, N)`: to `N` decimal places (negative `N` rounds left of the point), halfway
    /// cases away from zero; errors when the result overflows.
    public static func round(_ x: Double?, _ digits: Int64?) throws -> Double? {
        guard let x, let digits else { return nil }
        let result = decimalRound(x, digits, rule: .toNearestOrAwayFromZero)
        if x.isFinite && !result.isFinite {
            throw BigQueryFunctionError("Floating point overflow in function: ROUND(\(errorText(x)), \(digits))")
        }
        return result
    }

    /// `TRUNC(X)`: toward zero.
    public static func trunc(_ x: Double?) -> Double? {
        x.map { $0.rounded(.towardZero) }
    }

    /// `TRUNC(X, N)`.
    public static func trunc(_ x: Double?, _ digits: Int64?) -> Double? {
        guard let x, let digits else { return nil }
        return decimalRound(x, digits, rule: .towardZero)
    }

    public static func ceil(_ x: Double?) -> Double? {
        x.map { $0.rounded(.up) }
    }

    public static func floor(_ x: Double?) -> Double? {
        x.map { $0.rounded(.down) }
    }

    /// Rounds `x` at 10^-digits the way GoogleSQL does: scale in extended precision, round, scale back.
    static func decimalRound(_ x: Double, _ digits: Int64, rule: FloatingPointRoundingRule) -> Double {
        if !x.isFinite { return x }
        let exponent = -digits
        if exponent > 308 { return rule == .towardZero ? 0.0 * x : 0.0 }
        if exponent < -324 { return x }
        #if arch(x86_64) || arch(i386)
        let scale = Float80(sign: .plus, exponent: 0, significand: 1) * power10(Int(exponent))
        let scaled = Float80(x) / scale
        if !scaled.isFinite { return x }
        return Double((scaled.rounded(rule)) * scale)
        #else
        let scale = power10Double(Int(exponent))
        let scaled = x / scale
        if !scaled.isFinite { return x }
        return scaled.rounded(rule) * scale
        #endif
    }

    #if arch(x86_64) || arch(i386)
    /// 10^n as the closest extended-precision value (parsed, so it is correctly rounded).
    static func power10(_ n: Int) -> Float80 {
        Float80("1e\(n)") ?? Float80(0)
    }
    #else
    static func power10Double(_ n: Int) -> Double {
        Double("1e\(n)") ?? 0
    }
    #endif

    // MARK: SQRT / POW / EXP / LN / LOG / LOG10

    /// `SQRT(X)`: errors for negative `X`.
    public static func sqrt(_ x: Double?) throws -> Double? {
        guard let x else { return nil }
        if x < 0 { throw BigQueryFunctionError("Argument to SQRT cannot be negative: \(errorText(x))") }
        return x.squareRoot()
    }

    /// `POW(X, Y)` / `POWER`: errors for a negative base with a non-integer exponent, zero to a
    /// negative power, and overflow.
    public static func pow(_ x: Double?, _ y: Double?) throws -> Double? {
        guard let x, let y else { return nil }
        let result = Glibc_pow(x, y)
        return try checkFloatingPoint("POW(\(errorText(x)), \(errorText(y)))", result, inputsFinite: x.isFinite && y.isFinite)
    }

    /// `EXP(X)`: errors on overflow; underflow gives 0.
    public static func exp(_ x: Double?) throws -> Double? {
        guard let x else { return nil }
        return try checkFloatingPoint("EXP(\(errorText(x)))", Glibc_exp(x), inputsFinite: x.isFinite)
    }

    /// `LN(X)`: errors when `X` <= 0.
    public static func ln(_ x: Double?) throws -> Double? {
        guard let x else { return nil }
        return try checkFloatingPoint("LN(\(errorText(x)))", Glibc_log(x), inputsFinite: x.isFinite)
    }

    /// `LOG10(X)`: errors when `X` <= 0.
    public static func log10(_ x: Double?) throws -> Double? {
        guard let x else { return nil }
        return try checkFloatingPoint("LOG10(\(errorText(x)))", Glibc_log10(x), inputsFinite: x.isFinite)
    }

    /// `LOG(X)`: a synonym of `LN`.
    public static func log(_ x: Double?) throws -> Double? {
        try ln(x)
    }

    /// `LOG(X, Y)`: logarithm of `X` to base `Y`; errors when `X` <= 0, `Y` <= 0 or `Y` = 1.
    public static func log(_ x: Double?, _ base: Double?) throws -> Double? {
        guard let x, let base else { return nil }
        let result = base.isFinite && base > 0 ? Glibc_log(x) / Glibc_log(base) : Double.nan
        return try checkFloatingPoint("LOG(\(errorText(x)), \(errorText(base)))", result, inputsFinite: x.isFinite && base.isFinite)
    }

    static func checkFloatingPoint(_ description: String, _ result: Double, inputsFinite: Bool) throws -> Double {
        if result.isFinite || !inputsFinite { return result }
        throw BigQueryFunctionError("Floating point error in function: \(description)")
    }

    // MARK: GREATEST / LEAST

    /// `GREATEST(X1, ..., XN)`: `NULL` if any argument is `NULL`, NaN if any is NaN.
    public static func greatest(_ values: [Double?]) -> Double? {
        extreme(values, >)
    }

    /// `LEAST(X1, ..., XN)`: `NULL` if any argument is `NULL`, NaN if any is NaN.
    public static func least(_ values: [Double?]) -> Double? {
        extreme(values, <)
    }

    public static func greatest(_ values: [Int64?]) -> Int64? {
        var result: Int64?
        for value in values {
            guard let value else { return nil }
            result = result.map { Swift.max($0, value) } ?? value
        }
        return result
    }

    public static func least(_ values: [Int64?]) -> Int64? {
        var result: Int64?
        for value in values {
            guard let value else { return nil }
            result = result.map { Swift.min($0, value) } ?? value
        }
        return result
    }

    /// `GREATEST` / `LEAST` over `STRING`: byte-wise (code point) order.
    public static func greatest(_ values: [String?]) -> String? {
        var result: String?
        for value in values {
            guard let value else { return nil }
            if let current = result, !current.utf8.lexicographicallyPrecedes(value.utf8) { continue }
            result = value
        }
        return result
    }

    public static func least(_ values: [String?]) -> String? {
        var result: String?
        for value in values {
            guard let value else { return nil }
            if let current = result, !value.utf8.lexicographicallyPrecedes(current.utf8) { continue }
            result = value
        }
        return result
    }

    static func extreme(_ values: [Double?], _ better: (Double, Double) -> Bool) -> Double? {
        var result: Double?
        var sawNaN = false
        for value in values {
            guard let value else { return nil }
            if value.isNaN { sawNaN = true; continue }
            if let current = result, !better(value, current) { continue }
            result = value
        }
        return sawNaN ? .nan : result
    }
}

@inline(__always) private func Glibc_pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inline(__always) private func Glibc_exp(_ x: Double) -> Double { exp(x) }
@inline(__always) private func Glibc_log(_ x: Double) -> Double { log(x) }
@inline(__always) private func Glibc_log10(_ x: Double) -> Double { log10(x) }
