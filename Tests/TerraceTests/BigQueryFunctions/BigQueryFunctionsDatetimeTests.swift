import BigQueryFunctions
import Testing

struct BigQueryFunctionsDatetimeTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#datetime_type
    @Test func datetimeLiteralFormsAreCanonicalized() {
        #expect(BQFixture.datetime("2008-12-25").description == "2008-12-25 00:00:00")
        #expect(BQFixture.datetime("2008-12-25T15:30:00.5").description == "2008-12-25 15:30:00.500")
        #expect(BQFixture.datetime("2016-05-19 10:38:47.046465").description == "2016-05-19 10:38:47.046465")
    }

    @Test func datetimeRejectsMoreThanSixFractionalDigits() {
        #expect(Conversions.safeCastToDatetime("2008-12-25 15:30:00.1234567") == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime
    @Test func datetimeConstructors() throws {
        #expect(try DatetimeFunctions.datetime(2008, 12, 25, 5, 30, 0) == BQFixture.datetime("2008-12-25 05:30:00"))
        #expect(DatetimeFunctions.datetime(BQFixture.timestamp("2008-12-25 05:30:00+00"), zone: BQFixture.zone("-08")) == BQFixture.datetime("2008-12-24 21:30:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_add
    @Test func datetimeAddMinutes() throws {
        #expect(try DatetimeFunctions.add(BQFixture.datetime("2008-12-25 15:30:00"), 10, .minute) == BQFixture.datetime("2008-12-25 15:40:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_add
    @Test func datetimeAddMonthClampsAndKeepsTheTime() throws {
        #expect(try DatetimeFunctions.add(BQFixture.datetime("2024-01-31 09:30:00"), 1, .month) == BQFixture.datetime("2024-02-29 09:30:00"))
    }

    @Test func datetimeAddHoursCrossesDays() throws {
        #expect(try DatetimeFunctions.add(BQFixture.datetime("2008-12-31 23:00:00"), 2, .hour) == BQFixture.datetime("2009-01-01 01:00:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_sub
    @Test func datetimeSubMinutes() throws {
        #expect(try DatetimeFunctions.sub(BQFixture.datetime("2008-12-25 15:30:00"), 10, .minute) == BQFixture.datetime("2008-12-25 15:20:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_diff
    @Test func datetimeDiffInDaysCountsDateBoundaries() throws {
        #expect(try DatetimeFunctions.diff(BQFixture.datetime("2010-07-07 10:20:00"), BQFixture.datetime("2008-12-25 15:30:00"), .day) == 559)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_diff
    @Test func datetimeDiffWeeks() throws {
        #expect(try DatetimeFunctions.diff(BQFixture.datetime("2017-10-15 00:00:00"), BQFixture.datetime("2017-10-14 00:00:00"), .week) == 1)
        #expect(try DatetimeFunctions.diff(BQFixture.datetime("2017-12-18"), BQFixture.datetime("2017-12-17"), .weekStarting(.monday)) == 1)
        #expect(try DatetimeFunctions.diff(BQFixture.datetime("2017-12-30 00:00:00"), BQFixture.datetime("2014-12-30 00:00:00"), .isoYear) == 2)
    }

    @Test func datetimeDiffCountsHourBoundaries() throws {
        #expect(try DatetimeFunctions.diff(BQFixture.datetime("2001-02-01 01:00:00"), BQFixture.datetime("2001-02-01 00:59:59"), .hour) == 1)
        #expect(try DatetimeFunctions.diff(BQFixture.datetime("2001-02-01 00:59:59"), BQFixture.datetime("2001-02-01 00:00:00"), .hour) == 0)
        #expect(try DatetimeFunctions.diff(BQFixture.datetime("2001-02-02 01:00:00"), BQFixture.datetime("2001-02-01 00:59:59"), .hour) == 25)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_trunc
    @Test func datetimeTruncToDay() throws {
        #expect(try DatetimeFunctions.trunc(BQFixture.datetime("2008-12-25 15:30:00"), .day) == BQFixture.datetime("2008-12-25 00:00:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#datetime_trunc
    @Test func datetimeTruncToWeekMondayAndIsoYear() throws {
        #expect(try DatetimeFunctions.trunc(BQFixture.datetime("2017-11-05 00:00:00"), .weekStarting(.monday)) == BQFixture.datetime("2017-10-30 00:00:00"))
        #expect(try DatetimeFunctions.trunc(BQFixture.datetime("2015-06-15 00:00:00"), .isoYear) == BQFixture.datetime("2014-12-29 00:00:00"))
    }

    @Test func datetimeTruncToTimeParts() throws {
        let value = BQFixture.datetime("2016-11-02 12:34:56.456789")
        #expect(try DatetimeFunctions.trunc(value, .minute) == BQFixture.datetime("2016-11-02 12:34:00"))
        #expect(try DatetimeFunctions.trunc(value, .millisecond) == BQFixture.datetime("2016-11-02 12:34:56.456"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#extract
    @Test func extractHourFromDatetime() throws {
        #expect(try DatetimeFunctions.extract(.hour, from: BQFixture.datetime("2008-12-25 15:30:00")) == 15)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#extract
    @Test func extractIsoPartsFromDatetimes() throws {
        let rows: [(String, Int64, Int64, Int64, Int64)] = [
            ("2005-01-03 12:34:56", 2005, 1, 2005, 1), ("2007-12-31", 2008, 1, 2007, 52),
            ("2009-01-01", 2009, 1, 2009, 0), ("2009-12-31", 2009, 53, 2009, 52),
            ("2017-01-02", 2017, 1, 2017, 1), ("2017-05-26", 2017, 21, 2017, 21),
        ]
        for (text, isoYear, isoWeek, year, week) in rows {
            let value = BQFixture.datetime(text)
            #expect(try DatetimeFunctions.extract(.isoYear, from: value) == isoYear)
            #expect(try DatetimeFunctions.extract(.isoWeek, from: value) == isoWeek)
            #expect(try DatetimeFunctions.extract(.year, from: value) == year)
            #expect(try DatetimeFunctions.extract(.week, from: value) == week)
        }
    }

    @Test func extractSubsecondParts() throws {
        let value = BQFixture.datetime("2008-12-25 15:30:07.123456")
        #expect(try DatetimeFunctions.extract(.second, from: value) == 7)
        #expect(try DatetimeFunctions.extract(.millisecond, from: value) == 123)
        #expect(try DatetimeFunctions.extract(.microsecond, from: value) == 123456)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#last_day
    @Test func lastDayOfADatetimeIsADate() throws {
        #expect(try DatetimeFunctions.lastDay(BQFixture.datetime("2008-11-25 15:30:00"), .year) == BQFixture.date("2008-12-31"))
        #expect(try DatetimeFunctions.lastDay(BQFixture.datetime("2008-11-10 15:30:00"), .weekStarting(.monday)) == BQFixture.date("2008-11-16"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#time_type
    @Test func timeLiteralIsCanonicalized() {
        #expect(BQFixture.time("1:2:3").description == "01:02:03")
        #expect(BQFixture.time("15:30:00.000001").description == "15:30:00.000001")
    }
}

struct BigQueryFunctionsTimestampTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#string
    @Test func canonicalTimestampStringIsUTC() {
        #expect(TimestampFunctions.string(BQFixture.timestamp("2008-12-25 15:30:00+00")) == "2008-12-25 15:30:00+00")
    }

    @Test func timestampLiteralHonoursOffsets() {
        #expect(BQFixture.timestamp("2024-01-31 10:00:00+05:30").description == "2024-01-31 04:30:00+00")
        #expect(BQFixture.timestamp("2024-01-31T10:00:00Z").description == "2024-01-31 10:00:00+00")
        #expect(BQFixture.timestamp("2024-01-31 10:00:00-08").description == "2024-01-31 18:00:00+00")
        #expect(BQFixture.timestamp("2008-12-25 15:30:00 UTC").description == "2008-12-25 15:30:00+00")
    }

    @Test func timestampWithoutAZoneUsesTheDefaultZone() throws {
        #expect(try Conversions.castToTimestamp("2008-12-25 15:30:00", zone: BQFixture.zone("+01:00"))?.description == "2008-12-25 14:30:00+00")
        #expect(BQFixture.timestamp("2008-12-25").description == "2008-12-25 00:00:00+00")
    }

    @Test func timestampStringInAZoneShowsItsOffset() {
        #expect(TimestampFunctions.string(BQFixture.timestamp("2008-12-25 15:30:00.25+00"), zone: BQFixture.zone("+05:30")) == "2008-12-25 21:00:00.250+05:30")
    }

    @Test func namedTimeZonesAreReportedAsUnsupported() {
        #expect(throws: BQFixture.error("Unsupported time zone \"America/Los_Angeles\": only UTC and fixed offsets such as \"+05:30\" or \"-08\" are supported")) {
            try BQTimeZone(parsing: "America/Los_Angeles")
        }
    }

    @Test func invalidTimestampErrors() {
        #expect(throws: BQFixture.error("Invalid timestamp: '2008-12-25 25:00:00'")) {
            try Conversions.castToTimestamp("2008-12-25 25:00:00")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_add
    @Test func timestampAddMinutes() throws {
        #expect(try TimestampFunctions.add(BQFixture.timestamp("2008-12-25 15:30:00+00"), 10, .minute) == BQFixture.timestamp("2008-12-25 15:40:00+00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_add
    // ("DAY. Equivalent to 24 HOUR parts.")
    @Test func timestampAddDayIsTwentyFourHours() throws {
        #expect(try TimestampFunctions.add(BQFixture.timestamp("2008-12-25 15:30:00+00"), 1, .day) == BQFixture.timestamp("2008-12-26 15:30:00+00"))
    }

    @Test func timestampAddRejectsCalendarParts() {
        #expect(throws: BQFixture.error("Unsupported DateTimestampPart MONTH for TIMESTAMP_ADD")) {
            try TimestampFunctions.add(BQFixture.timestamp("2008-12-25 15:30:00+00"), 1, .month)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_sub
    @Test func timestampSubMinutes() throws {
        #expect(try TimestampFunctions.sub(BQFixture.timestamp("2008-12-25 15:30:00+00"), 10, .minute) == BQFixture.timestamp("2008-12-25 15:20:00+00"))
    }

    @Test func timestampAddPastTheMaximumErrors() {
        #expect(throws: BQFixture.error("Adding 1 DAY to timestamp 9999-12-31 00:00:00+00 causes overflow")) {
            try TimestampFunctions.add(BQFixture.timestamp("9999-12-31 00:00:00+00"), 1, .day)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_diff
    @Test func timestampDiffInHours() throws {
        #expect(try TimestampFunctions.diff(BQFixture.timestamp("2010-07-07 10:20:00+00"), BQFixture.timestamp("2008-12-25 15:30:00+00"), .hour) == 13410)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_diff
    @Test func timestampDiffIsNegativeBackwards() throws {
        #expect(try TimestampFunctions.diff(BQFixture.timestamp("2018-08-14"), BQFixture.timestamp("2018-10-14"), .day) == -61)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_diff
    // ("the result is 0 because only the number of whole specified HOUR intervals are included")
    @Test func timestampDiffCountsWholeUnits() throws {
        #expect(try TimestampFunctions.diff(BQFixture.timestamp("2001-02-01 01:00:00"), BQFixture.timestamp("2001-02-01 00:00:01"), .hour) == 0)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_trunc
    @Test func timestampTruncToDayInAZone() throws {
        let value = BQFixture.timestamp("2008-12-25 15:30:00+00")
        #expect(try TimestampFunctions.trunc(value, .day, zone: .utc) == BQFixture.timestamp("2008-12-25 00:00:00+00"))
        #expect(try TimestampFunctions.trunc(value, .day, zone: BQFixture.zone("-08")) == BQFixture.timestamp("2008-12-25 08:00:00+00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_trunc
    // (Pacific/Auckland is UTC+13:00 on that date; a fixed offset stands in for it)
    @Test func timestampTruncToWeekMondayDependsOnTheZone() throws {
        let value = BQFixture.timestamp("2017-11-06 00:00:00+12")
        #expect(try TimestampFunctions.trunc(value, .weekStarting(.monday), zone: .utc) == BQFixture.timestamp("2017-10-30 00:00:00+00"))
        #expect(try TimestampFunctions.trunc(value, .weekStarting(.monday), zone: BQFixture.zone("+13")) == BQFixture.timestamp("2017-11-06 00:00:00+13"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_trunc
    @Test func timestampTruncToIsoYear() throws {
        #expect(try TimestampFunctions.trunc(BQFixture.timestamp("2015-06-15 00:00:00+00"), .isoYear) == BQFixture.timestamp("2014-12-29 00:00:00+00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#extract
    @Test func extractDayDependsOnTheZone() throws {
        let value = BQFixture.timestamp("2008-12-25 05:30:00+00")
        #expect(try TimestampFunctions.extract(.day, from: value, zone: .utc) == 25)
        #expect(try TimestampFunctions.extract(.day, from: value, zone: BQFixture.zone("-08")) == 24)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#extract
    // (the documented 45/44 is computed in America/Los_Angeles, where the instant is still
    // Sunday 2017-11-05; -08 stands in for that zone)
    @Test func extractWeekFromTimestampsInTheDocumentedZone() throws {
        let value = BQFixture.timestamp("2017-11-06 00:00:00+00")
        #expect(try TimestampFunctions.extract(.weekStarting(.sunday), from: value, zone: BQFixture.zone("-08")) == 45)
        #expect(try TimestampFunctions.extract(.weekStarting(.monday), from: value, zone: BQFixture.zone("-08")) == 44)
    }

    @Test func extractWeekFromTimestampsInUTC() throws {
        let value = BQFixture.timestamp("2017-11-06 00:00:00+00")
        #expect(try TimestampFunctions.extract(.weekStarting(.monday), from: value) == 45)
        #expect(try TimestampFunctions.extract(.isoWeek, from: BQFixture.timestamp("2009-12-31 12:00:00+00")) == 53)
    }

    @Test func extractDateAndTimeFromATimestamp() {
        let value = BQFixture.timestamp("2008-12-25 05:30:00+00")
        #expect(TimestampFunctions.extractDate(from: value, zone: BQFixture.zone("-08")) == BQFixture.date("2008-12-24"))
        #expect(TimestampFunctions.extractTime(from: value) == BQFixture.time("05:30:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#unix_seconds
    @Test func unixConversions() {
        let value = BQFixture.timestamp("2008-12-25 15:30:00+00")
        #expect(TimestampFunctions.unixSeconds(value) == 1_230_219_000)
        #expect(TimestampFunctions.unixMillis(value) == 1_230_219_000_000)
        #expect(TimestampFunctions.unixMicros(value) == 1_230_219_000_000_000)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#unix_seconds
    // (higher precision is truncated by rounding down to the beginning of the second)
    @Test func unixSecondsRoundsDown() {
        #expect(TimestampFunctions.unixSeconds(BQFixture.timestamp("1970-01-01 00:00:01.8+00")) == 1)
        #expect(TimestampFunctions.unixSeconds(BQFixture.timestamp("1969-12-31 23:59:59.5+00")) == -1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp_seconds
    @Test func timestampFromUnixUnits() throws {
        let expected = BQFixture.timestamp("2008-12-25 15:30:00+00")
        #expect(try TimestampFunctions.timestampSeconds(1_230_219_000) == expected)
        #expect(try TimestampFunctions.timestampMillis(1_230_219_000_000) == expected)
        #expect(try TimestampFunctions.timestampMicros(1_230_219_000_000_000) == expected)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#timestamp
    @Test func timestampFromDateAndDatetime() throws {
        #expect(try TimestampFunctions.timestamp(BQFixture.date("2008-12-25")) == BQFixture.timestamp("2008-12-25 00:00:00+00"))
        #expect(try TimestampFunctions.timestamp(BQFixture.datetime("2008-12-25 15:30:00"), zone: BQFixture.zone("-08")) == BQFixture.timestamp("2008-12-25 23:30:00+00"))
    }
}

struct BigQueryFunctionsTimeTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#time_add
    @Test func timeAddMinutes() throws {
        #expect(try TimeFunctions.add(BQFixture.time("15:30:00"), 10, .minute) == BQFixture.time("15:40:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#time_add
    // (values outside 00:00:00 … 24:00:00 wrap around midnight)
    @Test func timeAddWrapsAroundMidnight() throws {
        #expect(try TimeFunctions.add(BQFixture.time("23:59:59"), 2, .second) == BQFixture.time("00:00:01"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#time_sub
    @Test func timeSubMinutes() throws {
        #expect(try TimeFunctions.sub(BQFixture.time("15:30:00"), 10, .minute) == BQFixture.time("15:20:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#time_diff
    @Test func timeDiffInMinutes() throws {
        #expect(try TimeFunctions.diff(BQFixture.time("15:30:00"), BQFixture.time("14:35:00"), .minute) == 55)
    }

    @Test func timeDiffCountsHourBoundaries() throws {
        #expect(try TimeFunctions.diff(BQFixture.time("01:00:00"), BQFixture.time("00:59:59"), .hour) == 1)
        #expect(try TimeFunctions.diff(BQFixture.time("00:59:59"), BQFixture.time("01:00:00"), .hour) == -1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#time_trunc
    @Test func timeTruncToHour() throws {
        #expect(try TimeFunctions.trunc(BQFixture.time("15:30:00"), .hour) == BQFixture.time("15:00:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/time_functions#extract
    @Test func extractFromTime() throws {
        #expect(try TimeFunctions.extract(.hour, from: BQFixture.time("15:30:00")) == 15)
    }
}
