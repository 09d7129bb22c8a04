/// BigQuery's `DATE` functions (`date_functions` page). `nil` is SQL `NULL` and propagates.
public enum DateFunctions {
    /// `DATE(year, month, day)`.
    public static func date(_ year: Int64?, _ month: Int64?, _ day: Int64?) throws -> BQDate? {
        guard let year, let month, let day else { return nil }
        guard let date = BQDate(year: year, month: month, day: day) else {
            throw BigQueryFunctionError("Input calculates to invalid date: \(CivilCalendar.pad(year, 4))-\(CivilCalendar.pad(month, 2))-\(CivilCalendar.pad(day, 2))")
        }
        return date
    }

    /// `DATE(datetime)`.
    public static func date(_ datetime: BQDatetime?) -> BQDate? { datetime?.date }

    /// `DATE(timestamp[, time_zone])`.
    public static func date(_ timestamp: BQTimestamp?, zone: BQTimeZone = .utc) -> BQDate? {
        timestamp?.datetime(in: zone).date
    }

    /// `DATE_ADD(date, INTERVAL n part)` with DAY, WEEK, MONTH, QUARTER or YEAR. MONTH, QUARTER
    /// and YEAR clamp to the last day of a shorter month (2024-01-31 + 1 MONTH = 2024-02-29).
    public static func add(_ date: BQDate?, _ amount: Int64?, _ part: BQDatePart) throws -> BQDate? {
        guard let date, let amount else { return nil }
        try checkAddPart(part, "DATE_ADD")
        guard let result = CivilOps.addDays(date, amount, part) else {
            throw BigQueryFunctionError("Adding \(amount) \(part.sqlName) to date \(date) causes overflow")
        }
        return result
    }

    /// `DATE_SUB(date, INTERVAL n part)`.
    public static func sub(_ date: BQDate?, _ amount: Int64?, _ part: BQDatePart) throws -> BQDate? {
        guard let date, let amount else { return nil }
        try checkAddPart(part, "DATE_SUB")
        guard amount != .min, let result = CivilOps.addDays(date, -amount, part) else {
            throw BigQueryFunctionError("Subtracting \(amount) \(part.sqlName) from date \(date) causes overflow")
        }
        return result
    }

    static func checkAddPart(_ part: BQDatePart, _ function: String) throws {
        switch part {
        case .day, .month, .quarter, .year, .weekStarting(.sunday): return
        default: throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for \(function)")
        }
    }

    /// `DATE_DIFF(end_date, start_date, part)`: the number of part boundaries crossed. Parts: DAY,
    /// WEEK, WEEK(<WEEKDAY>), ISOWEEK, MONTH, QUARTER, YEAR, ISOYEAR.
    public static func diff(_ end: BQDate?, _ start: BQDate?, _ part: BQDatePart) throws -> Int64? {
        guard let end, let start else { return nil }
        guard let result = CivilOps.diffDates(end, start, part) else {
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for DATE_DIFF")
        }
        return result
    }

    /// `DATE_TRUNC(date, part)`.
    public static func trunc(_ date: BQDate?, _ part: BQDatePart) throws -> BQDate? {
        guard let date else { return nil }
        return try CivilOps.truncDate(date, part, function: "DATE_TRUNC")
    }

    /// `EXTRACT(part FROM date)`: DAYOFWEEK (1 = Sunday), DAY, DAYOFYEAR, WEEK, WEEK(<WEEKDAY>),
    /// ISOWEEK, MONTH, QUARTER, YEAR, ISOYEAR.
    public static func extract(_ part: BQDatePart, from date: BQDate?) throws -> Int64? {
        guard let date else { return nil }
        guard let value = CivilOps.extract(part, date) else {
            throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for EXTRACT from DATE")
        }
        return value
    }

    /// `LAST_DAY(date[, part])`: part defaults to MONTH; YEAR, QUARTER, MONTH, WEEK,
    /// WEEK(<WEEKDAY>), ISOWEEK, ISOYEAR.
    public static func lastDay(_ date: BQDate?, _ part: BQDatePart = .month) throws -> BQDate? {
        guard let date else { return nil }
        return try CivilOps.lastDay(date, part)
    }

    /// `UNIX_DATE(date)`: days since 1970-01-01.
    public static func unixDate(_ date: BQDate?) -> Int64? { date?.unixDays }

    /// `DATE_FROM_UNIX_DATE(days)`.
    public static func dateFromUnixDate(_ days: Int64?) throws -> BQDate? {
        guard let days else { return nil }
        guard let date = BQDate(unixDays: days) else {
            throw BigQueryFunctionError("DATE_FROM_UNIX_DATE value \(days) is out of the DATE range")
        }
        return date
    }

    /// `GENERATE_DATE_ARRAY(start, end[, INTERVAL step part])`: inclusive; each element adds the
    /// step to the previous one; a zero step errors; a step pointing away from `end` gives `[]`.
    public static func generateDateArray(_ start: BQDate?, _ end: BQDate?, step: Int64? = 1, _ part: BQDatePart = .day) throws -> [BQDate]? {
        guard let start, let end, let step else { return nil }
        switch part {
        case .day, .month, .quarter, .year, .weekStarting(.sunday): break
        default: throw BigQueryFunctionError("Unsupported date part \(part.sqlName) for GENERATE_DATE_ARRAY")
        }
        if step == 0 { throw BigQueryFunctionError("Sequence step cannot be 0.") }
        if (start < end && step < 0) || (start > end && step > 0) { return [] }
        if start == end { return [start] }
        var values: [BQDate] = []
        var current = start
        while start <= end ? current <= end : current >= end {
            if values.count >= 16000 {
                throw BigQueryFunctionError("Cannot generate arrays with more than 16000 elements.")
            }
            values.append(current)
            guard let next = CivilOps.addDays(current, step, part) else { break }
            current = next
        }
        return values
    }
}
