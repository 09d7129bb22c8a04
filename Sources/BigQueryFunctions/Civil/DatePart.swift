/// A date/time part as written in `DATE_ADD(…, INTERVAL n part)`, `DATE_DIFF`, `*_TRUNC`,
/// `EXTRACT` and `LAST_DAY`. `WEEK` is ``week`` (weeks starting on Sunday).
public enum BQDatePart: Hashable, Sendable {
    case microsecond, millisecond, second, minute, hour
    case dayOfWeek, day, dayOfYear
    /// `WEEK(<WEEKDAY>)`.
    case weekStarting(BQWeekday)
    case isoWeek, month, quarter, year, isoYear
    /// `EXTRACT(DATE …)`, `EXTRACT(TIME …)`, `EXTRACT(DATETIME …)`.
    case date, time, datetime

    /// `WEEK`, equivalent to `WEEK(SUNDAY)`.
    public static let week = BQDatePart.weekStarting(.sunday)

    /// Parses `DAY`, `WEEK(MONDAY)`, `ISOWEEK`, … (case-insensitive).
    public init?(sqlName: String) {
        let name = sqlName.uppercased().filter { $0 != " " }
        switch name {
        case "MICROSECOND": self = .microsecond
        case "MILLISECOND": self = .millisecond
        case "SECOND": self = .second
        case "MINUTE": self = .minute
        case "HOUR": self = .hour
        case "DAYOFWEEK": self = .dayOfWeek
        case "DAY": self = .day
        case "DAYOFYEAR": self = .dayOfYear
        case "WEEK": self = .week
        case "ISOWEEK": self = .isoWeek
        case "MONTH": self = .month
        case "QUARTER": self = .quarter
        case "YEAR": self = .year
        case "ISOYEAR": self = .isoYear
        case "DATE": self = .date
        case "TIME": self = .time
        case "DATETIME": self = .datetime
        default:
            guard name.hasPrefix("WEEK("), name.hasSuffix(")") else { return nil }
            let day = String(name.dropFirst(5).dropLast())
            guard let weekday = BQWeekday.allCases.first(where: { $0.name == day }) else { return nil }
            self = .weekStarting(weekday)
        }
    }

    /// Builds a part from its name and, for `WEEK(<WEEKDAY>)`, the weekday name (both
    /// case-insensitive), the way a parser holds them: `(name: "WEEK", weekday: "MONDAY")`.
    public init?(name: String, weekday: String?) {
        if let weekday {
            guard name.uppercased() == "WEEK" else { return nil }
            self.init(sqlName: "WEEK(\(weekday))")
        } else {
            self.init(sqlName: name)
        }
    }

    /// The part as BigQuery spells it in messages: `DAY`, `WEEK`, `WEEK(MONDAY)`, `ISOWEEK`, …
    public var sqlName: String {
        switch self {
        case .microsecond: return "MICROSECOND"
        case .millisecond: return "MILLISECOND"
        case .second: return "SECOND"
        case .minute: return "MINUTE"
        case .hour: return "HOUR"
        case .dayOfWeek: return "DAYOFWEEK"
        case .day: return "DAY"
        case .dayOfYear: return "DAYOFYEAR"
        case .weekStarting(let weekday): return weekday == .sunday ? "WEEK" : "WEEK(\(weekday.name))"
        case .isoWeek: return "ISOWEEK"
        case .month: return "MONTH"
        case .quarter: return "QUARTER"
        case .year: return "YEAR"
        case .isoYear: return "ISOYEAR"
        case .date: return "DATE"
        case .time: return "TIME"
        case .datetime: return "DATETIME"
        }
    }

    /// Microseconds in one unit of a part shorter than a day.
    var fixedMicros: Int64? {
        switch self {
        case .microsecond: return 1
        case .millisecond: return 1000
        case .second: return CivilCalendar.microsPerSecond
        case .minute: return CivilCalendar.microsPerMinute
        case .hour: return CivilCalendar.microsPerHour
        default: return nil
        }
    }
}
