import TerraceTime

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

/// The civil-time text forms BigQuery accepts in loads and streaming inserts, parsed into the
/// canonical stored forms.
enum CivilText {
    /// `YYYY-M[M]-D[D]` → `YYYY-MM-DD`, for a real day between 0001-01-01 and 9999-12-31.
    static func date(_ text: String) -> String? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
              let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
              year >= 1, (1...12).contains(month), day >= 1, day <= daysIn(year: year, month: month)
        else { return nil }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// `H[H]:M[M]:S[S][.ffffff]` → `HH:MM:SS[.ffffff]`.
    static func time(_ text: String) -> String? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let hour = Int64(parts[0]), let minute = Int64(parts[1]), (0...23).contains(hour), (0...59).contains(minute)
        else { return nil }
        let secondParts = parts[2].split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(secondParts.count), (1...2).contains(secondParts[0].count), let second = Int64(secondParts[0]),
              (0...59).contains(second)
        else { return nil }
        var fraction = ""
        if secondParts.count == 2 {
            let digits = String(secondParts[1])
            guard (1...6).contains(digits.count), digits.allSatisfy(\.isASCIIDigit) else { return nil }
            fraction = digits + String(repeating: "0", count: 6 - digits.count)
        }
        let base = "\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))"
        return fraction.isEmpty || fraction == "000000" ? base : "\(base).\(fraction)"
    }

    /// `DATE[( |T)TIME]` → `YYYY-MM-DDTHH:MM:SS[.ffffff]`.
    static func datetime(_ text: String) -> String? {
        let separator = text.firstIndex { $0 == " " || $0 == "T" || $0 == "t" }
        guard let day = date(String(text[..<(separator ?? text.endIndex)])) else { return nil }
        guard let separator else { return "\(day)T00:00:00" }
        guard let clock = time(String(text[text.index(after: separator)...])) else { return nil }
        return "\(day)T\(clock)"
    }

    /// A timestamp (`DATE[( |T)TIME][ ][Z|UTC|±HH[:MM]]`) → microseconds since the epoch.
    static func timestamp(_ text: String) -> Int64? {
        var body = Substring(text)
        var offsetSeconds: Int64 = 0
        if body.hasSuffix(" UTC") {
            body = body.dropLast(4)
        } else if body.hasSuffix("Z") || body.hasSuffix("z") {
            body = body.dropLast()
        } else if let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }), body.distance(from: body.startIndex, to: sign) > 10 {
            let zone = body[body.index(after: sign)...].split(separator: ":")
            guard (1...2).contains(zone.count), let hours = Int64(zone[0]), hours <= 14 else { return nil }
            let minutes = zone.count == 2 ? Int64(zone[1]) ?? 99 : 0
            guard minutes < 60 else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (body[sign] == "-" ? -1 : 1)
            body = body[..<sign]
        }
        let trimmed = String(body).trimmingSpaces
        guard let datetime = datetime(trimmed) else { return nil }
        let year = Int64(datetime.prefix(4))!, month = Int64(datetime.dropFirst(5).prefix(2))!, day = Int64(datetime.dropFirst(8).prefix(2))!
        let clock = datetime.dropFirst(11)
        let hour = Int64(clock.prefix(2))!, minute = Int64(clock.dropFirst(3).prefix(2))!, second = Int64(clock.dropFirst(6).prefix(2))!
        let micros = clock.count > 8 ? Int64(clock.dropFirst(9))! : 0
        let days = Timestamp.daysFromCivil(year: year, month: month, day: day)
        return ((days * 86_400 + hour * 3600 + minute * 60 + second) - offsetSeconds) * 1_000_000 + micros
    }

    static func daysIn(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    static func pad(_ number: Int64, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
