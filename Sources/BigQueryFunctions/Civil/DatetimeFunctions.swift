/// BigQuery's `DATETIME` functions (`datetime_functions` page). `nil` is SQL `NULL`.
public enum DatetimeFunctions {
    /// `DATETIME(year, month, day, hour, minute, second)`.
    public static func datetime(_ year: Int64?, _ month: Int64?, _ day: Int64?, _ hour: Int64?, _ minute: Int64?, _ second: Int64?) throws -> BQDatetime? {
        guard let year, let month, let day, let hour, let minute, let second else { return nil }
        guard let value = BQDatetime(year: year, month: month, day: day, hour: hour, minute: minute, second: second) else {
            throw BigQueryFunctionError("Input calculates to invalid datetime: \(year)-\(month)-\(day) \(hour):\(minute):\(second)")
        }
        return value
    }

    /// `DATETIME(date[, time])`.
    public static func datetime(_ date: BQDate?, _ time: BQTime? = BQTime(microsOfDay: 0)) -> BQDatetime? {
        guard let date, let time else { return nil }
        return BQDatetime(date: date, time: time)
    }

    /// `DATETIME(timestamp[, time_zone])`.
    public static func datetime(_ timestamp: BQTimestamp?, zone: BQTimeZone = .utc) -> BQDatetime? {
        timestamp?.datetime(in: zone)
    }

    /// `DATETIME_ADD(datetime, INTERVAL n part)`: MICROSECOND … HOUR, DAY, WEEK, MONTH, QUARTER, YEAR.
    public static func add(_ datetime: BQDatetime?, _ amount: Int64?, _ part: BQDatePart) throws -> BQDatetime? {
        guard let datetime, let amount else { return nil }
        guard let result = try shift(datetime, amount, part, "DATETIME_ADD") else {
            throw BigQueryFunctionError("Adding \(amount) \(part.sqlName) to datetime \(datetime) causes overflow")
        }
        return result
    }

    /// `DATETIME_SUB(datetime, INTERVAL n part)`.
    public static func sub(_ datetime: BQDatetime?, _ amount: Int64?, _ part: BQDatePart) throws -> BQDatetime? {
        guard let datetime, let amount else { return nil }
        guard amount != .min, let result = try shift(datetime, -amount, part, "DATETIME_SUB") else {
            throw BigQueryFunctionError("Subtracting \(amount) \(part.sqlName) from datetime \(datetime) causes overflow")
        }
        return result
    }

    static func shift(_ datetime: BQDatetime, _ amount: Int64, _ part: BQDatePart, _ function: String) throws -> BQDatetime? {
        if let unit = part.fixedMicros {
            let (delta, o1) = amount.multipliedReportingOverflow(by: unit)
            let (micros, o2) = datetime.epochMicros.addingReportingOverflow(delta)
            return o1 || o2 ? nil : BQDatetime(epochMicros: micros)
        }
        switch part {
        case .day, .month, .quarter, .year, .weekStarting(.sunday):
            return CivilOps.addDays(datetime.date, amount, part).map { BQDatetime(date: $0, time: datetime.time) }
        default:
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for \(function)")
        }
    }

    /// `DATETIME_DIFF(end, start, part)`: part boundaries crossed, for time parts as well
    /// (`DATETIME_DIFF('2001-02-01 01:00:00', '2001-02-01 00:59:59', HOUR)` is 1).
    public static func diff(_ end: BQDatetime?, _ start: BQDatetime?, _ part: BQDatePart) throws -> Int64? {
        guard let end, let start else { return nil }
        if let unit = part.fixedMicros {
            return CivilCalendar.floorDiv(end.epochMicros, unit) - CivilCalendar.floorDiv(start.epochMicros, unit)
        }
        guard let result = CivilOps.diffDates(end.date, start.date, part) else {
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for DATETIME_DIFF")
        }
        return result
    }

    /// `DATETIME_TRUNC(datetime, part)`.
    public static func trunc(_ datetime: BQDatetime?, _ part: BQDatePart) throws -> BQDatetime? {
        guard let datetime else { return nil }
        return try truncate(datetime, part, function: "DATETIME_TRUNC")
    }

    static func truncate(_ datetime: BQDatetime, _ part: BQDatePart, function: String) throws -> BQDatetime {
        if let unit = part.fixedMicros {
            let micros = datetime.time.microsOfDay
            return BQDatetime(date: datetime.date, time: BQTime(uncheckedMicros: micros - micros % unit))
        }
        let date = try CivilOps.truncDate(datetime.date, part, function: function)
        return BQDatetime(date: date, time: BQTime(uncheckedMicros: 0))
    }

    /// `EXTRACT(part FROM datetime)` for parts returning `INT64` (MICROSECOND … HOUR and the date parts).
    public static func extract(_ part: BQDatePart, from datetime: BQDatetime?) throws -> Int64? {
        guard let datetime else { return nil }
        switch part {
        case .microsecond: return datetime.time.microsecond
        case .millisecond: return datetime.time.microsecond / 1000
        case .second: return datetime.time.second
        case .minute: return datetime.time.minute
        case .hour: return datetime.time.hour
        default:
            guard let value = CivilOps.extract(part, datetime.date) else {
                throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for EXTRACT from DATETIME")
            }
            return value
        }
    }

    /// `EXTRACT(DATE FROM datetime)`.
    public static func extractDate(from datetime: BQDatetime?) -> BQDate? { datetime?.date }

    /// `EXTRACT(TIME FROM datetime)`.
    public static func extractTime(from datetime: BQDatetime?) -> BQTime? { datetime?.time }

    /// `LAST_DAY(datetime[, part])`: a `DATE`.
    public static func lastDay(_ datetime: BQDatetime?, _ part: BQDatePart = .month) throws -> BQDate? {
        guard let datetime else { return nil }
        return try CivilOps.lastDay(datetime.date, part)
    }
}

/// BigQuery's `TIME` functions (`time_functions` page): construction, `TIME_ADD`, `TIME_SUB`,
/// `TIME_DIFF`, `TIME_TRUNC`, `EXTRACT`, and (elsewhere) `FORMAT_TIME` / `PARSE_TIME`.
public enum TimeFunctions {
    /// `TIME(hour, minute, second)`.
    public static func time(_ hour: Int64?, _ minute: Int64?, _ second: Int64?) throws -> BQTime? {
        guard let hour, let minute, let second else { return nil }
        guard let value = BQTime(hour: hour, minute: minute, second: second) else {
            throw BigQueryFunctionError("Input calculates to invalid time: \(hour):\(minute):\(second)")
        }
        return value
    }

    /// `TIME(timestamp[, time_zone])`.
    public static func time(_ timestamp: BQTimestamp?, zone: BQTimeZone = .utc) -> BQTime? {
        timestamp?.datetime(in: zone).time
    }

    /// `TIME_ADD(time, INTERVAL n part)`: MICROSECOND … HOUR; wraps around midnight.
    public static func add(_ time: BQTime?, _ amount: Int64?, _ part: BQDatePart) throws -> BQTime? {
        guard let time, let amount else { return nil }
        return try shift(time, amount, part, "TIME_ADD")
    }

    /// `TIME_SUB(time, INTERVAL n part)`: wraps around midnight.
    public static func sub(_ time: BQTime?, _ amount: Int64?, _ part: BQDatePart) throws -> BQTime? {
        guard let time, let amount else { return nil }
        return try shift(time, amount == .min ? amount : -amount, part, "TIME_SUB")
    }

    static func shift(_ time: BQTime, _ amount: Int64, _ part: BQDatePart, _ function: String) throws -> BQTime {
        guard let unit = part.fixedMicros else {
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for \(function)")
        }
        // Work modulo one day so huge intervals cannot overflow.
        let day = CivilCalendar.microsPerDay
        let unitsPerDay = day / unit
        let delta = CivilCalendar.floorMod(amount, unitsPerDay) * unit
        return BQTime(uncheckedMicros: CivilCalendar.floorMod(time.microsOfDay + delta, day))
    }

    /// `TIME_DIFF(end, start, part)`: part boundaries crossed, MICROSECOND … HOUR.
    public static func diff(_ end: BQTime?, _ start: BQTime?, _ part: BQDatePart) throws -> Int64? {
        guard let end, let start else { return nil }
        guard let unit = part.fixedMicros else {
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for TIME_DIFF")
        }
        return end.microsOfDay / unit - start.microsOfDay / unit
    }

    /// `TIME_TRUNC(time, part)`: MICROSECOND … HOUR.
    public static func trunc(_ time: BQTime?, _ part: BQDatePart) throws -> BQTime? {
        guard let time else { return nil }
        guard let unit = part.fixedMicros else {
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for TIME_TRUNC")
        }
        return BQTime(uncheckedMicros: time.microsOfDay - time.microsOfDay % unit)
    }

    /// `EXTRACT(part FROM time)`: MICROSECOND, MILLISECOND, SECOND, MINUTE, HOUR.
    public static func extract(_ part: BQDatePart, from time: BQTime?) throws -> Int64? {
        guard let time else { return nil }
        switch part {
        case .microsecond: return time.microsecond
        case .millisecond: return time.microsecond / 1000
        case .second: return time.second
        case .minute: return time.minute
        case .hour: return time.hour
        default: throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for EXTRACT from TIME")
        }
    }
}
