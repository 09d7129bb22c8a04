import Foundation
import TerraceJSON

/// GoogleSQL spellings of names and values.
enum SQLText {
    /// A backtick-quoted name (`` `p.d.t` ``, `` `column` ``).
    static func identifier(_ name: String) -> String {
        "`" + name.replacing("\\", with: "\\\\").replacing("`", with: "\\`") + "`"
    }

    /// A fully qualified table: `` `project.dataset.table` ``.
    static func table(_ project: String, _ dataset: String, _ table: String) -> String {
        identifier("\(project).\(dataset).\(table)")
    }

    /// A single-quoted string literal with GoogleSQL escapes.
    static func string(_ value: String) -> String {
        var out = "'"
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "'": out += "\\'"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += String(format: "\\x%02x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "'"
    }

    /// A JSON value as a GoogleSQL literal: NULL, TRUE/FALSE, numbers (negative ones in parentheses,
    /// so `x-var('n')` cannot become a `--` comment), strings, arrays `[…]`, objects as STRUCTs.
    static func literal(_ value: JSON) -> String {
        switch value {
        case .null: return "NULL"
        case .bool(let flag): return flag ? "TRUE" : "FALSE"
        case .int(let number): return number < 0 ? "(\(number))" : "\(number)"
        case .double(let number):
            guard number.isFinite else { return "CAST(\(string(number.isNaN ? "nan" : number > 0 ? "inf" : "-inf")) AS FLOAT64)" }
            var text = JSON.double(number).encoded()
            if !text.contains(where: { ".eE".contains($0) }) { text += ".0" }
            return number < 0 ? "(\(text))" : text
        case .string(let text): return string(text)
        case .array(let elements): return "[" + elements.map(literal).joined(separator: ", ") + "]"
        case .object(let members):
            let fields = members.keys.sorted().map { "\(literal(members[$0] ?? .null)) AS \(identifier($0))" }
            return "STRUCT(" + fields.joined(separator: ", ") + ")"
        }
    }
}

extension SQLText {
    /// `TIMESTAMP '2024-05-01 12:30:00.000000+00'`: an instant in UTC, to the microsecond.
    static func timestamp(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (days, dayMicros) = micros.quotientAndRemainder(dividingBy: 86_400_000_000)
        let (day, micro) = dayMicros < 0 ? (days - 1, dayMicros + 86_400_000_000) : (days, dayMicros)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let shifted = day + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let seconds = micro / 1_000_000
        let text = String(format: "%04lld-%02lld-%02lld %02lld:%02lld:%02lld.%06lld+00", year, month, dayOfMonth,
                          seconds / 3600, seconds / 60 % 60, seconds % 60, micro % 1_000_000)
        return "TIMESTAMP '\(text)'"
    }
}
