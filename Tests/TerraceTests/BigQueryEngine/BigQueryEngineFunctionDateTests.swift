import BigQueryEngine
import Foundation
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionDateTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date
    @Test func dateFromParts() throws {
        #expect(try h.evaluate("DATE", [.int64, .int64, .int64], ["2016", "12", "25"]) == .text("2016-12-25"))
    }

    @Test func dateFromATimestampInAZone() throws {
        // 2016-12-25 05:30:00+07 is 2016-12-24 at -08:00.
        #expect(try h.evaluate("DATE", [.timestamp, .string], ["1482618600000000", "'-08'"]) == .text("2016-12-24"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_add
    @Test func dateAddDays() throws {
        #expect(try h.evaluate("DATE_ADD", [.date, .int64, .string], ["'2008-12-25'", "5", "'DAY'"]) == .text("2008-12-30"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_add
    // ("If the resulting month has fewer days than the original date's day, then the resulting
    // date is the last date of that month.")
    @Test func dateAddMonthClampsToTheMonthEnd() throws {
        #expect(try h.evaluate("DATE_ADD", [.date, .int64, .string], ["'2024-01-31'", "1", "'MONTH'"]) == .text("2024-02-29"))
        #expect(try h.evaluate("DATE_ADD", [.date, .int64, .string], ["'2023-01-31'", "1", "'MONTH'"]) == .text("2023-02-28"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_sub
    @Test func dateSubDays() throws {
        #expect(try h.evaluate("DATE_SUB", [.date, .int64, .string], ["'2008-12-25'", "5", "'DAY'"]) == .text("2008-12-20"))
    }

    @Test func dateAddRejectsTimeParts() {
        #expect(h.failure { try h.evaluate("DATE_ADD", [.date, .int64, .string], ["'2008-12-25'", "5", "'HOUR'"]) }
            == "Unsupported date part HOUR for DATE_ADD")
    }

    @Test func dateAddWithANullAmountIsNull() throws {
        #expect(try h.evaluate("DATE_ADD", [.date, .int64, .string], ["'2008-12-25'", "NULL", "'DAY'"]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff
    @Test func dateDiffInDays() throws {
        #expect(try h.evaluate("DATE_DIFF", [.date, .date, .string], ["'2010-07-07'", "'2008-12-25'", "'DAY'"]) == .int(559))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff
    // (2017-10-15 is a Sunday: one WEEK boundary after 2017-10-14)
    @Test func dateDiffCountsWeekBoundaries() throws {
        #expect(try h.evaluate("DATE_DIFF", [.date, .date, .string], ["'2017-10-15'", "'2017-10-14'", "'WEEK'"]) == .int(1))
        #expect(try h.evaluate("DATE_DIFF", [.date, .date, .string], ["'2017-10-15'", "'2017-10-14'", "'DAY'"]) == .int(1))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_trunc
    @Test func dateTrunc() throws {
        #expect(try h.evaluate("DATE_TRUNC", [.date, .string], ["'2008-12-25'", "'MONTH'"]) == .text("2008-12-01"))
        #expect(try h.evaluate("DATE_TRUNC", [.date, .string], ["'2017-11-05'", "'WEEK(MONDAY)'"]) == .text("2017-10-30"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#last_day
    @Test func lastDay() throws {
        #expect(try h.evaluate("LAST_DAY", [.date], ["'2008-11-25'"]) == .text("2008-11-30"))
        #expect(try h.evaluate("LAST_DAY", [.date, .string], ["'2008-11-10'", "'WEEK(MONDAY)'"]) == .text("2008-11-16"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#format_date
    @Test func formatDate() throws {
        #expect(try h.evaluate("FORMAT_DATE", [.string, .date], ["'%x'", "'2008-12-25'"]) == .text("12/25/08"))
        #expect(try h.evaluate("FORMAT_DATE", [.string, .date], ["'%b-%d-%Y'", "'2008-12-25'"]) == .text("Dec-25-2008"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#parse_date
    @Test func parseDate() throws {
        #expect(try h.evaluate("PARSE_DATE", [.string, .string], ["'%Y%m%d'", "'20081225'"]) == .text("2008-12-25"))
        #expect(try h.evaluate("PARSE_DATE", [.string, .string], ["'%A %b %e %Y'", "'Thursday Dec 25 2008'"]) == .text("2008-12-25"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#unix_date
    @Test func unixDateRoundTrips() throws {
        #expect(try h.evaluate("UNIX_DATE", [.date], ["'2008-12-25'"]) == .int(14238))
        #expect(try h.evaluate("DATE_FROM_UNIX_DATE", [.int64], ["14238"]) == .text("2008-12-25"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_seconds
    @Test func timestampSecondsAndUnixSeconds() throws {
        #expect(try h.evaluate("TIMESTAMP_SECONDS", [.int64], ["1230219000"]) == .int(1_230_219_000_000_000))
        #expect(try h.evaluate("UNIX_SECONDS", [.timestamp], ["1230219000000000"]) == .int(1_230_219_000))
        #expect(try h.evaluate("UNIX_MILLIS", [.timestamp], ["1230219000000000"]) == .int(1_230_219_000_000))
        #expect(try h.evaluate("UNIX_MICROS", [.timestamp], ["1230219000000000"]) == .int(1_230_219_000_000_000))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_diff
    // (TIMESTAMP_DIFF('2010-07-07 10:20:00+00', '2008-12-25 15:30:00+00', HOUR) is 13410)
    @Test func timestampDiffInHours() throws {
        #expect(try h.evaluate("TIMESTAMP_DIFF", [.timestamp, .timestamp, .string], ["1278498000000000", "1230219000000000", "'HOUR'"]) == .int(13410))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_add
    @Test func timestampAddMinutes() throws {
        #expect(try h.evaluate("TIMESTAMP_ADD", [.timestamp, .int64, .string], ["1230219000000000", "10", "'MINUTE'"]) == .int(1_230_219_600_000_000))
    }

    @Test func timestampTruncToTheDay() throws {
        #expect(try h.evaluate("TIMESTAMP_TRUNC", [.timestamp, .string], ["1230219000000000", "'DAY'"]) == .int(1_230_163_200_000_000))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_add
    @Test func datetimeAddKeepsTheStoredForm() throws {
        #expect(try h.evaluate("DATETIME_ADD", [.datetime, .int64, .string], ["'2008-12-25T15:30:00'", "10", "'MINUTE'"]) == .text("2008-12-25T15:40:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_diff
    @Test func datetimeDiffCountsBoundaries() throws {
        #expect(try h.evaluate("DATETIME_DIFF", [.datetime, .datetime, .string], ["'2001-02-01T01:00:00'", "'2001-02-01T00:59:59'", "'HOUR'"]) == .int(1))
    }

    @Test func datetimeTrunc() throws {
        #expect(try h.evaluate("DATETIME_TRUNC", [.datetime, .string], ["'2008-12-25T15:30:00'", "'DAY'"]) == .text("2008-12-25T00:00:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#time_add
    @Test func timeAddWrapsAroundMidnight() throws {
        #expect(try h.evaluate("TIME_ADD", [.time, .int64, .string], ["'15:30:00'", "10", "'MINUTE'"]) == .text("15:40:00"))
        #expect(try h.evaluate("TIME_ADD", [.time, .int64, .string], ["'23:30:00'", "1", "'HOUR'"]) == .text("00:30:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#time_diff
    @Test func timeDiff() throws {
        #expect(try h.evaluate("TIME_DIFF", [.time, .time, .string], ["'15:30:00'", "'14:35:00'", "'MINUTE'"]) == .int(55))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#format_timestamp
    @Test func formatTimestamp() throws {
        #expect(try h.evaluate("FORMAT_TIMESTAMP", [.string, .timestamp, .string], ["'%c'", "2555595055000000", "'UTC'"]) == .text("Sun Dec 25 15:30:55 2050"))
    }

    @Test func parseTimestampAndDatetime() throws {
        #expect(try h.evaluate("PARSE_TIMESTAMP", [.string, .string], ["'%Y-%m-%d %H:%M:%S'", "'2008-12-25 15:30:00'"]) == .int(1_230_219_000_000_000))
        #expect(try h.evaluate("PARSE_DATETIME", [.string, .string], ["'%Y-%m-%d %H:%M:%S'", "'2008-12-25 15:30:00'"]) == .text("2008-12-25T15:30:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#generate_date_array
    @Test func generateDateArray() throws {
        #expect(try h.evaluate("GENERATE_DATE_ARRAY", [.date, .date], ["'2016-10-05'", "'2016-10-08'"])
            == .text(#"["2016-10-05","2016-10-06","2016-10-07","2016-10-08"]"#))
        #expect(try h.evaluate("GENERATE_DATE_ARRAY", [.date, .date, .int64, .string], ["'2016-10-05'", "'2016-10-09'", "2", "'DAY'"])
            == .text(#"["2016-10-05","2016-10-07","2016-10-09"]"#))
    }

    @Test func constructorsOfDatetimeTimeAndTimestamp() throws {
        #expect(try h.evaluate("DATETIME", [.int64, .int64, .int64, .int64, .int64, .int64], ["2008", "12", "25", "5", "30", "0"]) == .text("2008-12-25T05:30:00"))
        #expect(try h.evaluate("DATETIME", [.date, .time], ["'2008-12-25'", "'05:30:00'"]) == .text("2008-12-25T05:30:00"))
        #expect(try h.evaluate("TIME", [.int64, .int64, .int64], ["15", "30", "0"]) == .text("15:30:00"))
        #expect(try h.evaluate("TIMESTAMP", [.string], ["'2008-12-25 15:30:00+00'"]) == .int(1_230_219_000_000_000))
        #expect(try h.evaluate("TIMESTAMP", [.datetime, .string], ["'2008-12-25T15:30:00'", "'+01'"]) == .int(1_230_215_400_000_000))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#extract
    @Test func extractParts() throws {
        let (_, day) = try h.sql(FunctionLibrary.extract("DAY", from: .date), ["'2013-12-25'"])
        #expect(try h.select(day) == .int(25))
        let (type, date) = try h.sql(FunctionLibrary.extract("DATE", from: .timestamp), ["1230219000000000"])
        #expect(type == .date)
        #expect(try h.select(date) == .text("2008-12-25"))
    }

    @Test func unknownDatePartErrors() {
        #expect(h.failure { try h.evaluate("DATE_TRUNC", [.date, .string], ["'2008-12-25'", "'FORTNIGHT'"]) }
            == "A valid date part name is required but found FORTNIGHT")
    }

    @Test func datePartLiterals() {
        #expect(FunctionLibrary.datePartLiteral("week", weekday: "monday") == "'WEEK(MONDAY)'")
        #expect(FunctionLibrary.datePartLiteral("MONTH") == "'MONTH'")
        #expect(FunctionLibrary.datePartLiteral("FORTNIGHT") == nil)
        #expect(FunctionLibrary.datePartArgumentIndex("DATE_DIFF") == 2)
    }

    // The clock is injected: CURRENT_* read it.
    @Test func currentDateAndTimeComeFromTheInjectedClock() throws {
        #expect(try h.evaluate("CURRENT_TIMESTAMP", [], []) == .int(BigQueryEngineFunctionHarness.fixedNow))
        #expect(try h.evaluate("CURRENT_DATE", [], []) == .text("2023-11-14"))
        #expect(try h.evaluate("CURRENT_DATE", [.string], ["'+05:00'"]) == .text("2023-11-15"))
        #expect(try h.evaluate("CURRENT_DATETIME", [], []) == .text("2023-11-14T22:13:20.123456"))
        #expect(try h.evaluate("CURRENT_TIME", [], []) == .text("22:13:20.123456"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#current_timestamp
    // (the value is the same for every row of a statement)
    @Test func currentTimestampIsOnePerStatement() throws {
        let ticks = BigQueryEngineFunctionTicks()
        let h = try BigQueryEngineFunctionHarness(now: { ticks.next() })
        let (_, now) = try h.sql(FunctionLibrary.function("CURRENT_TIMESTAMP", arguments: [], safe: false), [])
        let sql = "SELECT \(now) FROM (SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3)"
        let first = try h.db.query(sql).map { $0[0] }
        #expect(Set(first).count == 1)
        let second = try h.db.query(sql).map { $0[0] }
        #expect(Set(second).count == 1)
        #expect(first[0] != second[0])
    }
}

/// A clock that advances one microsecond per reading.
final class BigQueryEngineFunctionTicks: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int64 = 1_700_000_000_000_000

    func next() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
