import BigQueryFunctions
import TerraceSQLite

extension FunctionLibrary {
    /// Decimal text (the stored form of NUMERIC and BIGNUMERIC): parsing to the canonical form
    /// (no exponent, no trailing fractional zeros, `-` only for non-zero values) and a sort key
    /// whose byte order is the numeric order.
    enum Decimal {
        /// BIGNUMERIC's fractional digits (beyond them, values round half away from zero).
        static let bigFractionDigits = 38

        /// A conversion error the way GoogleSQL words it: the value cut at 32 bytes.
        static func errorText(_ message: String, _ value: String) -> String {
            let bytes = Array(value.utf8)
            return bytes.count > 32 ? message + String(decoding: bytes[0..<32], as: UTF8.self) + "..." : message + value
        }

        /// The canonical text of `text` (`-12.500`, `1e3`, `+.5`, surrounding spaces), rounded half
        /// away from zero to `fractionDigits`; `nil` when it is not a number or has more than
        /// `integerDigits` integer digits.
        static func canonical(_ text: String, integerDigits: Int, fractionDigits: Int) -> String? {
            var bytes = ArraySlice(Array(text.utf8))
            while let first = bytes.first, first == 0x20 || (first >= 0x09 && first <= 0x0D) { bytes = bytes.dropFirst() }
            while let last = bytes.last, last == 0x20 || (last >= 0x09 && last <= 0x0D) { bytes = bytes.dropLast() }
            var negative = false
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                bytes = bytes.dropFirst()
            }
            var digits: [UInt8] = []
            var integerCount = 0
            var sawDigit = false
            while let byte = bytes.first, byte >= 0x30, byte <= 0x39 { digits.append(byte - 0x30); integerCount += 1; sawDigit = true; bytes = bytes.dropFirst() }
            if bytes.first == UInt8(ascii: ".") {
                bytes = bytes.dropFirst()
                while let byte = bytes.first, byte >= 0x30, byte <= 0x39 { digits.append(byte - 0x30); sawDigit = true; bytes = bytes.dropFirst() }
            }
            guard sawDigit else { return nil }
            var exponent = 0
            if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
                bytes = bytes.dropFirst()
                var expNegative = false
                if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                    expNegative = sign == UInt8(ascii: "-")
                    bytes = bytes.dropFirst()
                }
                var expDigits = 0
                while let byte = bytes.first, byte >= 0x30, byte <= 0x39 {
                    if exponent < 100_000 { exponent = exponent * 10 + Int(byte - 0x30) }
                    expDigits += 1
                    bytes = bytes.dropFirst()
                }
                guard expDigits > 0 else { return nil }
                if expNegative { exponent = -exponent }
            }
            guard bytes.isEmpty else { return nil }
            // The point sits after `point` digits.
            var point = integerCount + exponent
            while let first = digits.first, first == 0 { digits.removeFirst(); point -= 1 }
            if digits.isEmpty { return "0" }
            if point < 0 {
                digits = [UInt8](repeating: 0, count: -point) + digits
                point = 0
            }
            if point > digits.count { digits += [UInt8](repeating: 0, count: point - digits.count) }
            var keep = point + fractionDigits
            if keep < digits.count {
                let roundUp = digits[keep] >= 5
                digits = Array(digits[0..<keep])
                if roundUp {
                    var i = keep - 1
                    while i >= 0 {
                        if digits[i] == 9 { digits[i] = 0; i -= 1 } else { digits[i] += 1; break }
                    }
                    if i < 0 { digits.insert(1, at: 0); point += 1; keep += 1 }
                }
            }
            var whole = Array(digits.prefix(point))
            var fraction = Array(digits.dropFirst(point))
            while let first = whole.first, first == 0 { whole.removeFirst() }
            while let last = fraction.last, last == 0 { fraction.removeLast() }
            guard whole.count <= integerDigits else { return nil }
            if whole.isEmpty && fraction.isEmpty { return "0" }
            let wholeText = whole.isEmpty ? "0" : String(decoding: whole.map { $0 + 0x30 }, as: UTF8.self)
            let body = fraction.isEmpty ? wholeText : wholeText + "." + String(decoding: fraction.map { $0 + 0x30 }, as: UTF8.self)
            return negative ? "-" + body : body
        }

        /// The text of a stored NUMERIC/BIGNUMERIC value (integers and reals accepted).
        static func text(_ value: SQLValue) -> String? {
            switch value {
            case .null: return nil
            case .int(let number): return String(number)
            case .double(let number): return fromDouble(number)
            case .text(let text): return text
            case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
            }
        }

        /// A FLOAT64 as decimal text with up to 38 fractional digits.
        static func fromDouble(_ value: Double) -> String? {
            guard value.isFinite else { return nil }
            return canonical(exactText(value), integerDigits: 400, fractionDigits: bigFractionDigits)
        }

        /// The exact decimal expansion of a double (every binary fraction has one).
        static func exactText(_ value: Double) -> String {
            if value == 0 { return "0" }
            // value = significand * 2^exponent with an integer significand.
            let negative = value < 0
            let magnitude = Swift.abs(value)
            let exponent = Int(magnitude.exponent) - 52
            var significand = magnitude.significandBitPattern | (magnitude.isNormal ? (1 << 52) : 0)
            var shift = exponent
            if !magnitude.isNormal { shift = Int(Double.leastNormalMagnitude.exponent) - 52 }
            while significand & 1 == 0 && shift < 0 { significand >>= 1; shift += 1 }
            // Big decimal arithmetic on base-10^9 limbs (least significant first).
            var limbs: [UInt64] = [significand % 1_000_000_000, significand / 1_000_000_000 % 1_000_000_000, significand / 1_000_000_000_000_000_000]
            func multiply(_ factor: UInt64) {
                var carry: UInt64 = 0
                for i in limbs.indices {
                    let product = limbs[i] * factor + carry
                    limbs[i] = product % 1_000_000_000
                    carry = product / 1_000_000_000
                }
                while carry > 0 { limbs.append(carry % 1_000_000_000); carry /= 1_000_000_000 }
            }
            var fractionDigits = 0
            if shift >= 0 {
                for _ in 0..<shift { multiply(2) }
            } else {
                // x / 2^k = x * 5^k / 10^k
                for _ in 0..<(-shift) { multiply(5) }
                fractionDigits = -shift
            }
            while limbs.count > 1 && limbs.last == 0 { limbs.removeLast() }
            var digits = String(limbs.last!)
            for limb in limbs.dropLast().reversed() {
                let text = String(limb)
                digits += String(repeating: "0", count: 9 - text.count) + text
            }
            if fractionDigits > 0 {
                if digits.count <= fractionDigits { digits = String(repeating: "0", count: fractionDigits - digits.count + 1) + digits }
                let split = digits.index(digits.endIndex, offsetBy: -fractionDigits)
                digits = String(digits[..<split]) + "." + String(digits[split...])
            }
            return negative ? "-" + digits : digits
        }

        /// Text whose byte order is the numeric order of canonical decimal `text`: `N`/`O`/`P`
        /// for negative/zero/positive, then the integer digit count and the digits (nines'
        /// complement with a closing `~` for negatives).
        static func sortKey(_ text: String) -> String {
            guard let canonical = canonical(text, integerDigits: 400, fractionDigits: 400) else { return text }
            if canonical == "0" { return "O" }
            let negative = canonical.hasPrefix("-")
            let body = negative ? canonical.dropFirst() : Substring(canonical)
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            let whole = parts[0] == "0" ? "" : String(parts[0])
            let fraction = parts.count > 1 ? String(parts[1]) : ""
            let digits = whole + fraction
            if negative {
                let count = 999 - whole.count
                let inverted = String(digits.utf8.map { Character(Unicode.Scalar(0x39 - ($0 - 0x30))) })
                return "N" + pad(count) + inverted + "~"
            }
            return "P" + pad(whole.count) + digits
        }

        private static func pad(_ value: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, 3 - text.count)) + text
        }
    }
}
