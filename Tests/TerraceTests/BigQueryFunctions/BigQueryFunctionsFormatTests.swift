import BigQueryFunctions
import Testing

struct BigQueryFunctionsFormatTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#format_date
    @Test func formatDateExamples() throws {
        #expect(try DateFunctions.format("%x", BQFixture.date("2008-12-25")) == "12/25/08")
        #expect(try DateFunctions.format("%b-%d-%Y", BQFixture.date("2008-12-25")) == "Dec-25-2008")
        #expect(try DateFunctions.format("%b %Y", BQFixture.date("2008-12-25")) == "Dec 2008")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#format_string
    // (FORMAT_DATE('%B %d, %Y', DATE '2015-01-02') → "January 02, 2015")
    @Test func formatDateWithFullMonthName() throws {
        #expect(try DateFunctions.format("%B %d, %Y", BQFixture.date("2015-01-02")) == "January 02, 2015")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#format_datetime
    @Test func formatDatetimeExamples() throws {
        let value = BQFixture.datetime("2008-12-25 15:30:00")
        #expect(try DatetimeFunctions.format("%c", value) == "Thu Dec 25 15:30:00 2008")
        #expect(try DatetimeFunctions.format("%b-%d-%Y", value) == "Dec-25-2008")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#format_timestamp
    @Test func formatTimestampExamples() throws {
        let value = BQFixture.timestamp("2050-12-25 15:30:55+00")
        #expect(try TimestampFunctions.format("%c", value, zone: .utc) == "Sun Dec 25 15:30:55 2050")
        #expect(try TimestampFunctions.format("%b-%d-%Y", value) == "Dec-25-2050")
        #expect(try TimestampFunctions.format("%Y-%m-%dT%H:%M:%S%Z", value, zone: .utc) == "2050-12-25T15:30:55UTC")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements#format_elements_date_time
    @Test func formatTimestampWithRFC3339Offset() throws {
        #expect(try TimestampFunctions.format("%b %Y %Ez", BQFixture.timestamp("2008-12-25 15:30:00+00")) == "Dec 2008 +00:00")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements#format_elements_date_time
    @Test func formatTimeElements() throws {
        #expect(try TimeFunctions.format("%R", BQFixture.time("15:30:00")) == "15:30")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements#format_elements_date_time
    // (the element table's examples, all for 2021-01-20 21:47:00, a Wednesday)
    @Test func formatElementTable() throws {
        let value = BQFixture.timestamp("2021-01-20 21:47:00+00")
        let cases: [(String, String)] = [
            ("%A", "Wednesday"), ("%a", "Wed"), ("%B", "January"), ("%b", "Jan"), ("%h", "Jan"),
            ("%C", "20"), ("%c", "Wed Jan 20 21:47:00 2021"), ("%D", "01/20/21"), ("%d", "20"),
            ("%e", "20"), ("%F", "2021-01-20"), ("%G", "2021"), ("%g", "21"), ("%H", "21"),
            ("%I", "09"), ("%j", "020"), ("%k", "21"), ("%l", " 9"), ("%M", "47"), ("%m", "01"),
            ("%p", "PM"), ("%Q", "1"), ("%R", "21:47"), ("%S", "00"), ("%s", "1611179220"),
            ("%T", "21:47:00"), ("%U", "03"), ("%u", "3"), ("%V", "03"), ("%W", "03"), ("%w", "3"),
            ("%X", "21:47:00"), ("%x", "01/20/21"), ("%Y", "2021"), ("%y", "21"), ("%%", "%"),
            ("%E4Y", "2021"), ("%E3S", "00.000"),
        ]
        for (element, expected) in cases {
            #expect(try TimestampFunctions.format(element, value) == expected, "\(element)")
        }
    }

    @Test func formatZoneOffsets() throws {
        let value = BQFixture.timestamp("2021-01-20 21:47:00+00")
        #expect(try TimestampFunctions.format("%z", value, zone: BQFixture.zone("-05")) == "-0500")
        #expect(try TimestampFunctions.format("%Ez", value, zone: BQFixture.zone("-05")) == "-05:00")
        #expect(try TimestampFunctions.format("%H", value, zone: BQFixture.zone("-05")) == "16")
    }

    @Test func formatFractionalSeconds() throws {
        let value = BQFixture.datetime("2021-01-20 21:47:05.123456")
        #expect(try DatetimeFunctions.format("%E*S", value) == "05.123456")
        #expect(try DatetimeFunctions.format("%E6S", value) == "05.123456")
        #expect(try DatetimeFunctions.format("%E2S", value) == "05.12")
        #expect(try DatetimeFunctions.format("%E*S", BQFixture.datetime("2021-01-20 21:47:05")) == "05")
    }

    @Test func formatRejectsUnknownElements() {
        #expect(throws: BQFixture.error("Unsupported format element %q in FORMAT_DATE")) {
            try DateFunctions.format("%q", BQFixture.date("2021-01-20"))
        }
    }

    @Test func formatDatetimeRejectsZoneElements() {
        #expect(throws: BigQueryFunctionError.self) {
            try DatetimeFunctions.format("%Z", BQFixture.datetime("2021-01-20 21:47:00"))
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#parse_date
    @Test func parseDateExamples() throws {
        #expect(try DateFunctions.parse("%x", "12/25/08") == BQFixture.date("2008-12-25"))
        #expect(try DateFunctions.parse("%Y%m%d", "20081225") == BQFixture.date("2008-12-25"))
        #expect(try DateFunctions.parse("%A %b %e %Y", "Thursday Dec 25 2008") == BQFixture.date("2008-12-25"))
        #expect(try DateFunctions.parse("%F", "2000-12-30") == BQFixture.date("2000-12-30"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#parse_date
    // ("This produces an error because the year element is in different locations.")
    @Test func parseDateRejectsMisplacedElements() {
        #expect(throws: BigQueryFunctionError.self) {
            try DateFunctions.parse("%Y %A %b %e", "Thursday Dec 25 2008")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#parse_date
    // ("This produces an error because one of the year elements is missing.")
    @Test func parseDateRejectsTrailingInput() {
        #expect(throws: BigQueryFunctionError.self) {
            try DateFunctions.parse("%A %b %e", "Thursday Dec 25 2008")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#parse_date
    // ("Unspecified fields. Any unspecified field is initialized from 1970-01-01.")
    @Test func parseDateDefaultsUnspecifiedFields() throws {
        #expect(try DateFunctions.parse("%m", "03") == BQFixture.date("1970-03-01"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#parse_date
    // (whitespace: one or more spaces in the format match zero or more in the input, and leading
    // and trailing whitespace is allowed)
    @Test func parseDateIsLenientAboutWhitespace() throws {
        #expect(try DateFunctions.parse("%Y %m %d", "  2008   12 25 ") == BQFixture.date("2008-12-25"))
        #expect(try DateFunctions.parse("%Y %m %d", "2008 1225") == BQFixture.date("2008-12-25"))
    }

    @Test func parseDateRejectsAnInvalidDate() {
        #expect(throws: BQFixture.error("Failed to parse input string \"2021-02-30\"")) {
            try DateFunctions.parse("%F", "2021-02-30")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/datetime_functions#parse_datetime
    @Test func parseDatetimeExamples() throws {
        #expect(try DatetimeFunctions.parse("%Y-%m-%d %H:%M:%S", "1998-10-18 13:45:55") == BQFixture.datetime("1998-10-18 13:45:55"))
        #expect(try DatetimeFunctions.parse("%m/%d/%Y %I:%M:%S %p", "8/30/2018 2:23:38 pm") == BQFixture.datetime("2018-08-30 14:23:38"))
        #expect(try DatetimeFunctions.parse("%A, %B %e, %Y", "Wednesday, December 19, 2018") == BQFixture.datetime("2018-12-19 00:00:00"))
        #expect(try DatetimeFunctions.parse("%c", "Thu Dec 25 07:30:00 2008") == BQFixture.datetime("2008-12-25 07:30:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/format-elements#format_elements_date_time
    @Test func parseTimeWithMeridian() throws {
        #expect(try TimeFunctions.parse("%I:%M:%S %p", "2:23:38 pm") == BQFixture.time("14:23:38"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/timestamp_functions#parse_timestamp
    @Test func parseTimestampDefaultsToUTC() throws {
        #expect(try TimestampFunctions.parse("%c", "Thu Dec 25 07:30:00 2008") == BQFixture.timestamp("2008-12-25 07:30:00+00"))
    }

    @Test func parseTimestampUsesAParsedOffset() throws {
        #expect(try TimestampFunctions.parse("%Y-%m-%d %H:%M:%E*S%Ez", "2021-01-20 21:47:00.25+05:30")
            == BQFixture.timestamp("2021-01-20 16:17:00.25+00"))
        #expect(try TimestampFunctions.parse("%Y-%m-%d %H:%M %z", "2021-01-20 21:47 -0800")
            == BQFixture.timestamp("2021-01-21 05:47:00+00"))
    }

    @Test func parseTimestampFromEpochSeconds() throws {
        #expect(try TimestampFunctions.parse("%s", "1611179220") == BQFixture.timestamp("2021-01-20 21:47:00+00"))
    }

    @Test func parseRejectsUnsupportedIsoElements() {
        #expect(throws: BQFixture.error("Format element %V is not supported by PARSE_DATE in this implementation")) {
            try DateFunctions.parse("%V", "50")
        }
    }

    @Test func parseTwoDigitYearsPivotAtSixtyNine() throws {
        #expect(try DateFunctions.parse("%y", "68") == BQFixture.date("2068-01-01"))
        #expect(try DateFunctions.parse("%y", "69") == BQFixture.date("1969-01-01"))
    }
}
