import BigQueryFunctions
import TerraceSQLite

extension FunctionLibrary {
    /// BIGNUMERIC: a 256-bit two's-complement integer count of 10⁻³⁸ units
    /// (https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#decimal_types:
    /// precision 76.76, scale 38), held here as a sign and a magnitude of 32-bit limbs.
    struct BigNumeric: Equatable {
        static let scale = 38

        var negative: Bool
        /// Little-endian 32-bit limbs of the magnitude, without leading zero limbs.
        var magnitude: [UInt32]

        var isZero: Bool { magnitude.isEmpty }

        /// Parses decimal text (rounding half away from zero beyond 38 fractional digits);
        /// `nil` when it is not a number or is out of range.
        init?(_ text: String) {
            guard let canonical = Decimal.canonical(text, integerDigits: 40, fractionDigits: BigNumeric.scale) else { return nil }
            let negative = canonical.hasPrefix("-")
            let body = negative ? canonical.dropFirst() : Substring(canonical)
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            let digits = String(parts[0]) + fraction + String(repeating: "0", count: BigNumeric.scale - fraction.count)
            self.init(negative: negative, magnitude: Limbs.fromDecimal(digits))
            guard inRange else { return nil }
        }

        init(negative: Bool, magnitude: [UInt32]) {
            var trimmed = magnitude
            while trimmed.last == 0 { trimmed.removeLast() }
            self.magnitude = trimmed
            self.negative = negative && !trimmed.isEmpty
        }

        /// Within −2²⁵⁵ … 2²⁵⁵ − 1 units.
        var inRange: Bool {
            if magnitude.count < 8 { return true }
            if magnitude.count > 8 { return false }
            if magnitude[7] < 0x8000_0000 { return true }
            return negative && magnitude[7] == 0x8000_0000 && magnitude[0..<7].allSatisfy { $0 == 0 }
        }

        /// Canonical decimal text.
        var description: String {
            var digits = Limbs.toDecimal(magnitude)
            if digits.count <= BigNumeric.scale { digits = String(repeating: "0", count: BigNumeric.scale - digits.count + 1) + digits }
            let split = digits.index(digits.endIndex, offsetBy: -BigNumeric.scale)
            var fraction = String(digits[split...])
            while fraction.hasSuffix("0") { fraction.removeLast() }
            let whole = String(digits[..<split])
            let body = fraction.isEmpty ? whole : whole + "." + fraction
            return negative ? "-" + body : body
        }

        static func + (x: BigNumeric, y: BigNumeric) -> BigNumeric {
            if x.negative == y.negative { return BigNumeric(negative: x.negative, magnitude: Limbs.add(x.magnitude, y.magnitude)) }
            if Limbs.compare(x.magnitude, y.magnitude) >= 0 {
                return BigNumeric(negative: x.negative, magnitude: Limbs.subtract(x.magnitude, y.magnitude))
            }
            return BigNumeric(negative: y.negative, magnitude: Limbs.subtract(y.magnitude, x.magnitude))
        }

        static prefix func - (x: BigNumeric) -> BigNumeric { BigNumeric(negative: !x.negative, magnitude: x.magnitude) }

        /// x × y rounded half away from zero to 38 fractional digits.
        static func * (x: BigNumeric, y: BigNumeric) -> BigNumeric {
            let product = Limbs.multiply(x.magnitude, y.magnitude)
            return BigNumeric(negative: x.negative != y.negative, magnitude: Limbs.divideRounded(product, Limbs.power10(BigNumeric.scale)))
        }

        /// x ÷ y rounded half away from zero to 38 fractional digits (y ≠ 0).
        static func / (x: BigNumeric, y: BigNumeric) -> BigNumeric {
            let numerator = Limbs.multiply(x.magnitude, Limbs.power10(BigNumeric.scale))
            return BigNumeric(negative: x.negative != y.negative, magnitude: Limbs.divideRounded(numerator, y.magnitude))
        }
    }

    /// Unsigned arbitrary-precision arithmetic on little-endian 32-bit limbs.
    enum Limbs {
        static func trim(_ x: [UInt32]) -> [UInt32] {
            var x = x
            while x.last == 0 { x.removeLast() }
            return x
        }

        static func compare(_ x: [UInt32], _ y: [UInt32]) -> Int {
            let x = trim(x), y = trim(y)
            if x.count != y.count { return x.count < y.count ? -1 : 1 }
            for i in stride(from: x.count - 1, through: 0, by: -1) where x[i] != y[i] {
                return x[i] < y[i] ? -1 : 1
            }
            return 0
        }

        static func add(_ x: [UInt32], _ y: [UInt32]) -> [UInt32] {
            var out: [UInt32] = []
            var carry: UInt64 = 0
            for i in 0..<max(x.count, y.count) {
                let sum = UInt64(i < x.count ? x[i] : 0) + UInt64(i < y.count ? y[i] : 0) + carry
                out.append(UInt32(truncatingIfNeeded: sum))
                carry = sum >> 32
            }
            if carry > 0 { out.append(UInt32(carry)) }
            return trim(out)
        }

        /// x − y for x ≥ y.
        static func subtract(_ x: [UInt32], _ y: [UInt32]) -> [UInt32] {
            var out: [UInt32] = []
            var borrow: Int64 = 0
            for i in 0..<x.count {
                var difference = Int64(x[i]) - Int64(i < y.count ? y[i] : 0) - borrow
                borrow = 0
                if difference < 0 { difference += 1 << 32; borrow = 1 }
                out.append(UInt32(difference))
            }
            return trim(out)
        }

        static func multiply(_ x: [UInt32], _ y: [UInt32]) -> [UInt32] {
            if x.isEmpty || y.isEmpty { return [] }
            var out = [UInt32](repeating: 0, count: x.count + y.count)
            for i in 0..<x.count {
                var carry: UInt64 = 0
                for j in 0..<y.count {
                    let product = UInt64(x[i]) * UInt64(y[j]) + UInt64(out[i + j]) + carry
                    out[i + j] = UInt32(truncatingIfNeeded: product)
                    carry = product >> 32
                }
                var k = i + y.count
                while carry > 0 {
                    let sum = UInt64(out[k]) + carry
                    out[k] = UInt32(truncatingIfNeeded: sum)
                    carry = sum >> 32
                    k += 1
                }
            }
            return trim(out)
        }

        static func shiftLeftOne(_ x: inout [UInt32]) {
            var carry: UInt32 = 0
            for i in 0..<x.count {
                let next = x[i] >> 31
                x[i] = x[i] << 1 | carry
                carry = next
            }
            if carry > 0 { x.append(carry) }
        }

        /// (quotient, remainder) of x ÷ y by binary long division (y ≠ 0).
        static func divide(_ x: [UInt32], _ y: [UInt32]) -> (quotient: [UInt32], remainder: [UInt32]) {
            let x = trim(x)
            var quotient = [UInt32](repeating: 0, count: x.count)
            var remainder: [UInt32] = []
            for bit in stride(from: x.count * 32 - 1, through: 0, by: -1) {
                shiftLeftOne(&remainder)
                if (x[bit / 32] >> UInt32(bit % 32)) & 1 == 1 {
                    if remainder.isEmpty { remainder = [1] } else { remainder[0] |= 1 }
                }
                if compare(remainder, y) >= 0 {
                    remainder = subtract(remainder, y)
                    quotient[bit / 32] |= 1 << UInt32(bit % 32)
                }
            }
            return (trim(quotient), trim(remainder))
        }

        /// x ÷ y rounded half away from zero.
        static func divideRounded(_ x: [UInt32], _ y: [UInt32]) -> [UInt32] {
            let (quotient, remainder) = divide(x, y)
            var twice = remainder
            shiftLeftOne(&twice)
            return compare(twice, y) >= 0 ? add(quotient, [1]) : quotient
        }

        static func power10(_ n: Int) -> [UInt32] {
            var out: [UInt32] = [1]
            for _ in 0..<n { out = multiply(out, [10]) }
            return out
        }

        static func fromDecimal(_ digits: String) -> [UInt32] {
            var out: [UInt32] = []
            for byte in digits.utf8 where byte >= 0x30 && byte <= 0x39 {
                out = add(multiply(out, [10]), [UInt32(byte - 0x30)])
            }
            return out
        }

        static func toDecimal(_ x: [UInt32]) -> String {
            var x = trim(x)
            if x.isEmpty { return "0" }
            var chunks: [UInt32] = []
            while !x.isEmpty {
                var remainder: UInt64 = 0
                for i in stride(from: x.count - 1, through: 0, by: -1) {
                    let value = remainder << 32 | UInt64(x[i])
                    x[i] = UInt32(value / 1_000_000_000)
                    remainder = value % 1_000_000_000
                }
                chunks.append(UInt32(remainder))
                x = trim(x)
            }
            var text = String(chunks.last!)
            for chunk in chunks.dropLast().reversed() {
                let part = String(chunk)
                text += String(repeating: "0", count: 9 - part.count) + part
            }
            return text
        }
    }
}

extension FunctionLibrary.Runtime {
    static func bigNumeric(_ value: SQLValue) throws -> FunctionLibrary.BigNumeric? {
        guard let text = FunctionLibrary.Decimal.text(value) else { return nil }
        guard let number = FunctionLibrary.BigNumeric(text) else {
            throw BigQueryFunctionError("Invalid BIGNUMERIC value: \(text)")
        }
        return number
    }

    static func bigNumericResult(_ value: FunctionLibrary.BigNumeric, _ operation: () -> String) throws -> SQLValue {
        guard value.inRange else { throw BigQueryFunctionError("BIGNUMERIC overflow: \(operation())") }
        return .text(value.description)
    }

    /// BIGNUMERIC `+ - * /`.
    static let bigNumericFunctions: [F] = [
        F("add_bn") { a in
            guard let x = try bigNumeric(a[bq: 0]), let y = try bigNumeric(a[bq: 1]) else { return .null }
            return try bigNumericResult(x + y) { "\(x.description) + \(y.description)" }
        },
        F("sub_bn") { a in
            guard let x = try bigNumeric(a[bq: 0]), let y = try bigNumeric(a[bq: 1]) else { return .null }
            return try bigNumericResult(x + -y) { "\(x.description) - \(y.description)" }
        },
        F("mul_bn") { a in
            guard let x = try bigNumeric(a[bq: 0]), let y = try bigNumeric(a[bq: 1]) else { return .null }
            return try bigNumericResult(x * y) { "\(x.description) * \(y.description)" }
        },
        F("div_bn") { a in
            guard let x = try bigNumeric(a[bq: 0]), let y = try bigNumeric(a[bq: 1]) else { return .null }
            if y.isZero { throw BigQueryFunctionError("division by zero: \(x.description) / \(y.description)") }
            return try bigNumericResult(x / y) { "\(x.description) / \(y.description)" }
        },
    ]
}
