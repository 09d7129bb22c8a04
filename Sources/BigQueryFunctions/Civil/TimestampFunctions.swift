/// BigQuery's `TIMESTAMP` functions (`timestamp_functions` page). Time zones are
/// ``BQTimeZone`` values (UTC or fixed offsets); the default is UTC, as in BigQuery.
public enum TimestampFunctions {
    /// `TIMESTAMP(string[, time_zone])`.
    public static func timestamp(_ string: String?, zone: BQTimeZone = .utc) throws -> BQTimestamp? {
        try Conversions.castToTimestamp(string, zone: zone)
    }

    /// `TIMESTAMP(date[, time_zone])`: the first instant of the date in the zone.
    public static func timestamp(_ date: BQDate?, zone: BQTimeZone = .utc) throws -> BQTimestamp? {
        guard let date else { return nil }
        return try timestamp(BQDatetime(date: date, time: BQTime(uncheckedMicros: 0)), zone: zone)
    }

    /// `TIMESTAMP(datetime[, time_zone])`.
    public static func timestamp(_ datetime: BQDatetime?, zone: BQTimeZone = .utc) throws -> BQTimestamp? {
        guard let datetime else { return nil }
        guard let value = BQTimestamp(datetime, in: zone) else {
            throw BigQueryFunctionError("Cannot convert DATETIME \(datetime) to TIMESTAMP: out of range")
        }
        return value
    }

    /// `STRING(timestamp[, time_zone])`: the canonical form, e.g. `2008-12-25 15:30:00+00`.
    public static func string(_ timestamp: BQTimestamp?, zone: BQTimeZone = .utc) -> String? {
        timestamp?.description(in: zone)
    }

    /// `TIMESTAMP_ADD(timestamp, INTERVAL n part)`: MICROSECOND, MILLISECOND, SECOND, MINUTE,
    /// HOUR, DAY (= 24 hours); other parts error.
    public static func add(_ timestamp: BQTimestamp?, _ amount: Int64?, _ part: BQDatePart) throws -> BQTimestamp? {
        guard let timestamp, let amount else { return nil }
        let unit = try addUnit(part, "TIMESTAMP_ADD")
        let (delta, o1) = amount.multipliedReportingOverflow(by: unit)
        let (micros, o2) = timestamp.unixMicros.addingReportingOverflow(delta)
        guard !o1, !o2, let result = BQTimestamp(unixMicros: micros) else {
            throw BigQueryFunctionError("Adding \(amount) \(part.sqlName) to timestamp \(timestamp) causes overflow")
        }
        return result
    }

    /// `TIMESTAMP_SUB(timestamp, INTERVAL n part)`.
    public static func sub(_ timestamp: BQTimestamp?, _ amount: Int64?, _ part: BQDatePart) throws -> BQTimestamp? {
        guard let timestamp, let amount else { return nil }
        let unit = try addUnit(part, "TIMESTAMP_SUB")
        let (delta, o1) = amount.multipliedReportingOverflow(by: unit)
        let (micros, o2) = timestamp.unixMicros.subtractingReportingOverflow(delta)
        guard !o1, !o2, let result = BQTimestamp(unixMicros: micros) else {
            throw BigQueryFunctionError("Subtracting \(amount) \(part.sqlName) from timestamp \(timestamp) causes overflow")
        }
        return result
    }

    static func addUnit(_ part: BQDatePart, _ function: String) throws -> Int64 {
        if part == .day { return CivilCalendar.microsPerDay }
        if let unit = part.fixedMicros { return unit }
        throw BigQueryFunctionError("Unsupported DateTimestampPart \(part.sqlName) for \(function)")
    }

    /// `TIMESTAMP_DIFF(end, start, part)`: whole units between the instants, truncated toward
    /// zero (`TIMESTAMP_DIFF('2001-02-01 01:00:00', '2001-02-01 00:00:01', HOUR)` is 0). Parts:
    /// MICROSECOND … HOUR, DAY (= 24 hours).
    public static func diff(_ end: BQTimestamp?, _ start: BQTimestamp?, _ part: BQDatePart) throws -> Int64? {
        guard let end, let start else { return nil }
        let unit = try addUnit(part, "TIMESTAMP_DIFF")
        return (end.unixMicros - start.unixMicros) / unit
    }

    /// `TIMESTAMP_TRUNC(timestamp, part[, time_zone])`: truncates the civil time in `zone`.
    public static func trunc(_ timestamp: BQTimestamp?, _ part: BQDatePart, zone: BQTimeZone = .utc) throws -> BQTimestamp? {
        guard let timestamp else { return nil }
        let civil = try DatetimeFunctions.truncate(timestamp.datetime(in: zone), part, function: "TIMESTAMP_TRUNC")
        guard let result = BQTimestamp(civil, in: zone) else {
            throw BigQueryFunctionError("Truncating timestamp \(timestamp) to \(part.sqlName) resulted in an out of range value")
        }
        return result
    }

    /// `EXTRACT(part FROM timestamp [AT TIME ZONE zone])` for parts returning `INT64`.
    public static func extract(_ part: BQDatePart, from timestamp: BQTimestamp?, zone: BQTimeZone = .utc) throws -> Int64? {
        guard let timestamp else { return nil }
        return try DatetimeFunctions.extract(part, from: timestamp.datetime(in: zone))
    }

    /// `EXTRACT(DATE FROM timestamp …)`.
    public static func extractDate(from timestamp: BQTimestamp?, zone: BQTimeZone = .utc) -> BQDate? {
        timestamp?.datetime(in: zone).date
    }

    /// `EXTRACT(TIME FROM timestamp …)`.
    public static func extractTime(from timestamp: BQTimestamp?, zone: BQTimeZone = .utc) -> BQTime? {
        timestamp?.datetime(in: zone).time
    }

    /// `EXTRACT(DATETIME FROM timestamp …)`.
    public static func extractDatetime(from timestamp: BQTimestamp?, zone: BQTimeZone = .utc) -> BQDatetime? {
        timestamp?.datetime(in: zone)
    }

    /// `UNIX_SECONDS`: whole seconds since the epoch, rounding down.
    public static func unixSeconds(_ timestamp: BQTimestamp?) -> Int64? {
        timestamp.map { CivilCalendar.floorDiv($0.unixMicros, CivilCalendar.microsPerSecond) }
    }

    /// `UNIX_MILLIS`: rounding down.
    public static func unixMillis(_ timestamp: BQTimestamp?) -> Int64? {
        timestamp.map { CivilCalendar.floorDiv($0.unixMicros, 1000) }
    }

    /// `UNIX_MICROS`.
    public static func unixMicros(_ timestamp: BQTimestamp?) -> Int64? {
        timestamp?.unixMicros
    }

    /// `TIMESTAMP_SECONDS(n)`.
    public static func timestampSeconds(_ seconds: Int64?) throws -> BQTimestamp? {
        guard let seconds else { return nil }
        return try fromUnits(seconds, CivilCalendar.microsPerSecond, "TIMESTAMP_SECONDS")
    }

    /// `TIMESTAMP_MILLIS(n)`.
    public static func timestampMillis(_ millis: Int64?) throws -> BQTimestamp? {
        guard let millis else { return nil }
        return try fromUnits(millis, 1000, "TIMESTAMP_MILLIS")
    }

    /// `TIMESTAMP_MICROS(n)`.
    public static func timestampMicros(_ micros: Int64?) throws -> BQTimestamp? {
        guard let micros else { return nil }
        return try fromUnits(micros, 1, "TIMESTAMP_MICROS")
    }

    static func fromUnits(_ value: Int64, _ unit: Int64, _ function: String) throws -> BQTimestamp {
        let (micros, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow, let timestamp = BQTimestamp(unixMicros: micros) else {
            throw BigQueryFunctionError("Value \(value) for \(function) is out of the TIMESTAMP range")
        }
        return timestamp
    }
}
