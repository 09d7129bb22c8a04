import BigQueryFunctions
import TerraceJSON
import TerraceSQLite

extension FunctionLibrary.Runtime {
    /// DATE, DATETIME, TIME and TIMESTAMP functions. Date parts arrive as SQL text (`'MONTH'`,
    /// `'WEEK(MONDAY)'`), time zones as STRING values.
    static let dateFunctions: [F] = [
        // MARK: Constructors

        F("date_ymd") { a in O.date(try DateFunctions.date(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]), try A.int64(a[bq: 2]))) },
        F("date_from_datetime") { a in O.date(DateFunctions.date(try A.datetime(a[bq: 0]))) },
        F("date_from_timestamp") { a in
            guard let timestamp = try A.timestamp(a[bq: 0]) else { return .null }
            if a.count > 1 {
                guard let zone = try A.zone(a[1]) else { return .null }
                return O.date(DateFunctions.date(timestamp, zone: zone))
            }
            return O.date(DateFunctions.date(timestamp))
        },
        F("datetime_parts") { a in
            O.datetime(try DatetimeFunctions.datetime(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]), try A.int64(a[bq: 2]),
                                                      try A.int64(a[bq: 3]), try A.int64(a[bq: 4]), try A.int64(a[bq: 5])))
        },
        F("datetime_from_date") { a in
            a.count < 2 ? O.datetime(DatetimeFunctions.datetime(try A.date(a[bq: 0])))
                : O.datetime(DatetimeFunctions.datetime(try A.date(a[bq: 0]), try A.time(a[bq: 1])))
        },
        F("datetime_from_timestamp") { a in
            guard let timestamp = try A.timestamp(a[bq: 0]) else { return .null }
            if a.count > 1 {
                guard let zone = try A.zone(a[1]) else { return .null }
                return O.datetime(DatetimeFunctions.datetime(timestamp, zone: zone))
            }
            return O.datetime(DatetimeFunctions.datetime(timestamp))
        },
        F("time_hms") { a in O.time(try TimeFunctions.time(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]), try A.int64(a[bq: 2]))) },
        F("time_from_datetime") { a in O.time(try A.datetime(a[bq: 0])?.time) },
        F("time_from_timestamp") { a in
            guard let timestamp = try A.timestamp(a[bq: 0]) else { return .null }
            if a.count > 1 {
                guard let zone = try A.zone(a[1]) else { return .null }
                return O.time(TimeFunctions.time(timestamp, zone: zone))
            }
            return O.time(TimeFunctions.time(timestamp))
        },
        F("timestamp_from_string") { a in
            guard let text = A.string(a[bq: 0]) else { return .null }
            if a.count > 1 {
                guard let zone = try A.zone(a[1]) else { return .null }
                return O.timestamp(try TimestampFunctions.timestamp(text, zone: zone))
            }
            return O.timestamp(try TimestampFunctions.timestamp(text))
        },
        F("timestamp_from_date") { a in
            guard let date = try A.date(a[bq: 0]) else { return .null }
            if a.count > 1 {
                guard let zone = try A.zone(a[1]) else { return .null }
                return O.timestamp(try TimestampFunctions.timestamp(date, zone: zone))
            }
            return O.timestamp(try TimestampFunctions.timestamp(date))
        },
        F("timestamp_from_datetime") { a in
            guard let datetime = try A.datetime(a[bq: 0]) else { return .null }
            if a.count > 1 {
                guard let zone = try A.zone(a[1]) else { return .null }
                return O.timestamp(try TimestampFunctions.timestamp(datetime, zone: zone))
            }
            return O.timestamp(try TimestampFunctions.timestamp(datetime))
        },
        F("string_from_timestamp") { a in
            guard let timestamp = try A.timestamp(a[bq: 0]) else { return .null }
            if a.count > 1 {
                guard let zone = try A.zone(a[1]) else { return .null }
                return O.string(TimestampFunctions.string(timestamp, zone: zone))
            }
            return O.string(TimestampFunctions.string(timestamp))
        },

        // MARK: Current time (from bq_now())

        F("current_date") { a in
            guard let micros = try A.int64(a[bq: 0]), let now = BQTimestamp(unixMicros: micros) else { return .null }
            let zone = a.count > 1 ? try A.zone(a[1]) : .utc
            guard let zone else { return .null }
            return O.date(now.datetime(in: zone).date)
        },
        F("current_datetime") { a in
            guard let micros = try A.int64(a[bq: 0]), let now = BQTimestamp(unixMicros: micros) else { return .null }
            let zone = a.count > 1 ? try A.zone(a[1]) : .utc
            guard let zone else { return .null }
            return O.datetime(now.datetime(in: zone))
        },
        F("current_time") { a in
            guard let micros = try A.int64(a[bq: 0]), let now = BQTimestamp(unixMicros: micros) else { return .null }
            let zone = a.count > 1 ? try A.zone(a[1]) : .utc
            guard let zone else { return .null }
            return O.time(now.datetime(in: zone).time)
        },

        // MARK: Arithmetic

        F("date_add") { a in O.date(try DateFunctions.add(try A.date(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("date_sub") { a in O.date(try DateFunctions.sub(try A.date(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("date_diff") { a in O.int(try DateFunctions.diff(try A.date(a[bq: 0]), try A.date(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("date_trunc") { a in O.date(try DateFunctions.trunc(try A.date(a[bq: 0]), try A.part(a[bq: 1]))) },
        F("datetime_add") { a in O.datetime(try DatetimeFunctions.add(try A.datetime(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("datetime_sub") { a in O.datetime(try DatetimeFunctions.sub(try A.datetime(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("datetime_diff") { a in O.int(try DatetimeFunctions.diff(try A.datetime(a[bq: 0]), try A.datetime(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("datetime_trunc") { a in O.datetime(try DatetimeFunctions.trunc(try A.datetime(a[bq: 0]), try A.part(a[bq: 1]))) },
        F("timestamp_add") { a in O.timestamp(try TimestampFunctions.add(try A.timestamp(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("timestamp_sub") { a in O.timestamp(try TimestampFunctions.sub(try A.timestamp(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("timestamp_diff") { a in O.int(try TimestampFunctions.diff(try A.timestamp(a[bq: 0]), try A.timestamp(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("timestamp_trunc") { a in
            guard let timestamp = try A.timestamp(a[bq: 0]) else { return .null }
            let part = try A.part(a[bq: 1])
            if a.count > 2 {
                guard let zone = try A.zone(a[2]) else { return .null }
                return O.timestamp(try TimestampFunctions.trunc(timestamp, part, zone: zone))
            }
            return O.timestamp(try TimestampFunctions.trunc(timestamp, part))
        },
        F("time_add") { a in O.time(try TimeFunctions.add(try A.time(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("time_sub") { a in O.time(try TimeFunctions.sub(try A.time(a[bq: 0]), try A.int64(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("time_diff") { a in O.int(try TimeFunctions.diff(try A.time(a[bq: 0]), try A.time(a[bq: 1]), try A.part(a[bq: 2]))) },
        F("time_trunc") { a in O.time(try TimeFunctions.trunc(try A.time(a[bq: 0]), try A.part(a[bq: 1]))) },
        F("last_day_date") { a in
            a.count < 2 ? O.date(try DateFunctions.lastDay(try A.date(a[bq: 0])))
                : O.date(try DateFunctions.lastDay(try A.date(a[bq: 0]), try A.part(a[bq: 1])))
        },
        F("last_day_datetime") { a in
            a.count < 2 ? O.date(try DatetimeFunctions.lastDay(try A.datetime(a[bq: 0])))
                : O.date(try DatetimeFunctions.lastDay(try A.datetime(a[bq: 0]), try A.part(a[bq: 1])))
        },

        // MARK: EXTRACT

        F("extract_date") { a in O.int(try DateFunctions.extract(try A.part(a[bq: 0]), from: try A.date(a[bq: 1]))) },
        F("extract_datetime") { a in O.int(try DatetimeFunctions.extract(try A.part(a[bq: 0]), from: try A.datetime(a[bq: 1]))) },
        F("extract_time") { a in O.int(try TimeFunctions.extract(try A.part(a[bq: 0]), from: try A.time(a[bq: 1]))) },
        F("extract_timestamp") { a in
            let part = try A.part(a[bq: 0])
            guard let timestamp = try A.timestamp(a[bq: 1]) else { return .null }
            let zone = a.count > 2 ? try A.zone(a[2]) : .utc
            guard let zone else { return .null }
            switch part {
            case .date: return O.date(TimestampFunctions.extractDate(from: timestamp, zone: zone))
            case .time: return O.time(TimestampFunctions.extractTime(from: timestamp, zone: zone))
            case .datetime: return O.datetime(TimestampFunctions.extractDatetime(from: timestamp, zone: zone))
            default: return O.int(try TimestampFunctions.extract(part, from: timestamp, zone: zone))
            }
        },

        // MARK: Formatting and parsing

        F("format_date") { a in O.string(try DateFunctions.format(A.string(a[bq: 0]), try A.date(a[bq: 1]))) },
        F("format_datetime") { a in O.string(try DatetimeFunctions.format(A.string(a[bq: 0]), try A.datetime(a[bq: 1]))) },
        F("format_time") { a in O.string(try TimeFunctions.format(A.string(a[bq: 0]), try A.time(a[bq: 1]))) },
        F("format_timestamp") { a in
            guard let format = A.string(a[bq: 0]), let timestamp = try A.timestamp(a[bq: 1]) else { return .null }
            if a.count > 2 {
                guard let zone = try A.zone(a[2]) else { return .null }
                return O.string(try TimestampFunctions.format(format, timestamp, zone: zone))
            }
            return O.string(try TimestampFunctions.format(format, timestamp))
        },
        F("parse_date") { a in O.date(try DateFunctions.parse(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("parse_datetime") { a in O.datetime(try DatetimeFunctions.parse(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("parse_time") { a in O.time(try TimeFunctions.parse(A.string(a[bq: 0]), A.string(a[bq: 1]))) },
        F("parse_timestamp") { a in
            guard let format = A.string(a[bq: 0]), let text = A.string(a[bq: 1]) else { return .null }
            if a.count > 2 {
                guard let zone = try A.zone(a[2]) else { return .null }
                return O.timestamp(try TimestampFunctions.parse(format, text, zone: zone))
            }
            return O.timestamp(try TimestampFunctions.parse(format, text))
        },

        // MARK: Unix epochs

        F("unix_date") { a in O.int(DateFunctions.unixDate(try A.date(a[bq: 0]))) },
        F("unix_seconds") { a in O.int(TimestampFunctions.unixSeconds(try A.timestamp(a[bq: 0]))) },
        F("unix_millis") { a in O.int(TimestampFunctions.unixMillis(try A.timestamp(a[bq: 0]))) },
        F("unix_micros") { a in O.int(TimestampFunctions.unixMicros(try A.timestamp(a[bq: 0]))) },
        F("timestamp_seconds") { a in O.timestamp(try TimestampFunctions.timestampSeconds(try A.int64(a[bq: 0]))) },
        F("timestamp_millis") { a in O.timestamp(try TimestampFunctions.timestampMillis(try A.int64(a[bq: 0]))) },
        F("timestamp_micros") { a in O.timestamp(try TimestampFunctions.timestampMicros(try A.int64(a[bq: 0]))) },
        F("date_from_unix_date") { a in O.date(try DateFunctions.dateFromUnixDate(try A.int64(a[bq: 0]))) },
        F("generate_date_array") { a in
            guard let start = try A.date(a[bq: 0]), let end = try A.date(a[bq: 1]) else { return .null }
            let dates: [BQDate]?
            if a.count > 3 {
                dates = try DateFunctions.generateDateArray(start, end, step: try A.int64(a[2]), try A.part(a[3]))
            } else {
                dates = try DateFunctions.generateDateArray(start, end)
            }
            return O.array(dates?.map { JSON.string($0.description) })
        },
    ]
}
