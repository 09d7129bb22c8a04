extension FunctionLibrary {
    // Functions whose common cases are SQLite's own code, where that is exactly BigQuery's answer:
    // a Swift `bq_*` call costs far more per row than SQLite's built-in arithmetic and date().

    /// `DATE(timestamp [, zone])`. In UTC, a column's non-negative micros are SQLite's own
    /// `date(seconds, 'unixepoch')` (exact from 1970 to 9999); anything else is
    /// `bq_date_from_timestamp`.
    @Sendable static func dateFromTimestamp(_ arguments: [String], _ safe: Bool) -> String {
        let general = call("date_from_timestamp", safe, arguments)
        guard arguments.count == 1, isColumnReference(arguments[0]) else { return general }
        let micros = arguments[0]
        return "(CASE WHEN \(micros) >= 0 THEN date(\(micros) / 1000000, 'unixepoch') ELSE \(general) END)"
    }

    /// `TIMESTAMP_TRUNC(timestamp, part [, zone])`. In UTC, a column's non-negative micros cut to
    /// a fixed-length part (DAY and shorter) are integer arithmetic; anything else is
    /// `bq_timestamp_trunc`.
    @Sendable static func timestampTrunc(_ arguments: [String], _ safe: Bool) -> String {
        let general = call("timestamp_trunc", safe, arguments)
        let units: [String: Int64] = [
            "'MICROSECOND'": 1, "'MILLISECOND'": 1000, "'SECOND'": 1_000_000, "'MINUTE'": 60_000_000, "'HOUR'": 3_600_000_000,
            "'DAY'": 86_400_000_000,
        ]
        guard arguments.count == 2, isColumnReference(arguments[0]), let unit = units[arguments[1]] else { return general }
        let micros = arguments[0]
        if unit == 1 { return micros }
        return "(CASE WHEN \(micros) >= 0 THEN \(micros) - \(micros) % \(unit) ELSE \(general) END)"
    }

    /// `DATE_TRUNC(date, part)`: DAY, MONTH and YEAR of the `YYYY-MM-DD` text are text operations;
    /// other parts are `bq_date_trunc`.
    @Sendable static func dateTrunc(_ arguments: [String], _ safe: Bool) -> String {
        guard arguments.count == 2 else { return call("date_trunc", safe, arguments) }
        switch arguments[1] {
        case "'DAY'": return "(\(arguments[0]))"
        case "'MONTH'": return "(substr(\(arguments[0]), 1, 8) || '01')"
        case "'YEAR'": return "(substr(\(arguments[0]), 1, 5) || '01-01')"
        default: return call("date_trunc", safe, arguments)
        }
    }

    /// Whether `sql` is a column read (`t1.c0`, `merge_target."name"`): cheap to evaluate twice.
    static func isColumnReference(_ sql: String) -> Bool {
        let parts = sql.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        func isName(_ part: Substring) -> Bool {
            if part.count >= 2, part.first == "\"", part.last == "\"" { return !part.dropFirst().dropLast().contains("\"") }
            guard let first = part.first, first.isASCII, first.isLetter || first == "_" else { return false }
            return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
        }
        return isName(parts[0]) && isName(parts[1])
    }
}
