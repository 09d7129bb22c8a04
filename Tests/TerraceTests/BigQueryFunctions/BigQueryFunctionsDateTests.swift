import BigQueryFunctions
import Testing

struct BigQueryFunctionsDateTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#date_type
    @Test func dateLiteralRoundTripsCanonically() {
        #expect(BQFixture.date("2008-1-5").description == "2008-01-05")
    }

    @Test func invalidDateErrors() {
        #expect(throws: BQFixture.error("Invalid date: '2021-02-29'")) {
            try Conversions.castToDate("2021-02-29")
        }
    }

    @Test func dateRangeIsYearsOneToNineThousandNineHundredNinetyNine() {
        #expect(Conversions.safeCastToDate("0001-01-01") == BQDate.min)
        #expect(Conversions.safeCastToDate("9999-12-31") == BQDate.max)
        #expect(Conversions.safeCastToDate("0000-12-31") == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date
    // (the page uses 'America/Los_Angeles', which is UTC-08:00 in December; named zones are not
    // supported here, so the fixed offset stands in for it)
    @Test func dateConstructors() throws {
        #expect(try DateFunctions.date(2016, 12, 25) == BQFixture.date("2016-12-25"))
        #expect(DateFunctions.date(BQFixture.datetime("2016-12-25 23:59:59")) == BQFixture.date("2016-12-25"))
        #expect(DateFunctions.date(BQFixture.timestamp("2016-12-25 05:30:00+07"), zone: BQFixture.zone("-08")) == BQFixture.date("2016-12-24"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_add
    @Test func dateAddDays() throws {
        #expect(try DateFunctions.add(BQFixture.date("2008-12-25"), 5, .day) == BQFixture.date("2008-12-30"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_add
    // ("If the resulting month has fewer days than the original date's day, then the resulting
    // date is the last date of that month.")
    @Test func dateAddMonthClampsToTheMonthEnd() throws {
        #expect(try DateFunctions.add(BQFixture.date("2024-01-31"), 1, .month) == BQFixture.date("2024-02-29"))
        #expect(try DateFunctions.add(BQFixture.date("2023-01-31"), 1, .month) == BQFixture.date("2023-02-28"))
    }

    @Test func dateAddQuarterYearAndWeek() throws {
        #expect(try DateFunctions.add(BQFixture.date("2024-11-30"), 1, .quarter) == BQFixture.date("2025-02-28"))
        #expect(try DateFunctions.add(BQFixture.date("2024-02-29"), 1, .year) == BQFixture.date("2025-02-28"))
        #expect(try DateFunctions.add(BQFixture.date("2024-12-30"), 1, .week) == BQFixture.date("2025-01-06"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_sub
    @Test func dateSubDays() throws {
        #expect(try DateFunctions.sub(BQFixture.date("2008-12-25"), 5, .day) == BQFixture.date("2008-12-20"))
        #expect(try DateFunctions.sub(BQFixture.date("2024-03-31"), 1, .month) == BQFixture.date("2024-02-29"))
    }

    @Test func dateAddPastTheMaximumErrors() {
        #expect(throws: BQFixture.error("Adding 1 DAY to date 9999-12-31 causes overflow")) {
            try DateFunctions.add(BQFixture.date("9999-12-31"), 1, .day)
        }
    }

    @Test func dateAddOfAnIntervalNullIsNull() throws {
        #expect(try DateFunctions.add(BQFixture.date("2008-12-25"), nil, .day) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff
    @Test func dateDiffInDays() throws {
        #expect(try DateFunctions.diff(BQFixture.date("2010-07-07"), BQFixture.date("2008-12-25"), .day) == 559)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff
    @Test func dateDiffCountsWeekBoundaries() throws {
        #expect(try DateFunctions.diff(BQFixture.date("2017-10-15"), BQFixture.date("2017-10-14"), .day) == 1)
        #expect(try DateFunctions.diff(BQFixture.date("2017-10-15"), BQFixture.date("2017-10-14"), .week) == 1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff
    @Test func dateDiffYearVersusIsoYear() throws {
        #expect(try DateFunctions.diff(BQFixture.date("2017-12-30"), BQFixture.date("2014-12-30"), .year) == 3)
        #expect(try DateFunctions.diff(BQFixture.date("2017-12-30"), BQFixture.date("2014-12-30"), .isoYear) == 2)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff
    @Test func dateDiffWeekStartDependsOnTheWeekday() throws {
        let monday = BQFixture.date("2017-12-18"), sunday = BQFixture.date("2017-12-17")
        #expect(try DateFunctions.diff(monday, sunday, .week) == 0)
        #expect(try DateFunctions.diff(monday, sunday, .weekStarting(.monday)) == 1)
        #expect(try DateFunctions.diff(monday, sunday, .isoWeek) == 1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_diff
    // ("If end_date is earlier than start_date, the output is negative.")
    @Test func dateDiffIsNegativeBackwards() throws {
        #expect(try DateFunctions.diff(BQFixture.date("2001-02-01"), BQFixture.date("2002-01-31"), .month) == -11)
    }

    @Test func dateDiffCountsMonthAndQuarterBoundaries() throws {
        #expect(try DateFunctions.diff(BQFixture.date("2001-02-01"), BQFixture.date("2001-01-31"), .month) == 1)
        #expect(try DateFunctions.diff(BQFixture.date("2001-02-28"), BQFixture.date("2001-02-01"), .month) == 0)
        #expect(try DateFunctions.diff(BQFixture.date("2001-04-01"), BQFixture.date("2001-03-31"), .quarter) == 1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_trunc
    @Test func dateTruncToMonth() throws {
        #expect(try DateFunctions.trunc(BQFixture.date("2008-12-25"), .month) == BQFixture.date("2008-12-01"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_trunc
    @Test func dateTruncToWeekStartingMonday() throws {
        #expect(try DateFunctions.trunc(BQFixture.date("2017-11-05"), .weekStarting(.monday)) == BQFixture.date("2017-10-30"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_trunc
    @Test func dateTruncToIsoYear() throws {
        #expect(try DateFunctions.trunc(BQFixture.date("2015-06-15"), .isoYear) == BQFixture.date("2014-12-29"))
        #expect(try DateFunctions.extract(.isoYear, from: BQFixture.date("2015-06-15")) == 2015)
    }

    @Test func dateTruncToWeekQuarterYearAndIsoWeek() throws {
        #expect(try DateFunctions.trunc(BQFixture.date("2017-11-08"), .week) == BQFixture.date("2017-11-05"))
        #expect(try DateFunctions.trunc(BQFixture.date("2017-11-05"), .isoWeek) == BQFixture.date("2017-10-30"))
        #expect(try DateFunctions.trunc(BQFixture.date("2017-11-05"), .quarter) == BQFixture.date("2017-10-01"))
        #expect(try DateFunctions.trunc(BQFixture.date("2017-11-05"), .year) == BQFixture.date("2017-01-01"))
    }

    @Test func dateTruncBeforeTheMinimumErrors() {
        #expect(throws: BigQueryFunctionError.self) {
            try DateFunctions.trunc(BQFixture.date("0001-01-01"), .week)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#extract
    @Test func extractDay() throws {
        #expect(try DateFunctions.extract(.day, from: BQFixture.date("2013-12-25")) == 25)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#extract
    @Test func extractIsoAndCalendarWeeksAroundNewYear() throws {
        let rows: [(String, Int64, Int64, Int64, Int64)] = [
            ("2015-12-23", 2015, 52, 2015, 51), ("2015-12-27", 2015, 52, 2015, 52),
            ("2015-12-28", 2015, 53, 2015, 52), ("2016-01-01", 2015, 53, 2016, 0),
            ("2016-01-03", 2015, 53, 2016, 1), ("2016-01-04", 2016, 1, 2016, 1),
            ("2016-01-09", 2016, 1, 2016, 1),
        ]
        for (text, isoYear, isoWeek, year, week) in rows {
            let date = BQFixture.date(text)
            #expect(try DateFunctions.extract(.isoYear, from: date) == isoYear)
            #expect(try DateFunctions.extract(.isoWeek, from: date) == isoWeek)
            #expect(try DateFunctions.extract(.year, from: date) == year)
            #expect(try DateFunctions.extract(.week, from: date) == week)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#extract
    @Test func extractWeekDependsOnTheStartingWeekday() throws {
        #expect(try DateFunctions.extract(.weekStarting(.sunday), from: BQFixture.date("2017-11-05")) == 45)
        #expect(try DateFunctions.extract(.weekStarting(.monday), from: BQFixture.date("2017-11-05")) == 44)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#extract
    // ("DAYOFWEEK: Returns values in the range [1,7] with Sunday as the first day of the week.")
    @Test func extractDayOfWeekStartsOnSunday() throws {
        #expect(try DateFunctions.extract(.dayOfWeek, from: BQFixture.date("2017-11-05")) == 1)
        #expect(try DateFunctions.extract(.dayOfWeek, from: BQFixture.date("2017-11-11")) == 7)
    }

    @Test func extractDayOfYearAndQuarter() throws {
        #expect(try DateFunctions.extract(.dayOfYear, from: BQFixture.date("2016-12-31")) == 366)
        #expect(try DateFunctions.extract(.quarter, from: BQFixture.date("2016-08-01")) == 3)
        #expect(try DateFunctions.extract(.month, from: BQFixture.date("2016-08-01")) == 8)
    }

    @Test func extractOfATimePartFromADateErrors() {
        #expect(throws: BigQueryFunctionError.self) {
            try DateFunctions.extract(.hour, from: BQFixture.date("2016-08-01"))
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#last_day
    @Test func lastDayDefaultsToTheMonth() throws {
        #expect(try DateFunctions.lastDay(BQFixture.date("2008-11-25")) == BQFixture.date("2008-11-30"))
        #expect(try DateFunctions.lastDay(BQFixture.date("2008-11-25"), .month) == BQFixture.date("2008-11-30"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#last_day
    @Test func lastDayOfYearAndWeeks() throws {
        #expect(try DateFunctions.lastDay(BQFixture.date("2008-11-25"), .year) == BQFixture.date("2008-12-31"))
        #expect(try DateFunctions.lastDay(BQFixture.date("2008-11-10"), .weekStarting(.sunday)) == BQFixture.date("2008-11-15"))
        #expect(try DateFunctions.lastDay(BQFixture.date("2008-11-10"), .weekStarting(.monday)) == BQFixture.date("2008-11-16"))
    }

    @Test func lastDayOfQuarterIsoWeekAndIsoYear() throws {
        #expect(try DateFunctions.lastDay(BQFixture.date("2001-01-01"), .quarter) == BQFixture.date("2001-03-31"))
        #expect(try DateFunctions.lastDay(BQFixture.date("2001-12-31"), .isoWeek) == BQFixture.date("2002-01-06"))
        #expect(try DateFunctions.lastDay(BQFixture.date("2001-01-01"), .isoYear) == BQFixture.date("2001-12-30"))
        #expect(try DateFunctions.lastDay(BQFixture.date("2001-12-31"), .weekStarting(.friday)) == BQFixture.date("2002-01-03"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#unix_date
    @Test func unixDateCountsDaysSinceTheEpoch() {
        #expect(DateFunctions.unixDate(BQFixture.date("2008-12-25")) == 14238)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/date_functions#date_from_unix_date
    @Test func dateFromUnixDate() throws {
        #expect(try DateFunctions.dateFromUnixDate(14238) == BQFixture.date("2008-12-25"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#generate_date_array
    @Test func generateDateArrayDefaultsToOneDay() throws {
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-10-05"), BQFixture.date("2016-10-08"))
            == ["2016-10-05", "2016-10-06", "2016-10-07", "2016-10-08"].map(BQFixture.date))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#generate_date_array
    @Test func generateDateArrayWithSteps() throws {
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-10-05"), BQFixture.date("2016-10-09"), step: 2, .day)
            == ["2016-10-05", "2016-10-07", "2016-10-09"].map(BQFixture.date))
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-10-05"), BQFixture.date("2016-10-01"), step: -3, .day)
            == ["2016-10-05", "2016-10-02"].map(BQFixture.date))
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-01-01"), BQFixture.date("2016-12-31"), step: 2, .month)
            == ["2016-01-01", "2016-03-01", "2016-05-01", "2016-07-01", "2016-09-01", "2016-11-01"].map(BQFixture.date))
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-01-01"), BQFixture.date("2016-01-31"), step: 1, .week)
            == ["2016-01-01", "2016-01-08", "2016-01-15", "2016-01-22", "2016-01-29"].map(BQFixture.date))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#generate_date_array
    @Test func generateDateArrayEdgeCases() throws {
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-10-05"), BQFixture.date("2016-10-05"), step: 8, .day) == [BQFixture.date("2016-10-05")])
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-10-05"), BQFixture.date("2016-10-01"), step: 1, .day) == [])
        #expect(try DateFunctions.generateDateArray(BQFixture.date("2016-10-05"), nil) == nil)
    }

    @Test func generateDateArrayRejectsAZeroStep() {
        #expect(throws: BQFixture.error("Sequence step cannot be 0.")) {
            try DateFunctions.generateDateArray(BQFixture.date("2016-10-05"), BQFixture.date("2016-10-08"), step: 0, .day)
        }
    }
}
