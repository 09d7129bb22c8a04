extension FunctionLibrary {
    /// `CAST(from AS to)`: plain SQLite where its conversion is exactly BigQuery's, else
    /// `bq_cast(x, 'from', 'to')` (type codes: ``TypeCode``).
    static func castResolution(from: SQLType, to: SQLType, safe: Bool) -> FunctionResolution {
        if from == to { return .call(to) { $0[0] } }
        guard Casting.isAllowed(from, to) else {
            return .noMatch("Invalid cast from \(from) to \(to)")
        }
        switch (from, to) {
        case (.int64, .float64): return .call(to) { "CAST(\($0[0]) AS REAL)" }
        case (.int64, .string), (.int64, .numeric), (.int64, .bignumeric): return .call(to) { "CAST(\($0[0]) AS TEXT)" }
        case (.int64, .bool): return .call(to) { "(\($0[0]) <> 0)" }
        case (.bool, .int64): return .call(to) { "(\($0[0]))" }
        case (.string, .bytes): return .call(to) { "CAST(\($0[0]) AS BLOB)" }
        case (.date, .string), (.time, .string), (.numeric, .string), (.bignumeric, .string), (.numeric, .bignumeric):
            return .call(to) { "(\($0[0]))" }
        case (.date, .datetime): return .call(to) { Coercion.sql($0[0], .date, .datetime) }
        case (.datetime, .date): return .call(to) { "substr(\($0[0]), 1, 10)" }
        case (.datetime, .time): return .call(to) { "substr(\($0[0]), 12)" }
        case (.datetime, .string): return .call(to) { "replace(\($0[0]), 'T', ' ')" }
        case (.numeric, .float64), (.bignumeric, .float64): return .call(to) { "bq_decimal_to_float64(\($0[0]))" }
        case (.timestamp, .date):
            // The date in UTC: DATE(timestamp), with its fast path (NativeFastPaths).
            let fromCode = TypeCode.literal(from), toCode = TypeCode.literal(to)
            return .call(to) { sql in
                let general = call("cast", safe, [sql[0], fromCode, toCode])
                guard isColumnReference(sql[0]) else { return general }
                return "(CASE WHEN \(sql[0]) >= 0 THEN date(\(sql[0]) / 1000000, 'unixepoch') ELSE \(general) END)"
            }
        default:
            let fromCode = TypeCode.literal(from), toCode = TypeCode.literal(to)
            return .call(to) { call("cast", safe, [$0[0], fromCode, toCode]) }
        }
    }

    /// `EXTRACT(part FROM value [AT TIME ZONE zone])`.
    static func extractResolution(_ part: String, from type: SQLType, timeZone: Bool) -> FunctionResolution {
        let name = part.uppercased().filter { $0 != " " }
        let literal = quote(name)
        let result: SQLType
        switch name {
        case "DATE": result = .date
        case "TIME": result = .time
        case "DATETIME": result = .datetime
        default: result = .int64
        }
        let function: String
        switch type {
        case .date: function = "extract_date"
        case .datetime: function = "extract_datetime"
        case .time: function = "extract_time"
        case .timestamp: function = "extract_timestamp"
        default:
            return .noMatch("No matching signature for function EXTRACT for argument types: DATE_TIME_PART FROM \(type). "
                            + "Supported signatures: EXTRACT(DATE_TIME_PART FROM DATE); EXTRACT(DATE_TIME_PART FROM TIMESTAMP [AT TIME ZONE STRING]); "
                            + "EXTRACT(DATE_TIME_PART FROM DATETIME); EXTRACT(DATE_TIME_PART FROM TIME)")
        }
        if timeZone && type != .timestamp {
            return .noMatch("EXTRACT from \(type) does not support AT TIME ZONE")
        }
        switch (type, result) {
        case (.timestamp, _), (_, .int64): break
        case (.datetime, .date): return .call(.date) { "substr(\($0[0]), 1, 10)" }
        case (.datetime, .time): return .call(.time) { "substr(\($0[0]), 12)" }
        default: return .noMatch("EXTRACT from \(type) does not support the \(name) date part")
        }
        return .call(result) { sql in call(function, false, [literal] + sql) }
    }
}
