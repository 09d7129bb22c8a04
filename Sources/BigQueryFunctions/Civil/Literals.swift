/// Parsing of `DATE`, `TIME`, `DATETIME` and `TIMESTAMP` literals and of the strings
/// `CAST(… AS DATE/TIME/DATETIME/TIMESTAMP)` accepts (GoogleSQL's canonical formats).
enum CivilLiteral {
    struct Cursor {
        let bytes: [UInt8]
        var index = 0
        var atEnd: Bool { index >= bytes.count }
        var current: UInt8? { atEnd ? nil : bytes[index] }

        mutating func digits(min: Int, max: Int) -> Int64? {
            var value: Int64 = 0
            var count = 0
            while count < max, let c = current, c >= 0x30, c <= 0x39 {
                value = value * 10 + Int64(c - 0x30)
                index += 1
                count += 1
            }
            return count >= min ? value : nil
        }

        mutating func consume(_ character: Character) -> Bool {
            guard let c = current, c == character.asciiValue else { return false }
            index += 1
            return true
        }
    }

    static func trimmed(_ text: String) -> [UInt8] {
        Array(Conversions.stripASCIIWhitespace(ArraySlice(Array(text.utf8))))
    }

    /// `YYYY-[M]M-[D]D`.
    static func parseDateParts(_ cursor: inout Cursor, yearDigits: ClosedRange<Int> = 4...4) -> (Int64, Int64, Int64)? {
        guard let year = cursor.digits(min: yearDigits.lowerBound, max: yearDigits.upperBound), cursor.consume("-"),
              let month = cursor.digits(min: 1, max: 2), cursor.consume("-"),
              let day = cursor.digits(min: 1, max: 2) else { return nil }
        return (year, month, day)
    }

    /// `[H]H:[M]M:[S]S[.F…]` with at most 6 fractional digits; returns a leap-second flag.
    static func parseTimeParts(_ cursor: inout Cursor) -> (hour: Int64, minute: Int64, second: Int64, micros: Int64)? {
        guard let hour = cursor.digits(min: 1, max: 2), cursor.consume(":"),
              let minute = cursor.digits(min: 1, max: 2), cursor.consume(":"),
              let second = cursor.digits(min: 1, max: 2) else { return nil }
        var micros: Int64 = 0
        if cursor.consume(".") {
            let start = cursor.index
            guard let fraction = cursor.digits(min: 1, max: 9) else { return nil }
            let count = cursor.index - start
            guard count <= 6 else { return nil }
            micros = fraction
            for _ in count..<6 { micros *= 10 }
        }
        guard hour <= 23, minute <= 59, second <= 60 else { return nil }
        return (hour, minute, second, micros)
    }

    /// Builds a datetime, normalizing a leap second (`:60`) to the next minute with no fraction.
    static func makeDatetime(_ d: (Int64, Int64, Int64), _ t: (hour: Int64, minute: Int64, second: Int64, micros: Int64)) -> BQDatetime? {
        guard let date = BQDate(year: d.0, month: d.1, day: d.2) else { return nil }
        if t.second == 60 {
            guard let base = BQTime(hour: t.hour, minute: t.minute, second: 59) else { return nil }
            return BQDatetime(epochMicros: BQDatetime(date: date, time: base).epochMicros + CivilCalendar.microsPerSecond)
        }
        guard let time = BQTime(hour: t.hour, minute: t.minute, second: t.second, microsecond: t.micros) else { return nil }
        return BQDatetime(date: date, time: time)
    }

    static func date(_ text: String) throws -> BQDate {
        var cursor = Cursor(bytes: trimmed(text))
        guard let parts = parseDateParts(&cursor), cursor.atEnd,
              let date = BQDate(year: parts.0, month: parts.1, day: parts.2) else {
            throw BigQueryFunctionError("Invalid date: '\(text)'")
        }
        return date
    }

    static func time(_ text: String) throws -> BQTime {
        var cursor = Cursor(bytes: trimmed(text))
        guard let t = parseTimeParts(&cursor), cursor.atEnd else {
            throw BigQueryFunctionError("Invalid time: '\(text)'")
        }
        if t.second == 60 {
            guard let time = BQTime(microsOfDay: t.hour * CivilCalendar.microsPerHour + (t.minute + 1) * CivilCalendar.microsPerMinute) else {
                throw BigQueryFunctionError("Invalid time: '\(text)'")
            }
            return time
        }
        guard let time = BQTime(hour: t.hour, minute: t.minute, second: t.second, microsecond: t.micros) else {
            throw BigQueryFunctionError("Invalid time: '\(text)'")
        }
        return time
    }

    static func datetime(_ text: String) throws -> BQDatetime {
        var invalid: BigQueryFunctionError { BigQueryFunctionError("Invalid datetime: '\(text)'") }  // built only when thrown
        var cursor = Cursor(bytes: trimmed(text))
        guard let d = parseDateParts(&cursor) else { throw invalid }
        if cursor.atEnd {
            guard let date = BQDate(year: d.0, month: d.1, day: d.2) else { throw invalid }
            return BQDatetime(date: date, time: BQTime(uncheckedMicros: 0))
        }
        guard cursor.consume(" ") || cursor.consume("T") || cursor.consume("t"),
              let t = parseTimeParts(&cursor), cursor.atEnd,
              let datetime = makeDatetime(d, t) else { throw invalid }
        return datetime
    }

    /// `YYYY-[M]M-[D]D[( |T|t)[H]H:[M]M:[S]S[.F]][time zone]` where the zone is `Z`/`z`,
    /// `±H[H][[:]MM]`, ` UTC`, or a space and a zone name; without a zone `defaultZone` applies.
    static func timestamp(_ text: String, defaultZone: BQTimeZone) throws -> BQTimestamp {
        var invalid: BigQueryFunctionError { BigQueryFunctionError("Invalid timestamp: '\(text)'") }  // built only when thrown
        let bytes = trimmed(text)
        var cursor = Cursor(bytes: bytes)
        guard let d = parseDateParts(&cursor, yearDigits: 4...5) else { throw invalid }
        var t: (hour: Int64, minute: Int64, second: Int64, micros: Int64) = (0, 0, 0, 0)
        var zone = defaultZone
        if !cursor.atEnd {
            guard cursor.consume(" ") || cursor.consume("T") || cursor.consume("t"), !cursor.atEnd else { throw invalid }
            if let c = cursor.current, c >= 0x30, c <= 0x39 {
                guard let parsed = parseTimeParts(&cursor) else { throw invalid }
                t = parsed
            } else if cursor.current != UInt8(ascii: "+") && cursor.current != UInt8(ascii: "-") {
                throw invalid
            }
            if cursor.index == bytes.endIndex - 1, bytes[cursor.index] | 0x20 == UInt8(ascii: "z") {
                zone = .utc  // the common RFC 3339 `Z`, without building a string
            } else if !cursor.atEnd {
                var rest = String(decoding: bytes[cursor.index...], as: UTF8.self)
                if rest.hasPrefix(" UTC") {
                    rest = String(rest.dropFirst(4))
                    if rest.isEmpty { rest = "UTC" }
                }
                if rest == "Z" || rest == "z" {
                    zone = .utc
                } else if rest.hasPrefix("+") || rest.hasPrefix("-") || rest == "UTC" {
                    guard let parsed = try? BQTimeZone(parsing: rest) else { throw invalid }
                    zone = parsed
                } else {
                    guard rest.hasPrefix(" "), rest.count >= 2 else { throw invalid }
                    let name = String(rest.dropFirst())
                    guard !name.hasPrefix("+"), !name.hasPrefix("-") else { throw invalid }
                    zone = try BQTimeZone(parsing: name)
                }
            }
        }
        guard let datetime = makeDatetime(d, t), let timestamp = BQTimestamp(datetime, in: zone) else { throw invalid }
        return timestamp
    }
}

extension Conversions {
    /// `CAST(STRING AS DATE)`: `YYYY-[M]M-[D]D`.
    public static func castToDate(_ value: String?) throws -> BQDate? {
        try value.map(CivilLiteral.date)
    }

    /// `CAST(STRING AS TIME)`: `[H]H:[M]M:[S]S[.F]` (up to 6 fractional digits).
    public static func castToTime(_ value: String?) throws -> BQTime? {
        try value.map(CivilLiteral.time)
    }

    /// `CAST(STRING AS DATETIME)`: `YYYY-[M]M-[D]D[( |T)[H]H:[M]M:[S]S[.F]]`.
    public static func castToDatetime(_ value: String?) throws -> BQDatetime? {
        try value.map(CivilLiteral.datetime)
    }

    /// `CAST(STRING AS TIMESTAMP)`, or a `TIMESTAMP` literal: an optional zone in the string
    /// (`Z`, `+05:30`, ` UTC`, …) wins over `zone` (default UTC).
    public static func castToTimestamp(_ value: String?, zone: BQTimeZone = .utc) throws -> BQTimestamp? {
        try value.map { try CivilLiteral.timestamp($0, defaultZone: zone) }
    }

    public static func safeCastToDate(_ value: String?) -> BQDate? { try? castToDate(value) }
    public static func safeCastToTime(_ value: String?) -> BQTime? { try? castToTime(value) }
    public static func safeCastToDatetime(_ value: String?) -> BQDatetime? { try? castToDatetime(value) }
    public static func safeCastToTimestamp(_ value: String?, zone: BQTimeZone = .utc) -> BQTimestamp? {
        try? castToTimestamp(value, zone: zone)
    }

    /// `CAST(DATE AS STRING)` and friends: the canonical forms (`TIMESTAMP` in `zone`, default UTC).
    public static func castToString(_ value: BQDate?) -> String? { value?.description }
    public static func castToString(_ value: BQTime?) -> String? { value?.description }
    public static func castToString(_ value: BQDatetime?) -> String? { value?.description }
    public static func castToString(_ value: BQTimestamp?, zone: BQTimeZone = .utc) -> String? {
        value?.description(in: zone)
    }
}
