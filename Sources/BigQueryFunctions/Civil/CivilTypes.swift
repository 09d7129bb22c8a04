import TerraceTime

/// Civil-calendar arithmetic (proleptic Gregorian) shared by the date and time types.
enum CivilCalendar {
    static let microsPerSecond: Int64 = 1_000_000
    static let microsPerMinute: Int64 = 60_000_000
    static let microsPerHour: Int64 = 3_600_000_000
    static let microsPerDay: Int64 = 86_400_000_000

    /// Days since 1970-01-01 of a (valid) civil date.
    static func days(year: Int64, month: Int64, day: Int64) -> Int64 {
        Timestamp.daysFromCivil(year: year, month: month, day: day)
    }

    static func civil(days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let (year, month, day) = Timestamp.civil(fromDays: days)
        return (year, month, day)
    }

    static func isLeap(_ year: Int64) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysInMonth(year: Int64, month: Int64) -> Int64 {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func isValid(year: Int64, month: Int64, day: Int64) -> Bool {
        year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year: year, month: month)
    }

    /// Floored division and modulo.
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 {
        a - floorDiv(a, b) * b
    }

    static func pad(_ value: Int64, _ width: Int) -> String {
        let digits = String(Swift.abs(value))
        let padded = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return value < 0 ? "-" + padded : padded
    }

    /// Fractional seconds the way GoogleSQL prints them: none, 3 or 6 digits.
    static func fraction(_ micros: Int64) -> String {
        if micros == 0 { return "" }
        if micros % 1000 == 0 { return "." + pad(micros / 1000, 3) }
        return "." + pad(micros, 6)
    }
}

/// A day of the week, numbered as `EXTRACT(DAYOFWEEK …)` does: Sunday = 1 … Saturday = 7.
public enum BQWeekday: Int, Sendable, CaseIterable {
    case sunday = 1, monday, tuesday, wednesday, thursday, friday, saturday

    public var name: String {
        ["SUNDAY", "MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY"][rawValue - 1]
    }
}

/// A BigQuery `DATE`: a civil date in 0001-01-01 … 9999-12-31, stored as days since 1970-01-01.
public struct BQDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let minUnixDays: Int64 = -719_162
    public static let maxUnixDays: Int64 = 2_932_896
    public static let min = BQDate(uncheckedUnixDays: minUnixDays)
    public static let max = BQDate(uncheckedUnixDays: maxUnixDays)

    /// Days since 1970-01-01 (`UNIX_DATE`).
    public let unixDays: Int64

    init(uncheckedUnixDays: Int64) {
        self.unixDays = uncheckedUnixDays
    }

    /// `nil` outside 0001-01-01 … 9999-12-31.
    public init?(unixDays: Int64) {
        guard unixDays >= BQDate.minUnixDays, unixDays <= BQDate.maxUnixDays else { return nil }
        self.unixDays = unixDays
    }

    /// `nil` for an invalid or out-of-range date.
    public init?(year: Int64, month: Int64, day: Int64) {
        guard CivilCalendar.isValid(year: year, month: month, day: day) else { return nil }
        self.unixDays = CivilCalendar.days(year: year, month: month, day: day)
    }

    public var components: (year: Int64, month: Int64, day: Int64) { CivilCalendar.civil(days: unixDays) }
    public var year: Int64 { components.year }
    public var month: Int64 { components.month }
    public var day: Int64 { components.day }

    /// Sunday = 1 … Saturday = 7 (1970-01-01 was a Thursday).
    public var dayOfWeek: Int64 { CivilCalendar.floorMod(unixDays + 4, 7) + 1 }

    /// Monday = 1 … Sunday = 7.
    var isoWeekday: Int64 { (dayOfWeek + 5) % 7 + 1 }

    /// 1 … 366.
    public var dayOfYear: Int64 { unixDays - CivilCalendar.days(year: year, month: 1, day: 1) + 1 }

    /// The ISO 8601 week-numbering year and week (1 … 53).
    public var isoYearAndWeek: (year: Int64, week: Int64) {
        let thursday = BQDate(uncheckedUnixDays: unixDays + 4 - isoWeekday)
        return (thursday.year, (thursday.dayOfYear - 1) / 7 + 1)
    }

    /// The Monday that starts ISO year `isoYear`.
    static func isoYearStart(_ isoYear: Int64) -> Int64 {
        let jan4 = BQDate(uncheckedUnixDays: CivilCalendar.days(year: isoYear, month: 1, day: 4))
        return jan4.unixDays - (jan4.isoWeekday - 1)
    }

    public static func < (lhs: BQDate, rhs: BQDate) -> Bool { lhs.unixDays < rhs.unixDays }

    /// Canonical `YYYY-MM-DD`, as `CAST(date AS STRING)` prints it.
    public var description: String {
        let c = components
        return "\(CivilCalendar.pad(c.year, 4))-\(CivilCalendar.pad(c.month, 2))-\(CivilCalendar.pad(c.day, 2))"
    }
}

/// A BigQuery `TIME`: a time of day with microsecond precision.
public struct BQTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since midnight, 0 ..< 86 400 000 000.
    public let microsOfDay: Int64

    public init?(microsOfDay: Int64) {
        guard microsOfDay >= 0, microsOfDay < CivilCalendar.microsPerDay else { return nil }
        self.microsOfDay = microsOfDay
    }

    public init?(hour: Int64, minute: Int64, second: Int64, microsecond: Int64 = 0) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second), (0...999_999).contains(microsecond) else { return nil }
        self.microsOfDay = hour * CivilCalendar.microsPerHour + minute * CivilCalendar.microsPerMinute
            + second * CivilCalendar.microsPerSecond + microsecond
    }

    init(uncheckedMicros: Int64) {
        self.microsOfDay = uncheckedMicros
    }

    public var hour: Int64 { microsOfDay / CivilCalendar.microsPerHour }
    public var minute: Int64 { microsOfDay / CivilCalendar.microsPerMinute % 60 }
    public var second: Int64 { microsOfDay / CivilCalendar.microsPerSecond % 60 }
    public var microsecond: Int64 { microsOfDay % CivilCalendar.microsPerSecond }

    public static func < (lhs: BQTime, rhs: BQTime) -> Bool { lhs.microsOfDay < rhs.microsOfDay }

    /// Canonical `HH:MM:SS[.FFF|.FFFFFF]`.
    public var description: String {
        "\(CivilCalendar.pad(hour, 2)):\(CivilCalendar.pad(minute, 2)):\(CivilCalendar.pad(second, 2))\(CivilCalendar.fraction(microsecond))"
    }
}

/// A BigQuery `DATETIME`: a civil date and time, independent of time zone.
public struct BQDatetime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let date: BQDate
    public let time: BQTime

    public init(date: BQDate, time: BQTime) {
        self.date = date
        self.time = time
    }

    public init?(year: Int64, month: Int64, day: Int64, hour: Int64 = 0, minute: Int64 = 0, second: Int64 = 0, microsecond: Int64 = 0) {
        guard let date = BQDate(year: year, month: month, day: day),
              let time = BQTime(hour: hour, minute: minute, second: second, microsecond: microsecond) else { return nil }
        self.init(date: date, time: time)
    }

    /// Microseconds since 1970-01-01 00:00:00 (as if the datetime were UTC).
    var epochMicros: Int64 { date.unixDays * CivilCalendar.microsPerDay + time.microsOfDay }

    init?(epochMicros: Int64) {
        let days = CivilCalendar.floorDiv(epochMicros, CivilCalendar.microsPerDay)
        guard let date = BQDate(unixDays: days) else { return nil }
        self.date = date
        self.time = BQTime(uncheckedMicros: epochMicros - days * CivilCalendar.microsPerDay)
    }

    public static func < (lhs: BQDatetime, rhs: BQDatetime) -> Bool { lhs.epochMicros < rhs.epochMicros }

    /// Canonical `YYYY-MM-DD HH:MM:SS[.FFF|.FFFFFF]`.
    public var description: String { "\(date) \(time)" }
}

/// A BigQuery `TIMESTAMP`: an absolute instant with microsecond precision in
/// 0001-01-01 00:00:00 … 9999-12-31 23:59:59.999999 UTC.
public struct BQTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public static let minUnixMicros: Int64 = BQDate.minUnixDays * CivilCalendar.microsPerDay
    public static let maxUnixMicros: Int64 = (BQDate.maxUnixDays + 1) * CivilCalendar.microsPerDay - 1

    /// Microseconds since 1970-01-01 00:00:00 UTC (`UNIX_MICROS`).
    public let unixMicros: Int64

    public init?(unixMicros: Int64) {
        guard unixMicros >= BQTimestamp.minUnixMicros, unixMicros <= BQTimestamp.maxUnixMicros else { return nil }
        self.unixMicros = unixMicros
    }

    public static func < (lhs: BQTimestamp, rhs: BQTimestamp) -> Bool { lhs.unixMicros < rhs.unixMicros }

    /// The civil date and time of this instant in `zone`. Near the ends of the range a zone offset
    /// can carry the civil date just outside 0001 … 9999 (as it does in BigQuery).
    public func datetime(in zone: BQTimeZone = .utc) -> BQDatetime {
        let micros = unixMicros + zone.offsetSeconds * CivilCalendar.microsPerSecond
        let days = CivilCalendar.floorDiv(micros, CivilCalendar.microsPerDay)
        return BQDatetime(date: BQDate(uncheckedUnixDays: days),
                          time: BQTime(uncheckedMicros: micros - days * CivilCalendar.microsPerDay))
    }

    /// The instant at which `datetime` occurs in `zone`, or `nil` when out of range.
    public init?(_ datetime: BQDatetime, in zone: BQTimeZone = .utc) {
        self.init(unixMicros: datetime.epochMicros - zone.offsetSeconds * CivilCalendar.microsPerSecond)
    }

    /// Canonical form in `zone`: `YYYY-MM-DD HH:MM:SS[.FFF|.FFFFFF]±HH[:MM]`.
    public func description(in zone: BQTimeZone) -> String {
        "\(datetime(in: zone))\(zone.canonicalOffset)"
    }

    /// Canonical form in UTC, as `CAST(timestamp AS STRING)` prints it: `2008-12-25 15:30:00+00`.
    public var description: String { description(in: .utc) }
}

/// A time zone. Only UTC and fixed offsets are supported (no IANA database: this library does no
/// I/O); other names raise a clear error.
public struct BQTimeZone: Hashable, Sendable {
    public static let utc = BQTimeZone(offsetSeconds: 0)

    /// Seconds east of UTC; whole minutes within ±14:00.
    public let offsetSeconds: Int64

    public init(offsetSeconds: Int64) {
        self.offsetSeconds = offsetSeconds
    }

    /// Accepts `UTC`, `Etc/UTC`, `GMT`, `Z`, and offsets `[UTC]±H[H][[:]MM]` (at most ±14:00).
    public init(parsing text: String) throws {
        switch text {
        case "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Zulu", "Universal", "Etc/Universal":
            self.offsetSeconds = 0
            return
        default:
            break
        }
        var rest = Substring(text)
        if rest.hasPrefix("UTC") { rest = rest.dropFirst(3) }
        guard let sign = rest.first, sign == "+" || sign == "-" else {
            throw BigQueryFunctionError("Unsupported time zone \"\(text)\": only UTC and fixed offsets such as \"+05:30\" or \"-08\" are supported")
        }
        rest = rest.dropFirst()
        func digits(_ max: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while count < max, let c = rest.first, let d = c.wholeNumberValue, c.isASCII {
                value = value * 10 + Int64(d)
                rest = rest.dropFirst()
                count += 1
            }
            return count == 0 ? nil : value
        }
        guard let hours = digits(2) else { throw BigQueryFunctionError("Invalid time zone: \(text)") }
        var minutes: Int64 = 0
        if !rest.isEmpty {
            if rest.first == ":" { rest = rest.dropFirst() }
            guard let m = digits(2), rest.isEmpty else { throw BigQueryFunctionError("Invalid time zone: \(text)") }
            minutes = m
        }
        guard minutes <= 59, hours * 60 + minutes <= 14 * 60 else { throw BigQueryFunctionError("Invalid time zone: \(text)") }
        let total = (hours * 60 + minutes) * 60
        self.offsetSeconds = sign == "-" ? -total : total
    }

    /// `+00`, `-08`, `+05:30` — the offset as canonical timestamp strings print it.
    var canonicalOffset: String {
        let sign = offsetSeconds < 0 ? "-" : "+"
        let minutes = Swift.abs(offsetSeconds) / 60
        let hh = CivilCalendar.pad(minutes / 60, 2)
        return minutes % 60 == 0 ? "\(sign)\(hh)" : "\(sign)\(hh):\(CivilCalendar.pad(minutes % 60, 2))"
    }

    /// `+HHMM` (`%z`).
    var basicOffset: String {
        let sign = offsetSeconds < 0 ? "-" : "+"
        let minutes = Swift.abs(offsetSeconds) / 60
        return "\(sign)\(CivilCalendar.pad(minutes / 60, 2))\(CivilCalendar.pad(minutes % 60, 2))"
    }

    /// `+HH:MM` (`%Ez`).
    var extendedOffset: String {
        let sign = offsetSeconds < 0 ? "-" : "+"
        let minutes = Swift.abs(offsetSeconds) / 60
        return "\(sign)\(CivilCalendar.pad(minutes / 60, 2)):\(CivilCalendar.pad(minutes % 60, 2))"
    }

    /// The zone's name for `%Z`: `UTC`, or `UTC±H[:MM]` for a fixed offset.
    var abbreviation: String {
        if offsetSeconds == 0 { return "UTC" }
        let sign = offsetSeconds < 0 ? "-" : "+"
        let minutes = Swift.abs(offsetSeconds) / 60
        return minutes % 60 == 0 ? "UTC\(sign)\(minutes / 60)" : "UTC\(sign)\(minutes / 60):\(CivilCalendar.pad(minutes % 60, 2))"
    }
}
