import BigQueryEngine
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionCastTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast_as_int64
    // ("Returns the closest INT64 value. Halfway cases such as 1.5 or -0.5 round away from zero.")
    @Test func float64ToInt64RoundsHalfAwayFromZero() throws {
        #expect(try h.cast("1.5", from: .float64, to: .int64) == .int(2))
        #expect(try h.cast("-0.5", from: .float64, to: .int64) == .int(-1))
        #expect(try h.cast("2.4", from: .float64, to: .int64) == .int(2))
    }

    @Test func float64OutOfInt64RangeErrors() {
        #expect(h.failure { try h.cast("1e20", from: .float64, to: .int64) } == "int64 out of range: 1e+20")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    @Test func badInt64StringErrors() {
        #expect(h.failure { try h.cast("'abc'", from: .string, to: .int64) } == "Bad int64 value: abc")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#safe_casting
    // (SAFE_CAST("apple" AS INT64) returns NULL)
    @Test func safeCastGivesNull() throws {
        #expect(try h.cast("'apple'", from: .string, to: .int64, safe: true) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast_as_int64
    // (SELECT CAST('0x123' AS INT64) AS hex_value returns 291)
    @Test func hexStringToInt64() throws {
        #expect(try h.cast("'0x123'", from: .string, to: .int64) == .int(291))
    }

    @Test func castOfNullIsNull() throws {
        #expect(try h.cast("NULL", from: .string, to: .int64) == .null)
        #expect(try h.cast("NULL", from: .float64, to: .string) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast_as_string
    @Test func float64ToString() throws {
        #expect(try h.cast("1.0", from: .float64, to: .string) == .text("1"))
        #expect(try h.cast("0.1", from: .float64, to: .string) == .text("0.1"))
    }

    @Test func boolToStringAndBack() throws {
        #expect(try h.cast("1", from: .bool, to: .string) == .text("true"))
        #expect(try h.cast("'FALSE'", from: .string, to: .bool) == .int(0))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast_as_string
    // (CAST(TIMESTAMP '2008-12-25 15:30:00+00' AS STRING) is '2008-12-25 15:30:00+00')
    @Test func timestampToString() throws {
        #expect(try h.cast("1230219000000000", from: .timestamp, to: .string) == .text("2008-12-25 15:30:00+00"))
    }

    @Test func datetimeToStringUsesASpace() throws {
        #expect(try h.cast("'2008-12-25T15:30:00.500'", from: .datetime, to: .string) == .text("2008-12-25 15:30:00.500"))
    }

    @Test func stringToDateAndDatetime() throws {
        #expect(try h.cast("'2008-1-5'", from: .string, to: .date) == .text("2008-01-05"))
        #expect(try h.cast("'2008-12-25 15:30:00'", from: .string, to: .datetime) == .text("2008-12-25T15:30:00"))
        #expect(h.failure { try h.cast("'2021-02-29'", from: .string, to: .date) } == "Invalid date: '2021-02-29'")
    }

    @Test func stringToTimestampHonoursTheOffset() throws {
        #expect(try h.cast("'2008-12-25 15:30:00-01:00'", from: .string, to: .timestamp) == .int(1_230_222_600_000_000))
    }

    @Test func dateToTimestampIsMidnightUTC() throws {
        #expect(try h.cast("'1970-01-02'", from: .date, to: .timestamp) == .int(86_400_000_000))
    }

    @Test func timestampToDateDatetimeAndTime() throws {
        #expect(try h.cast("1230219000000000", from: .timestamp, to: .date) == .text("2008-12-25"))
        #expect(try h.cast("1230219000000000", from: .timestamp, to: .datetime) == .text("2008-12-25T15:30:00"))
        #expect(try h.cast("1230219000000000", from: .timestamp, to: .time) == .text("15:30:00"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast_as_numeric
    // (more than nine fractional digits round half away from zero)
    @Test func stringToNumericRounds() throws {
        #expect(try h.cast("'1.0000000005'", from: .string, to: .numeric) == .text("1.000000001"))
        #expect(h.failure { try h.cast("'abc'", from: .string, to: .numeric) } == "Invalid NUMERIC value: abc")
    }

    @Test func numericToInt64AndFloat64() throws {
        #expect(try h.cast("'2.5'", from: .numeric, to: .int64) == .int(3))
        #expect(try h.cast("'-2.5'", from: .numeric, to: .int64) == .int(-3))
        #expect(try h.cast("'0.25'", from: .numeric, to: .float64) == .double(0.25))
    }

    @Test func float64ToNumeric() throws {
        #expect(try h.cast("0.1", from: .float64, to: .numeric) == .text("0.1"))
    }

    @Test func bignumericKeepsThirtyEightDigits() throws {
        #expect(try h.cast("'1.123456789012345678901234567890123456789'", from: .string, to: .bignumeric)
            == .text("1.12345678901234567890123456789012345679"))
    }

    @Test func invalidUTF8BytesToStringErrorsAndSafeCastIsNull() throws {
        #expect(h.failure { try h.cast("X'C2'", from: .bytes, to: .string) } != nil)
        #expect(try h.cast("X'C2'", from: .bytes, to: .string, safe: true) == .null)
    }

    @Test func arrayCastConvertsEveryElement() throws {
        #expect(try h.cast("'[1,2]'", from: .array(.int64), to: .array(.string)) == .text(#"["1","2"]"#))
    }

    @Test func structCastRenamesFields() throws {
        let from = SQLType.struct([.init("a", .int64)]), to = SQLType.struct([.init("b", .float64)])
        #expect(try h.cast(#"'{"a":1}'"#, from: from, to: to) == .text(#"{"b":1}"#))
    }

    @Test func disallowedCastIsNoMatch() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.cast(from: .date, to: .int64, safe: false))
            == "Invalid cast from DATE to INT64")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_rules#literal_coercion
    @Test func stringLiteralsCoerceToCivilTypes() {
        #expect(FunctionLibrary.coerceStringLiteral("2024-1-5", to: .date) == "'2024-01-05'")
        #expect(FunctionLibrary.coerceStringLiteral("2024-01-05 10:00:00", to: .datetime) == "'2024-01-05T10:00:00'")
        #expect(FunctionLibrary.coerceStringLiteral("2008-12-25 15:30:00+00", to: .timestamp) == "1230219000000000")
        #expect(FunctionLibrary.coerceStringLiteral("2024-02-30", to: .date) == nil)
        #expect(FunctionLibrary.coerceStringLiteral("1", to: .int64) == nil)
    }

    @Test func float64ToBignumericIsExact() throws {
        #expect(try h.cast("0.5", from: .float64, to: .bignumeric) == .text("0.5"))
        #expect(try h.cast("1e40", from: .float64, to: .bignumeric, safe: true) == .null)
    }

    // A NUMERIC sort key orders numerically (its text does not).
    @Test func numericSortKeyOrdersNumerically() throws {
        try h.db.execute("CREATE TABLE n(v TEXT)")
        for value in ["10", "9", "-1.5", "-10", "0", "0.05", "0.5", "-0.5", "123456789.123"] {
            _ = try h.db.run("INSERT INTO n VALUES (?)", [.text(value)])
        }
        let key = try #require(FunctionLibrary.sortKey(.numeric, "v"))
        let rows = try h.db.query("SELECT v FROM n ORDER BY \(key)")
        #expect(rows.map { $0[0] } == ["-10", "-1.5", "-0.5", "0", "0.05", "0.5", "9", "10", "123456789.123"].map { .text($0) })
        #expect(FunctionLibrary.sortKey(.int64, "v") == nil)
    }
}
