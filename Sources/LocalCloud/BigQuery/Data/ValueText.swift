import BigQueryFunctions

/// FLOAT64 values as BigQuery's REST API spells them (Java's `Double.toString`: `1.5`, `3.0`,
/// `1.0E10`, `1.447216127E9`, `NaN`, `Infinity`), and parsed back.
enum FloatText {
    static func bigQuery(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            let text = "\(value)"  // Swift's shortest round-trip digits, plain notation in this range
            return text.contains(".") || text.contains("e") ? text : text + ".0"
        }
        // Scientific: shortest digits d.ddd then E and the exponent.
        var digits = "\(magnitude)"
        var exponent = 0
        if let e = digits.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(digits[digits.index(after: e)...]) ?? 0
            digits = String(digits[..<e])
        }
        var integer = digits.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if integer.count == 1 { integer.append("") }
        var all = integer[0] + integer[1]
        exponent += integer[0].count - 1
        // Leading zeros (for numbers below 1) move the exponent.
        while all.hasPrefix("0") && all.count > 1 {
            all.removeFirst()
            exponent -= 1
        }
        while all.hasSuffix("0") && all.count > 1 { all.removeLast() }
        let mantissa = all.count == 1 ? "\(all).0" : "\(all.prefix(1)).\(all.dropFirst())"
        return "\(value < 0 ? "-" : "")\(mantissa)E\(exponent)"
    }

    static func parse(_ text: String) -> Double? {
        switch text.lowercased() {
        case "nan": return .nan
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: return Double(text)
        }
    }
}

/// NUMERIC and BIGNUMERIC values as canonical decimal text (no exponent, no trailing zeros).
enum DecimalText {
    /// `text` (`-12.500`, `1e3`, `+.5`) as canonical decimal text, or `nil` when it is not a
    /// number or does not fit the digits given.
    static func canonical(_ text: String, integerDigits: Int, fractionDigits: Int) -> String? {
        var rest = Substring(text)
        var negative = false
        if let sign = rest.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            rest = rest.dropFirst()
        }
        var exponent = 0
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let value = Int(rest[rest.index(after: e)...]) else { return nil }
            exponent = value
            rest = rest[..<e]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !(parts.first ?? "").isEmpty || parts.count == 2 else { return nil }
        let integerPart = String(parts[0]), fractionPart = parts.count == 2 ? String(parts[1]) : ""
        guard !(integerPart + fractionPart).isEmpty, (integerPart + fractionPart).allSatisfy(\.isASCIIDigit) else { return nil }
        var digits = integerPart + fractionPart
        var point = integerPart.count + exponent
        if point < 0 {
            digits = String(repeating: "0", count: -point) + digits
            point = 0
        }
        if point > digits.count { digits += String(repeating: "0", count: point - digits.count) }
        var whole = String(digits.prefix(point)), fraction = String(digits.dropFirst(point))
        while whole.hasPrefix("0") { whole.removeFirst() }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        guard whole.count <= integerDigits, fraction.count <= fractionDigits else { return nil }
        if whole.isEmpty { whole = "0" }
        let body = fraction.isEmpty ? whole : "\(whole).\(fraction)"
        return negative && body != "0" ? "-" + body : body
    }
}

/// The civil-time text forms BigQuery accepts in loads and streaming inserts, parsed by the
/// BigQuery function library (GoogleSQL's CAST rules) into the canonical stored forms.
enum CivilText {
    /// `YYYY-MM-DD`.
    static func date(_ text: String) -> String? { Conversions.safeCastToDate(text)?.description }

    /// `HH:MM:SS[.fff|.ffffff]`.
    static func time(_ text: String) -> String? { Conversions.safeCastToTime(text)?.description }

    /// `YYYY-MM-DDTHH:MM:SS[.ffffff]`, with the `T` BigQuery's REST API answers with.
    static func datetime(_ text: String) -> String? {
        guard let datetime = Conversions.safeCastToDatetime(text) else { return nil }
        return "\(datetime.date)T\(datetime.time)"
    }

    /// Microseconds since the epoch.
    static func timestamp(_ text: String) -> Int64? { Conversions.safeCastToTimestamp(text)?.unixMicros }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
