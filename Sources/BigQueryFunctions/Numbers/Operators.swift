/// BigQuery's arithmetic operators on `INT64` and `FLOAT64`, with BigQuery's overflow and
/// division-by-zero errors. `nil` is SQL `NULL` and propagates.
public enum Operators {
    // MARK: INT64

    /// `x + y` on `INT64`: errors with `int64 overflow: x + y`.
    public static func add(_ x: Int64?, _ y: Int64?) throws -> Int64? {
        guard let x, let y else { return nil }
        let (result, overflow) = x.addingReportingOverflow(y)
        if overflow { throw BigQueryFunctionError("int64 overflow: \(x) + \(y)") }
        return result
    }

    /// `x - y` on `INT64`.
    public static func subtract(_ x: Int64?, _ y: Int64?) throws -> Int64? {
        guard let x, let y else { return nil }
        let (result, overflow) = x.subtractingReportingOverflow(y)
        if overflow { throw BigQueryFunctionError("int64 overflow: \(x) - \(y)") }
        return result
    }

    /// `x * y` on `INT64`.
    public static func multiply(_ x: Int64?, _ y: Int64?) throws -> Int64? {
        guard let x, let y else { return nil }
        let (result, overflow) = x.multipliedReportingOverflow(by: y)
        if overflow { throw BigQueryFunctionError("int64 overflow: \(x) * \(y)") }
        return result
    }

    /// Unary `-x` on `INT64`: `-INT64_MIN` errors.
    public static func negate(_ x: Int64?) throws -> Int64? {
        guard let x else { return nil }
        if x == .min { throw BigQueryFunctionError("int64 overflow: -\(x)") }
        return -x
    }

    /// `x / y` on `INT64` operands: always `FLOAT64`.
    public static func divide(_ x: Int64?, _ y: Int64?) throws -> Double? {
        guard let x, let y else { return nil }
        return try divide(Double(x), Double(y))
    }

    // MARK: FLOAT64

    /// `x + y` on `FLOAT64`: errors when finite inputs overflow to infinity.
    public static func add(_ x: Double?, _ y: Double?) throws -> Double? {
        guard let x, let y else { return nil }
        return try checkFloat(x + y, x, y, " + ")
    }

    public static func subtract(_ x: Double?, _ y: Double?) throws -> Double? {
        guard let x, let y else { return nil }
        return try checkFloat(x - y, x, y, " - ")
    }

    public static func multiply(_ x: Double?, _ y: Double?) throws -> Double? {
        guard let x, let y else { return nil }
        return try checkFloat(x * y, x, y, " * ")
    }

    /// `x / y` on `FLOAT64`: errors with `division by zero: x / y` when `y` is 0.
    public static func divide(_ x: Double?, _ y: Double?) throws -> Double? {
        guard let x, let y else { return nil }
        if y == 0 { throw BigQueryFunctionError("division by zero: \(errorText(x)) / \(errorText(y))") }
        return try checkFloat(x / y, x, y, " / ")
    }

    public static func negate(_ x: Double?) -> Double? {
        x.map { -$0 }
    }

    static func checkFloat(_ result: Double, _ x: Double, _ y: Double, _ symbol: String) throws -> Double {
        if result.isFinite || !x.isFinite || !y.isFinite { return result }
        throw BigQueryFunctionError("double overflow: \(errorText(x))\(symbol)\(errorText(y))")
    }
}
