import BigQueryEngine
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionMathTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#abs
    @Test func absOfInt64MinOverflows() {
        #expect(h.failure { try h.evaluate("ABS", [.int64], ["(-9223372036854775807 - 1)"]) } == "int64 overflow: --9223372036854775808")
    }

    @Test func absKeepsTheType() throws {
        #expect(try h.evaluate("ABS", [.int64], ["-25"]) == .int(25))
        #expect(try h.evaluate("ABS", [.float64], ["-2.5"]) == .double(2.5))
        #expect(try h.evaluate("ABS", [.numeric], ["'-2.5'"]) == .text("2.5"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#sign
    @Test func signOfInt64() throws {
        #expect(try h.evaluate("SIGN", [.int64], ["-25"]) == .int(-1))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#round
    // (ROUND(2.5) is 3.0, ROUND(-2.5) is -3.0, ROUND(123.7, -1) is 120.0)
    @Test func roundHalfAwayFromZero() throws {
        #expect(try h.evaluate("ROUND", [.float64], ["2.5"]) == .double(3))
        #expect(try h.evaluate("ROUND", [.float64], ["-2.5"]) == .double(-3))
        #expect(try h.evaluate("ROUND", [.float64, .int64], ["123.7", "-1"]) == .double(120))
    }

    @Test func roundOfInt64IsFloat64AndOfNumericIsNumeric() throws {
        #expect(try h.resultType("ROUND", [.int64]) == .float64)
        #expect(try h.evaluate("ROUND", [.numeric, .int64], ["'2.345'", "2"]) == .text("2.35"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#trunc
    @Test func truncCeilFloor() throws {
        #expect(try h.evaluate("TRUNC", [.float64], ["-2.8"]) == .double(-2))
        #expect(try h.evaluate("CEIL", [.float64], ["2.1"]) == .double(3))
        #expect(try h.evaluate("CEILING", [.float64], ["-2.1"]) == .double(-2))
        #expect(try h.evaluate("FLOOR", [.float64], ["-2.1"]) == .double(-3))
        #expect(try h.evaluate("FLOOR", [.numeric], ["'-2.1'"]) == .text("-3"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#div
    @Test func divTruncatesTowardZero() throws {
        #expect(try h.evaluate("DIV", [.int64, .int64], ["20", "4"]) == .int(5))
        #expect(try h.evaluate("DIV", [.int64, .int64], ["12", "-7"]) == .int(-1))
        #expect(h.failure { try h.evaluate("DIV", [.int64, .int64], ["20", "0"]) } == "division by zero: 20 / 0")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#mod
    @Test func modHasTheSignOfTheDividend() throws {
        #expect(try h.evaluate("MOD", [.int64, .int64], ["25", "12"]) == .int(1))
        #expect(try h.evaluate("MOD", [.int64, .int64], ["-25", "12"]) == .int(-1))
        #expect(try h.evaluate("MOD", [.numeric, .numeric], ["'7.5'", "'2'"]) == .text("1.5"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#safe_divide
    @Test func safeDivideByZeroIsNull() throws {
        #expect(try h.evaluate("SAFE_DIVIDE", [.int64, .int64], ["20", "4"]) == .double(5))
        #expect(try h.evaluate("SAFE_DIVIDE", [.int64, .int64], ["0", "0"]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#ieee_divide
    @Test func ieeeDivideGivesInfinity() throws {
        #expect(try h.evaluate("IEEE_DIVIDE", [.float64, .float64], ["20.0", "0.0"]) == .double(.infinity))
        #expect(try h.evaluate("IEEE_DIVIDE", [.int64, .int64], ["20", "4"]) == .double(5))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#safe_add
    @Test func safeAddIsNullOnOverflow() throws {
        #expect(try h.evaluate("SAFE_ADD", [.int64, .int64], ["5", "4"]) == .int(9))
        #expect(try h.evaluate("SAFE_ADD", [.int64, .int64], ["9223372036854775807", "1"]) == .null)
        #expect(try h.evaluate("SAFE_MULTIPLY", [.int64, .float64], ["2", "1.5"]) == .double(3))
        #expect(try h.evaluate("SAFE_NEGATE", [.int64], ["(-9223372036854775807 - 1)"]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#sqrt
    @Test func sqrtOfANegativeNumberErrors() {
        #expect(h.failure { try h.evaluate("SQRT", [.float64], ["-1.0"]) } == "Argument to SQRT cannot be negative: -1")
    }

    @Test func safeSqrtIsNull() throws {
        #expect(try h.evaluate("SQRT", [.float64], ["-1.0"], safe: true) == .null)
        #expect(try h.evaluate("SQRT", [.int64], ["25"]) == .double(5))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#pow
    @Test func powAndLogarithms() throws {
        #expect(try h.evaluate("POW", [.int64, .int64], ["2", "3"]) == .double(8))
        #expect(try h.evaluate("POWER", [.float64, .float64], ["2.0", "0.5"]) == .double(2.0.squareRoot()))
        #expect(try h.evaluate("LOG", [.float64, .float64], ["100.0", "10.0"]) == .double(2))
        #expect(try h.evaluate("LOG10", [.float64], ["100.0"]) == .double(2))
        #expect(try h.evaluate("LN", [.float64], ["1.0"]) == .double(0))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#pow
    // (POW(0, negative) is an error)
    @Test func powOfZeroToANegativePowerErrors() {
        #expect(h.failure { try h.evaluate("POW", [.float64, .float64], ["0.0", "-2.0"]) } == "Floating point error in function: POW(0, -2)")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#greatest
    // ("Returns NULL if any of the inputs is NULL.")
    @Test func greatestWithNullIsNull() throws {
        #expect(try h.evaluate("GREATEST", [.int64, .int64, .int64], ["1", "NULL", "3"]) == .null)
    }

    @Test func greatestAndLeastUseTheSupertype() throws {
        #expect(try h.resultType("GREATEST", [.int64, .float64]) == .float64)
        #expect(try h.evaluate("GREATEST", [.int64, .float64], ["3", "2.5"]) == .double(3))
        #expect(try h.evaluate("LEAST", [.string, .string, .string], ["'b'", "'a'", "'c'"]) == .text("a"))
        #expect(try h.evaluate("GREATEST", [.numeric, .numeric], ["'10'", "'9.99'"]) == .text("10"))
        #expect(try h.evaluate("LEAST", [.int64], ["7"]) == .int(7))
    }

    @Test func generateArray() throws {
        #expect(try h.evaluate("GENERATE_ARRAY", [.int64, .int64, .int64], ["0", "10", "3"]) == .text("[0,3,6,9]"))
        #expect(try h.evaluate("GENERATE_ARRAY", [.int64, .int64, .int64], ["10", "0", "3"]) == .text("[]"))
    }
}
