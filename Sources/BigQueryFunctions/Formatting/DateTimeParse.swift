/// Parsing with BigQuery's format elements (`PARSE_DATE`, `PARSE_DATETIME`, `PARSE_TIME`,
/// `PARSE_TIMESTAMP`). Unspecified fields default to 1970-01-01 00:00:00; whitespace in the
/// format matches any run of whitespace (including none); names are case-insensitive; `%s` wins
/// over every other element. The ISO week elements (`%G %g %V %J %U %W %u %w`) are not supported
/// for parsing and raise an error saying so.
enum DateTimeParser {
    struct Fields {
        var year: Int64?
        var century: Int64?
        var yearInCentury: Int64?
        var month: Int64 = 1
        var day: Int64 = 1
        var dayOfYear: Int64?
        var hour: Int64 = 0
        var hour12: Int64?
        var pm: Bool?
        var minute: Int64 = 0
        var second: Int64 = 0
        var micros: Int64 = 0
        var zone: BQTimeZone?
        var epochSeconds: Int64?
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    static func parse(_ format: String, _ input: String, function: String) throws -> Fields {
        let fmt = Array(format.utf8)
        let text = Array(input.utf8)
        var failure: BigQueryFunctionError { BigQueryFunctionError("Failed to parse input string \"\(input)\"") }  // built only when thrown
        var fields = Fields()
        var pos = 0

        func skipSpaces() { while pos < text.count && isSpace(text[pos]) { pos += 1 } }
        func number(_ maxDigits: Int, allowSign: Bool = false) throws -> Int64 {
            var negative = false
            if allowSign, pos < text.count, text[pos] == UInt8(ascii: "-") || text[pos] == UInt8(ascii: "+") {
                negative = text[pos] == UInt8(ascii: "-")
                pos += 1
            }
            var value: Int64 = 0
            var count = 0
            while count < maxDigits, pos < text.count, text[pos] >= 0x30, text[pos] <= 0x39 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(text[pos] - 0x30))
                if o1 || o2 { throw failure }
                value = s
                pos += 1
                count += 1
            }
            if count == 0 { throw failure }
            return negative ? -value : value
        }
        func name(_ names: [String]) throws -> Int {
            for (index, full) in names.enumerated() {
                for candidate in [full, String(full.prefix(3))] {
                    let bytes = Array(candidate.lowercased().utf8)
                    if pos + bytes.count <= text.count,
                       text[pos..<(pos + bytes.count)].map({ $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }).elementsEqual(bytes) {
                        pos += bytes.count
                        return index
                    }
                }
            }
            throw failure
        }
        func zoneOffset() throws -> BQTimeZone {
            if pos < text.count, text[pos] == UInt8(ascii: "Z") || text[pos] == UInt8(ascii: "z") {
                pos += 1
                return .utc
            }
            guard pos < text.count, text[pos] == UInt8(ascii: "+") || text[pos] == UInt8(ascii: "-") else { throw failure }
            let negative = text[pos] == UInt8(ascii: "-")
            pos += 1
            let start = pos
            let hh = try number(2)
            if pos - start != 2 { throw failure }
            var mm: Int64 = 0
            if pos < text.count, text[pos] == UInt8(ascii: ":") { pos += 1 }
            if pos < text.count, text[pos] >= 0x30, text[pos] <= 0x39 {
                let mStart = pos
                mm = try number(2)
                if pos - mStart != 2 { throw failure }
            }
            guard mm <= 59 else { throw failure }
            guard hh * 60 + mm <= 14 * 60 else {
                throw BigQueryFunctionError("Timezone offset out of valid range -14:00 to +14:00: \(negative ? "-" : "+")\(CivilCalendar.pad(hh, 2)):\(CivilCalendar.pad(mm, 2))")
            }
            let seconds = (hh * 60 + mm) * 60
            return BQTimeZone(offsetSeconds: negative ? -seconds : seconds)
        }
        func seconds(fraction: Bool, maxDigits: Int = Int.max) throws {
            fields.second = try number(2)
            if fraction, pos < text.count, text[pos] == UInt8(ascii: ".") {
                pos += 1
                var digits = 0
                var micros: Int64 = 0
                while digits < maxDigits, pos < text.count, text[pos] >= 0x30, text[pos] <= 0x39 {
                    if digits < 6 { micros = micros * 10 + Int64(text[pos] - 0x30) }
                    digits += 1
                    pos += 1
                }
                if digits == 0 { throw failure }
                for _ in Swift.min(digits, 6)..<6 { micros *= 10 }
                fields.micros = micros
            }
        }

        func apply(_ element: String, beforeElement: Bool = false) throws {
            switch element {
            case "Y":
                // Up to 5 digits (years 0 … 10000, range-checked later) unless another element
                // follows immediately, as in '%Y%m%d'.
                fields.year = try number(beforeElement ? 4 : 5)
                fields.century = nil
                fields.yearInCentury = nil
            case "E4Y":
                let start = pos
                fields.year = try number(4)
                if pos - start != 4 { throw failure }
            case "C": fields.century = try number(beforeElement ? 2 : 3)
            case "y": fields.yearInCentury = try number(2)
            case "m": fields.month = try number(2)
            case "d": fields.day = try number(2)
            case "e":
                if pos < text.count, text[pos] == 0x20 { pos += 1 }
                fields.day = try number(2)
            case "j": fields.dayOfYear = try number(3)
            case "H": fields.hour = try number(2); fields.hour12 = nil
            case "k":
                if pos < text.count, text[pos] == 0x20 { pos += 1 }
                fields.hour = try number(2); fields.hour12 = nil
            case "I": fields.hour12 = try number(2)
            case "l":
                if pos < text.count, text[pos] == 0x20 { pos += 1 }
                fields.hour12 = try number(2)
            case "M": fields.minute = try number(2)
            case "S": try seconds(fraction: false)
            case "E*S": try seconds(fraction: true)
            case "p", "P":
                let index = try name(["AM", "PM"])
                fields.pm = index == 1
            case "A", "a": _ = try name(DateTimeNames.weekdays)
            case "B", "b", "h": fields.month = Int64(try name(DateTimeNames.months)) + 1
            case "Q":
                let quarter = try number(1)
                guard (1...4).contains(quarter) else { throw failure }
                fields.month = (quarter - 1) * 3 + 1
            case "s": fields.epochSeconds = try number(12, allowSign: true)
            case "z", "Ez": fields.zone = try zoneOffset()
            case "Z":
                let start = pos
                while pos < text.count, !isSpace(text[pos]) { pos += 1 }
                guard pos > start else { throw failure }
                fields.zone = try BQTimeZone(parsing: String(decoding: text[start..<pos], as: UTF8.self))
            case "n", "t": skipSpaces()
            case "%":
                guard pos < text.count, text[pos] == UInt8(ascii: "%") else { throw failure }
                pos += 1
            case "F": try ["Y", "-", "m", "-", "d"].forEach(applyLiteralOrElement)
            case "T", "X": try ["H", ":", "M", ":", "S"].forEach(applyLiteralOrElement)
            case "R": try ["H", ":", "M"].forEach(applyLiteralOrElement)
            case "D", "x": try ["m", "/", "d", "/", "y"].forEach(applyLiteralOrElement)
            case "c": try ["a", " ", "b", " ", "e", " ", "H", ":", "M", ":", "S", " ", "Y"].forEach(applyLiteralOrElement)
            case "G", "g", "V", "J", "U", "W", "u", "w":
                throw BigQueryFunctionError("Format element %\(element) is not supported by \(function) in this implementation")
            default:
                if element.hasPrefix("E"), element.hasSuffix("S"), let n = Int(element.dropFirst().dropLast()), n <= 6 {
                    try seconds(fraction: n > 0, maxDigits: n)
                } else {
                    throw BigQueryFunctionError("Unsupported format element %\(element) in \(function)")
                }
            }
        }
        func applyLiteralOrElement(_ piece: String) throws {
            if piece.count == 1, !piece.first!.isLetter {
                if piece == " " { skipSpaces(); return }
                guard pos < text.count, text[pos] == piece.utf8.first! else { throw failure }
                pos += 1
            } else {
                try apply(piece)
            }
        }

        skipSpaces()
        var i = 0
        while i < fmt.count {
            let c = fmt[i]
            if isSpace(c) {
                while i < fmt.count && isSpace(fmt[i]) { i += 1 }
                skipSpaces()
                continue
            }
            if c != UInt8(ascii: "%") {
                guard pos < text.count, text[pos] == c else {
                    if pos < text.count {
                        throw BigQueryFunctionError("Mismatch between format character '\(Character(Unicode.Scalar(c)))' and string character '\(Character(Unicode.Scalar(text[pos])))'")
                    }
                    throw failure
                }
                pos += 1
                i += 1
                continue
            }
            i += 1
            guard i < fmt.count else { throw BigQueryFunctionError("Format string cannot end with a single '%'") }
            var element = String(Character(Unicode.Scalar(fmt[i])))
            i += 1
            if element == "E" {
                while i < fmt.count {
                    let next = fmt[i]
                    element.append(Character(Unicode.Scalar(next)))
                    i += 1
                    if (next >= 0x41 && next <= 0x5A) || (next >= 0x61 && next <= 0x7A) { break }
                }
            }
            try apply(element, beforeElement: i < fmt.count && fmt[i] == UInt8(ascii: "%"))
        }
        skipSpaces()
        if pos < text.count {
            throw BigQueryFunctionError("Illegal non-space trailing data '\(String(decoding: text[pos...], as: UTF8.self))'")
        }
        return fields
    }

    /// Resolves parsed fields to a civil datetime (before any zone is applied).
    static func civil(_ fields: Fields, input: String) throws -> BQDatetime {
        var failure: BigQueryFunctionError { BigQueryFunctionError("Failed to parse input string \"\(input)\"") }  // built only when thrown
        var year = fields.year ?? 1970
        if let yy = fields.yearInCentury {
            year = (fields.century ?? (yy < 69 ? 20 : 19)) * 100 + yy
        } else if let century = fields.century, fields.year == nil {
            year = century * 100
        }
        var hour = fields.hour
        if let hour12 = fields.hour12 {
            guard (1...12).contains(hour12) else { throw failure }
            hour = hour12 % 12 + ((fields.pm ?? false) ? 12 : 0)
        }
        var month = fields.month
        var day = fields.day
        if let doy = fields.dayOfYear {
            guard year >= 1, year <= 9999, doy >= 1, doy <= (CivilCalendar.isLeap(year) ? 366 : 365) else { throw failure }
            let date = BQDate(uncheckedUnixDays: CivilCalendar.days(year: year, month: 1, day: 1) + doy - 1)
            month = date.month
            day = date.day
        }
        guard let datetime = CivilLiteral.makeDatetime((year, month, day), (hour, fields.minute, fields.second, fields.micros)) else {
            throw failure
        }
        return datetime
    }
}

extension DateFunctions {
    /// `PARSE_DATE(format_string, date_string)`.
    public static func parse(_ format: String?, _ string: String?) throws -> BQDate? {
        guard let format, let string else { return nil }
        let fields = try DateTimeParser.parse(format, string, function: "PARSE_DATE")
        if let seconds = fields.epochSeconds {
            guard let date = BQDate(unixDays: CivilCalendar.floorDiv(seconds, 86400)) else {
                throw BigQueryFunctionError("Failed to parse input string \"\(string)\"")
            }
            return date
        }
        return try DateTimeParser.civil(fields, input: string).date
    }
}

extension DatetimeFunctions {
    /// `PARSE_DATETIME(format_string, datetime_string)`.
    public static func parse(_ format: String?, _ string: String?) throws -> BQDatetime? {
        guard let format, let string else { return nil }
        let fields = try DateTimeParser.parse(format, string, function: "PARSE_DATETIME")
        if let seconds = fields.epochSeconds {
            let (micros, overflow) = seconds.multipliedReportingOverflow(by: CivilCalendar.microsPerSecond)
            guard !overflow, let value = BQDatetime(epochMicros: micros) else {
                throw BigQueryFunctionError("Failed to parse input string \"\(string)\"")
            }
            return value
        }
        return try DateTimeParser.civil(fields, input: string)
    }
}

extension TimeFunctions {
    /// `PARSE_TIME(format_string, time_string)`.
    public static func parse(_ format: String?, _ string: String?) throws -> BQTime? {
        guard let format, let string else { return nil }
        let fields = try DateTimeParser.parse(format, string, function: "PARSE_TIME")
        if let seconds = fields.epochSeconds {
            return BQTime(uncheckedMicros: CivilCalendar.floorMod(seconds, 86400) * CivilCalendar.microsPerSecond)
        }
        return try DateTimeParser.civil(fields, input: string).time
    }
}

extension TimestampFunctions {
    /// `PARSE_TIMESTAMP(format_string, timestamp_string[, time_zone])`: a zone parsed by `%z`,
    /// `%Ez` or `%Z` wins over `zone` (default UTC).
    public static func parse(_ format: String?, _ string: String?, zone: BQTimeZone = .utc) throws -> BQTimestamp? {
        guard let format, let string else { return nil }
        let fields = try DateTimeParser.parse(format, string, function: "PARSE_TIMESTAMP")
        var failure: BigQueryFunctionError { BigQueryFunctionError("Failed to parse input string \"\(string)\"") }  // built only when thrown
        if let seconds = fields.epochSeconds {
            let (micros, overflow) = seconds.multipliedReportingOverflow(by: CivilCalendar.microsPerSecond)
            guard !overflow, let value = BQTimestamp(unixMicros: micros) else { throw failure }
            return value
        }
        let civil = try DateTimeParser.civil(fields, input: string)
        guard let value = BQTimestamp(civil, in: fields.zone ?? zone) else { throw failure }
        return value
    }
}
