/// A BigQuery `NUMERIC`: an exact decimal with 38 digits of precision and 9 digits of scale,
/// held as an integer count of 10⁻⁹ units (range ±(10²⁹ − 10⁻⁹)). Rounding is always half away
/// from zero, as BigQuery rounds `NUMERIC`.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
public struct BQNumeric: Hashable, Comparable, Sendable, CustomStringConvertible {
    static let scale: Int128 = 1_000_000_000
    static let limit: Int128 = 99_999_999_999_999_999_999_999_999_999_999_999_999  // 10^38 - 1

    /// The value times 10⁹.
    public let scaledValue: Int128

    public init?(scaledValue: Int128) {
        guard scaledValue >= -BQNumeric.limit, scaledValue <= BQNumeric.limit else { return nil }
        self.scaledValue = scaledValue
    }

    init(unchecked scaledValue: Int128) {
        self.scaledValue = scaledValue
    }

    public init(_ value: Int64) {
        self.scaledValue = Int128(value) * BQNumeric.scale
    }

    public static let zero = BQNumeric(unchecked: 0)

    public static func < (lhs: BQNumeric, rhs: BQNumeric) -> Bool { lhs.scaledValue < rhs.scaledValue }

    /// Canonical text: no exponent, no trailing fractional zeros (`1.5`, `-0.001`, `3`).
    /// Canonical decimal text: no exponent, no trailing fractional zeros, `-` only when negative.
    public var description: String {
        let magnitude = scaledValue.magnitude
        // Digits written backwards into a fixed buffer: at most 39 digits, a point and a sign.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var end = buffer.count
            func put(_ byte: UInt8) {
                end -= 1
                buffer[end] = byte
            }
            var fraction = UInt64(magnitude % UInt128(BQNumeric.scale))
            if fraction != 0 {
                var width = 9
                while fraction % 10 == 0 { fraction /= 10; width -= 1 }
                for _ in 0..<width {
                    put(UInt8(truncatingIfNeeded: fraction % 10) + 0x30)
                    fraction /= 10
                }
                put(UInt8(ascii: "."))
            }
            var integer = magnitude / UInt128(BQNumeric.scale)
            if integer <= UInt128(UInt64.max) {
                var small = UInt64(integer)
                repeat {
                    put(UInt8(truncatingIfNeeded: small % 10) + 0x30)
                    small /= 10
                } while small != 0
            } else {
                repeat {
                    put(UInt8(truncatingIfNeeded: integer % 10) + 0x30)
                    integer /= 10
                } while integer != 0
            }
            if scaledValue < 0 { put(UInt8(ascii: "-")) }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[end...]), as: UTF8.self)
        }
    }

    /// The scaled value of the plain form stored NUMERICs take (`-123.45`: an optional `-`, at
    /// most 18 integer digits, at most 9 fractional ones, nothing else), read straight from the
    /// UTF-8; `nil` for anything else, which the general parser reads.
    static func plain(_ text: String) -> Int128? {
        var text = text
        return text.withUTF8 { bytes -> Int128? in
            var i = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative { i = 1 }
            var integer: Int64 = 0
            var integerDigits = 0
            while i < bytes.count, bytes[i] &- 0x30 < 10 {
                integer = integer &* 10 &+ Int64(bytes[i] &- 0x30)
                integerDigits += 1
                i += 1
            }
            guard integerDigits > 0, integerDigits <= 18 else { return nil }
            var fraction: Int64 = 0
            var fractionDigits = 0
            if i < bytes.count {
                guard bytes[i] == UInt8(ascii: ".") else { return nil }
                i += 1
                while i < bytes.count, bytes[i] &- 0x30 < 10 {
                    fraction = fraction &* 10 &+ Int64(bytes[i] &- 0x30)
                    fractionDigits += 1
                    i += 1
                }
                guard fractionDigits > 0, fractionDigits <= 9, i == bytes.count else { return nil }
            }
            for _ in fractionDigits..<9 { fraction *= 10 }
            let scaled = Int128(integer) * Int128(BQNumeric.scale) + Int128(fraction)
            return negative ? -scaled : scaled
        }
    }

    /// Parses a decimal literal (optional sign, fraction and exponent, surrounding whitespace),
    /// rounding beyond 9 fractional digits half away from zero. `nil` when invalid or out of range.
    public init?(parsing text: String) {
        if let plain = Self.plain(text) {
            self.init(unchecked: plain)
            return
        }
        let body = Conversions.stripASCIIWhitespace(ArraySlice(Array(text.utf8)))
        var i = body.startIndex
        var negative = false
        if i < body.endIndex, body[i] == UInt8(ascii: "+") || body[i] == UInt8(ascii: "-") {
            negative = body[i] == UInt8(ascii: "-")
            i += 1
        }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        var digits: [UInt8] = []
        var integerDigits = 0
        while i < body.endIndex, isDigit(body[i]) { digits.append(body[i] - 0x30); integerDigits += 1; i += 1 }
        if i < body.endIndex, body[i] == UInt8(ascii: ".") {
            i += 1
            while i < body.endIndex, isDigit(body[i]) { digits.append(body[i] - 0x30); i += 1 }
        }
        guard !digits.isEmpty else { return nil }
        var exponent = 0
        if i < body.endIndex, body[i] == UInt8(ascii: "e") || body[i] == UInt8(ascii: "E") {
            i += 1
            var expNegative = false
            if i < body.endIndex, body[i] == UInt8(ascii: "+") || body[i] == UInt8(ascii: "-") {
                expNegative = body[i] == UInt8(ascii: "-")
                i += 1
            }
            var expDigits = 0
            while i < body.endIndex, isDigit(body[i]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(body[i] - 0x30) }
                expDigits += 1
                i += 1
            }
            guard expDigits > 0 else { return nil }
            if expNegative { exponent = -exponent }
        }
        guard i == body.endIndex else { return nil }
        // The decimal point sits after `point` digits; keep 9 more for the scale.
        var point = integerDigits + exponent
        while let first = digits.first, first == 0, digits.count > 1 { digits.removeFirst(); point -= 1 }
        let keep = point + 9
        var magnitude: UInt128 = 0
        if keep > 0 {
            if keep > 38 && digits.contains(where: { $0 != 0 }) { return nil }
            for k in 0..<min(keep, 39) {
                magnitude = magnitude * 10 + UInt128(k < digits.count ? digits[k] : 0)
            }
        }
        let roundingDigit: UInt8 = keep >= 0 && keep < digits.count ? digits[keep] : 0
        if roundingDigit >= 5 { magnitude += 1 }
        guard magnitude <= UInt128(BQNumeric.limit) else { return nil }
        self.init(unchecked: negative ? -Int128(magnitude) : Int128(magnitude))
    }

    /// The closest `FLOAT64`.
    public var doubleValue: Double {
        CFormat.strtod(description)
    }
}

/// `NUMERIC` arithmetic, casts and rounding with BigQuery's errors.
@available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *)
public enum NumericFunctions {
    /// `CAST(STRING AS NUMERIC)`: errors with `Invalid NUMERIC value: …`.
    public static func cast(_ value: String?) throws -> BQNumeric? {
        guard let value else { return nil }
        guard let numeric = BQNumeric(parsing: value) else {
            throw BigQueryFunctionError(Conversions.formatError("Invalid NUMERIC value: ", value))
        }
        return numeric
    }

    /// `CAST(INT64 AS NUMERIC)`.
    public static func cast(_ value: Int64?) -> BQNumeric? { value.map(BQNumeric.init) }

    /// `CAST(FLOAT64 AS NUMERIC)`: the exact binary value rounded half away from zero at 10⁻⁹.
    public static func cast(_ value: Double?) throws -> BQNumeric? {
        guard let value else { return nil }
        if !value.isFinite {
            throw BigQueryFunctionError("Illegal conversion of non-finite floating point number to numeric: \(errorText(value.isNaN ? .nan : value))")
        }
        // Built only when thrown: formatting the value costs more than the conversion.
        func outOfRange() -> BigQueryFunctionError { BigQueryFunctionError("numeric out of range: \(errorText(value))") }
        if value == 0 { return .zero }
        let significand = UInt128(value.significandBitPattern | (value.isNormal ? (1 << 52) : 0))
        let exponent = Int(value.isNormal ? value.exponent : Double.leastNormalMagnitude.exponent) - 52
        var magnitude: UInt128
        if exponent >= 0 {
            guard exponent < 90 else { throw outOfRange() }
            let (shifted, overflow) = (significand * 1_000_000_000).multipliedReportingOverflow(by: UInt128(1) << UInt128(exponent))
            guard !overflow, significand * 1_000_000_000 <= UInt128.max >> UInt128(exponent) else { throw outOfRange() }
            magnitude = shifted
        } else {
            let shift = -exponent
            let numerator = significand * 1_000_000_000
            if shift >= 127 {
                magnitude = 0
            } else {
                magnitude = numerator >> UInt128(shift)
                let remainder = numerator & ((UInt128(1) << UInt128(shift)) - 1)
                if remainder >= UInt128(1) << UInt128(shift - 1) { magnitude += 1 }
            }
        }
        guard magnitude <= UInt128(BQNumeric.limit) else { throw outOfRange() }
        return BQNumeric(unchecked: value < 0 ? -Int128(magnitude) : Int128(magnitude))
    }

    /// `CAST(NUMERIC AS STRING)`.
    public static func castToString(_ value: BQNumeric?) -> String? { value?.description }

    /// `CAST(NUMERIC AS FLOAT64)`: the closest double.
    public static func castToDouble(_ value: BQNumeric?) -> Double? { value?.doubleValue }

    /// `CAST(NUMERIC AS INT64)`: rounds half away from zero; errors outside `INT64`.
    public static func castToInt64(_ value: BQNumeric?) throws -> Int64? {
        guard let value else { return nil }
        let rounded = roundScaled(value.scaledValue, to: 0)
        let integer = rounded / BQNumeric.scale
        guard integer >= Int128(Int64.min), integer <= Int128(Int64.max) else {
            throw BigQueryFunctionError("int64 out of range: \(value)")
        }
        return Int64(integer)
    }

    public static func add(_ x: BQNumeric?, _ y: BQNumeric?) throws -> BQNumeric? {
        guard let x, let y else { return nil }
        guard let result = BQNumeric(scaledValue: x.scaledValue + y.scaledValue) else {
            throw BigQueryFunctionError("numeric overflow: \(x) + \(y)")
        }
        return result
    }

    public static func subtract(_ x: BQNumeric?, _ y: BQNumeric?) throws -> BQNumeric? {
        guard let x, let y else { return nil }
        guard let result = BQNumeric(scaledValue: x.scaledValue - y.scaledValue) else {
            throw BigQueryFunctionError("numeric overflow: \(x) - \(y)")
        }
        return result
    }

    public static func negate(_ x: BQNumeric?) -> BQNumeric? {
        x.map { BQNumeric(unchecked: -$0.scaledValue) }
    }

    /// `x * y`, rounded half away from zero to 9 fractional digits.
    public static func multiply(_ x: BQNumeric?, _ y: BQNumeric?) throws -> BQNumeric? {
        guard let x, let y else { return nil }
        var overflow: BigQueryFunctionError { BigQueryFunctionError("numeric overflow: \(x) * \(y)") }  // built only when thrown
        let product = x.scaledValue.magnitude.multipliedFullWidth(by: y.scaledValue.magnitude)
        guard let magnitude = divideRounded(product, by: UInt128(BQNumeric.scale)) else { throw overflow }
        let negative = (x.scaledValue < 0) != (y.scaledValue < 0)
        guard let result = BQNumeric(scaledValue: negative ? -Int128(magnitude) : Int128(magnitude)) else { throw overflow }
        return result
    }

    /// `x / y`, rounded half away from zero to 9 fractional digits.
    public static func divide(_ x: BQNumeric?, _ y: BQNumeric?) throws -> BQNumeric? {
        guard let x, let y else { return nil }
        if y.scaledValue == 0 { throw BigQueryFunctionError("division by zero: \(x) / \(y)") }
        var overflow: BigQueryFunctionError { BigQueryFunctionError("numeric overflow: \(x) / \(y)") }  // built only when thrown
        let numerator = x.scaledValue.magnitude.multipliedFullWidth(by: UInt128(BQNumeric.scale))
        guard let magnitude = divideRounded(numerator, by: y.scaledValue.magnitude) else { throw overflow }
        let negative = (x.scaledValue < 0) != (y.scaledValue < 0)
        guard let result = BQNumeric(scaledValue: negative ? -Int128(magnitude) : Int128(magnitude)) else { throw overflow }
        return result
    }

    /// (high, low) / divisor rounded half away from zero; nil when the quotient does not fit.
    static func divideRounded(_ value: (high: UInt128, low: UInt128), by divisor: UInt128) -> UInt128? {
        guard value.high < divisor else { return nil }
        let (quotient, remainder) = divisor.dividingFullWidth(value)
        let roundUp = remainder >= divisor - remainder
        if roundUp {
            let (next, overflow) = quotient.addingReportingOverflow(1)
            return overflow ? nil : next
        }
        return quotient
    }

    /// `ROUND(numeric[, digits])`: half away from zero.
    public static func round(_ x: BQNumeric?, _ digits: Int64? = 0) throws -> BQNumeric? {
        guard let x, let digits else { return nil }
        guard let result = BQNumeric(scaledValue: roundScaled(x.scaledValue, to: digits)) else {
            throw BigQueryFunctionError("numeric overflow: ROUND(\(x), \(digits))")
        }
        return result
    }

    /// `TRUNC(numeric[, digits])`: toward zero.
    public static func trunc(_ x: BQNumeric?, _ digits: Int64? = 0) -> BQNumeric? {
        guard let x, let digits else { return nil }
        guard digits < 9 else { return x }
        guard digits >= -29 else { return .zero }
        let unit = power10(9 - digits)
        return BQNumeric(unchecked: x.scaledValue / unit * unit)
    }

    static func power10(_ n: Int64) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<n { result *= 10 }
        return result
    }

    static func roundScaled(_ value: Int128, to digits: Int64) -> Int128 {
        guard digits < 9 else { return value }
        guard digits >= -29 else { return 0 }
        let unit = power10(9 - digits)
        let truncated = value / unit * unit
        let remainder = (value - truncated).magnitude
        if remainder * 2 >= unit.magnitude {
            return value < 0 ? truncated - unit : truncated + unit
        }
        return truncated
    }
}
