/// The value a format string is applied to, with the SQL type it came from (some elements
/// belong to some types only: zone elements to `TIMESTAMP`, date elements not to `TIME`).
enum FormatTarget {
    case date, time, datetime, timestamp(BQTimeZone)

    var typeName: String {
        switch self {
        case .date: return "DATE"
        case .time: return "TIME"
        case .datetime: return "DATETIME"
        case .timestamp: return "TIMESTAMP"
        }
    }
}

enum DateTimeNames {
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    static let months = ["January", "February", "March", "April", "May", "June", "July", "August",
                         "September", "October", "November", "December"]
}

/// Formatting with BigQuery's format elements (`format-elements#format_elements_date_time`).
enum DateTimeFormatter {
    static let dateElements: Set<String> = ["A", "a", "B", "b", "h", "C", "D", "d", "e", "F", "G", "g", "J", "j",
                                            "m", "Q", "U", "u", "V", "W", "w", "x", "Y", "y", "E4Y", "c"]
    static let zoneElements: Set<String> = ["Z", "z", "Ez"]

    static func format(_ format: String, _ value: BQDatetime, _ target: FormatTarget, unixSeconds: Int64, function: String) throws -> String {
        let chars = Array(format.unicodeScalars)
        var out = ""
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "%" else {
                out.unicodeScalars.append(c)
                i += 1
                continue
            }
            i += 1
            guard i < chars.count else {
                throw BigQueryFunctionError("Invalid format string for \(function): it ends with a lone '%'")
            }
            var element = String(chars[i])
            i += 1
            if element == "E" {
                // %Ez, %E4Y, %E*S, %E<n>S
                var rest = ""
                while i < chars.count {
                    let next = chars[i]
                    rest.unicodeScalars.append(next)
                    i += 1
                    if next.properties.isAlphabetic { break }
                }
                element = "E" + rest
            }
            try check(element, target, function)
            out += try expand(element, value, target, unixSeconds: unixSeconds, function: function)
        }
        return out
    }

    static func check(_ element: String, _ target: FormatTarget, _ function: String) throws {
        switch target {
        case .timestamp:
            return
        case .time:
            if dateElements.contains(element) || zoneElements.contains(element) {
                throw BigQueryFunctionError("Format element %\(element) is not allowed in \(function) for the TIME type")
            }
        case .date, .datetime:
            if zoneElements.contains(element) {
                throw BigQueryFunctionError("Format element %\(element) is not allowed in \(function) for the \(target.typeName) type")
            }
        }
    }

    static func expand(_ element: String, _ value: BQDatetime, _ target: FormatTarget, unixSeconds: Int64, function: String) throws -> String {
        let date = value.date
        let time = value.time
        let pad = CivilCalendar.pad
        let hour12 = time.hour % 12 == 0 ? 12 : time.hour % 12
        func spacePadded(_ n: Int64) -> String { n < 10 ? " \(n)" : "\(n)" }
        switch element {
        case "A": return DateTimeNames.weekdays[Int(date.dayOfWeek) - 1]
        case "a": return String(DateTimeNames.weekdays[Int(date.dayOfWeek) - 1].prefix(3))
        case "B": return DateTimeNames.months[Int(date.month) - 1]
        case "b", "h": return String(DateTimeNames.months[Int(date.month) - 1].prefix(3))
        case "C": return pad(date.year / 100, 2)
        case "c":
            return try ["a", "b", "e"].map { try expand($0, value, target, unixSeconds: unixSeconds, function: function) }.joined(separator: " ")
                + " " + (try expand("T", value, target, unixSeconds: unixSeconds, function: function)) + " \(date.year)"
        case "D", "x": return "\(pad(date.month, 2))/\(pad(date.day, 2))/\(pad(date.year % 100, 2))"
        case "d": return pad(date.day, 2)
        case "e": return spacePadded(date.day)
        case "F": return "\(date.year)-\(pad(date.month, 2))-\(pad(date.day, 2))"
        case "G": return "\(date.isoYearAndWeek.year)"
        case "g": return pad(date.isoYearAndWeek.year % 100, 2)
        case "H": return pad(time.hour, 2)
        case "I": return pad(hour12, 2)
        case "J": return pad(date.unixDays - BQDate.isoYearStart(date.isoYearAndWeek.year) + 1, 3)
        case "j": return pad(date.dayOfYear, 3)
        case "k": return spacePadded(time.hour)
        case "l": return spacePadded(hour12)
        case "M": return pad(time.minute, 2)
        case "m": return pad(date.month, 2)
        case "n": return "\n"
        case "P": return time.hour < 12 ? "am" : "pm"
        case "p": return time.hour < 12 ? "AM" : "PM"
        case "Q": return "\((date.month - 1) / 3 + 1)"
        case "R": return "\(pad(time.hour, 2)):\(pad(time.minute, 2))"
        case "S": return pad(time.second, 2)
        case "s": return "\(unixSeconds)"
        case "T", "X": return "\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
        case "t": return "\t"
        case "U": return pad(CivilOps.weekNumber(date, startingOn: .sunday), 2)
        case "u": return "\(date.isoWeekday)"
        case "V": return pad(date.isoYearAndWeek.week, 2)
        case "W": return pad(CivilOps.weekNumber(date, startingOn: .monday), 2)
        case "w": return "\(date.dayOfWeek - 1)"
        case "Y": return "\(date.year)"
        case "y": return pad(date.year % 100, 2)
        case "%": return "%"
        case "E4Y": return pad(date.year, 4)
        case "Z", "z", "Ez":
            guard case .timestamp(let zone) = target else { return "" }
            return element == "Z" ? zone.abbreviation : (element == "z" ? zone.basicOffset : zone.extendedOffset)
        case "E*S":
            var text = pad(time.second, 2)
            if time.microsecond != 0 {
                var digits = pad(time.microsecond, 6)
                while digits.hasSuffix("0") { digits.removeLast() }
                text += "." + digits
            }
            return text
        default:
            if element.hasPrefix("E"), element.hasSuffix("S"), let n = Int(element.dropFirst().dropLast()), n >= 0, n <= 12 {
                if n == 0 { return pad(time.second, 2) }
                let digits = pad(time.microsecond, 6) + String(repeating: "0", count: Swift.max(0, n - 6))
                return pad(time.second, 2) + "." + digits.prefix(n)
            }
            throw BigQueryFunctionError("Unsupported format element %\(element) in \(function)")
        }
    }
}

extension DateFunctions {
    /// `FORMAT_DATE(format_string, date)`.
    public static func format(_ format: String?, _ date: BQDate?) throws -> String? {
        guard let format, let date else { return nil }
        let value = BQDatetime(date: date, time: BQTime(uncheckedMicros: 0))
        return try DateTimeFormatter.format(format, value, .date, unixSeconds: date.unixDays * 86400, function: "FORMAT_DATE")
    }
}

extension DatetimeFunctions {
    /// `FORMAT_DATETIME(format_string, datetime)`.
    public static func format(_ format: String?, _ datetime: BQDatetime?) throws -> String? {
        guard let format, let datetime else { return nil }
        return try DateTimeFormatter.format(format, datetime, .datetime,
                                            unixSeconds: CivilCalendar.floorDiv(datetime.epochMicros, CivilCalendar.microsPerSecond),
                                            function: "FORMAT_DATETIME")
    }
}

extension TimeFunctions {
    /// `FORMAT_TIME(format_string, time)`.
    public static func format(_ format: String?, _ time: BQTime?) throws -> String? {
        guard let format, let time else { return nil }
        let value = BQDatetime(date: BQDate(uncheckedUnixDays: 0), time: time)
        return try DateTimeFormatter.format(format, value, .time, unixSeconds: time.microsOfDay / CivilCalendar.microsPerSecond, function: "FORMAT_TIME")
    }
}

extension TimestampFunctions {
    /// `FORMAT_TIMESTAMP(format_string, timestamp[, time_zone])`.
    public static func format(_ format: String?, _ timestamp: BQTimestamp?, zone: BQTimeZone = .utc) throws -> String? {
        guard let format, let timestamp else { return nil }
        return try DateTimeFormatter.format(format, timestamp.datetime(in: zone), .timestamp(zone),
                                            unixSeconds: CivilCalendar.floorDiv(timestamp.unixMicros, CivilCalendar.microsPerSecond),
                                            function: "FORMAT_TIMESTAMP")
    }
}
