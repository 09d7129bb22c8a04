import BigQueryFunctions
import Testing

struct BigQueryFunctionsNumberTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators
    @Test func int64AdditionOverflowErrors() {
        #expect(throws: BQFixture.error("int64 overflow: 9223372036854775807 + 1")) {
            try Operators.add(Int64.max, 1)
        }
    }

    @Test func int64SubtractionOverflowErrors() {
        #expect(throws: BQFixture.error("int64 overflow: -9223372036854775808 - 1")) {
            try Operators.subtract(Int64.min, 1)
        }
    }

    @Test func int64MultiplicationOverflowErrors() {
        #expect(throws: BQFixture.error("int64 overflow: 4611686018427387904 * 2")) {
            try Operators.multiply(Int64(1) << 62, 2)
        }
    }

    @Test func int64NegationOfMinimumErrors() {
        #expect(throws: BQFixture.error("int64 overflow: --9223372036854775808")) {
            try Operators.negate(Int64.min)
        }
    }

    @Test func int64ArithmeticWithNullIsNull() throws {
        #expect(try Operators.add(1, nil as Int64?) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators
    // (division of INT64 returns FLOAT64)
    @Test func int64DivisionReturnsFloat64() throws {
        #expect(try Operators.divide(Int64(20), Int64(8)) == 2.5)
    }

    @Test func divisionByZeroErrors() {
        #expect(throws: BQFixture.error("division by zero: 1 / 0")) {
            try Operators.divide(Int64(1), Int64(0))
        }
    }

    @Test func float64OverflowErrors() {
        #expect(throws: BQFixture.error("double overflow: 1e+308 * 10")) {
            try Operators.multiply(1e308, 10.0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#abs
    @Test func absOfInt64() throws {
        #expect(try MathFunctions.abs(Int64(25)) == 25)
        #expect(try MathFunctions.abs(Int64(-25)) == 25)
        #expect(MathFunctions.abs(-Double.infinity) == .infinity)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#abs
    // ("Returns an error if the argument is an integer and the output value cannot be represented")
    @Test func absOfInt64MinimumErrors() {
        #expect(throws: BQFixture.error("int64 overflow: --9223372036854775808")) {
            try MathFunctions.abs(Int64.min)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#sign
    @Test func signOfValues() {
        #expect(MathFunctions.sign(Int64(25)) == 1)
        #expect(MathFunctions.sign(Int64(0)) == 0)
        #expect(MathFunctions.sign(Int64(-25)) == -1)
        #expect(MathFunctions.sign(Double.nan)!.isNaN)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#div
    @Test func divTruncatesTowardZero() throws {
        #expect(try MathFunctions.div(20, 4) == 5)
        #expect(try MathFunctions.div(12, -7) == -1)
        #expect(try MathFunctions.div(20, 3) == 6)
        #expect(try MathFunctions.div(0, 20) == 0)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#div
    @Test func divByZeroErrors() {
        #expect(throws: BQFixture.error("division by zero: 20 / 0")) {
            try MathFunctions.div(20, 0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#div
    // ("Division by -1 may overflow.")
    @Test func divOfMinimumByMinusOneOverflows() {
        #expect(throws: BQFixture.error("int64 overflow: --9223372036854775808")) {
            try MathFunctions.div(Int64.min, -1)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#mod
    @Test func modReturnsTheRemainder() throws {
        #expect(try MathFunctions.mod(25, 12) == 1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#mod
    // ("Returned value has the same sign as X.")
    @Test func modFollowsTheSignOfTheDividend() throws {
        #expect(try MathFunctions.mod(-25, 12) == -1)
        #expect(try MathFunctions.mod(25, -12) == 1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#mod
    @Test func modByZeroErrors() {
        #expect(throws: BQFixture.error("division by zero: MOD(25, 0)")) {
            try MathFunctions.mod(25, 0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#safe_divide
    @Test func safeDivideIsNullOnZero() {
        #expect(MathFunctions.safeDivide(20.0, 4.0) == 5)
        #expect(MathFunctions.safeDivide(0.0, 20.0) == 0)
        #expect(MathFunctions.safeDivide(20.0, 0.0) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#ieee_divide
    @Test func ieeeDivideNeverErrors() {
        #expect(MathFunctions.ieeeDivide(20.0, 4.0) == 5)
        #expect(MathFunctions.ieeeDivide(0.0, 25.0) == 0)
        #expect(MathFunctions.ieeeDivide(25.0, 0.0) == .infinity)
        #expect(MathFunctions.ieeeDivide(-25.0, 0.0) == -.infinity)
        #expect(MathFunctions.ieeeDivide(0.0, 0.0)!.isNaN)
        #expect(MathFunctions.ieeeDivide(Double.infinity, .infinity)!.isNaN)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#round
    @Test func roundHalfwayAwayFromZero() {
        let cases: [(Double, Double)] = [(2.0, 2.0), (2.3, 2.0), (2.8, 3.0), (2.5, 3.0), (-2.3, -2.0), (-2.8, -3.0), (-2.5, -3.0), (0, 0)]
        for (x, expected) in cases { #expect(MathFunctions.round(x) == expected) }
        #expect(MathFunctions.round(Double.infinity) == .infinity)
        #expect(MathFunctions.round(Double.nan)!.isNaN)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#round
    @Test func roundToDigits() throws {
        #expect(try MathFunctions.round(123.7, -1) == 120.0)
        #expect(try MathFunctions.round(1.235, 2) == 1.24)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#trunc
    @Test func truncTowardZero() {
        let cases: [(Double, Double)] = [(2.0, 2.0), (2.3, 2.0), (2.8, 2.0), (2.5, 2.0), (-2.3, -2.0), (-2.8, -2.0), (-2.5, -2.0), (0, 0)]
        for (x, expected) in cases { #expect(MathFunctions.trunc(x) == expected) }
    }

    @Test func truncToDigits() {
        #expect(MathFunctions.trunc(123.456, 2) == 123.45)
        #expect(MathFunctions.trunc(-123.456, -1) == -120)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#ceil
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#floor
    @Test func ceilAndFloor() {
        #expect(MathFunctions.ceil(2.3) == 3.0)
        #expect(MathFunctions.ceil(-2.8) == -2.0)
        #expect(MathFunctions.floor(2.8) == 2.0)
        #expect(MathFunctions.floor(-2.3) == -3.0)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#sqrt
    @Test func sqrtOfPositiveAndInfinity() throws {
        #expect(try MathFunctions.sqrt(25.0) == 5.0)
        #expect(try MathFunctions.sqrt(Double.infinity) == .infinity)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#sqrt
    @Test func sqrtOfNegativeErrors() {
        #expect(throws: BQFixture.error("Argument to SQRT cannot be negative: -1")) {
            try MathFunctions.sqrt(-1.0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#pow
    @Test func powSpecialCases() throws {
        #expect(try MathFunctions.pow(2.0, 3.0) == 8.0)
        #expect(try MathFunctions.pow(1.0, .nan) == 1.0)
        #expect(try MathFunctions.pow(Double.nan, 0) == 1.0)
        #expect(try MathFunctions.pow(-1.0, .infinity) == 1.0)
        #expect(try MathFunctions.pow(0.5, -.infinity) == .infinity)
        #expect(try MathFunctions.pow(2.0, -.infinity) == 0.0)
        #expect(try MathFunctions.pow(-Double.infinity, 3.0) == -.infinity)
        #expect(try MathFunctions.pow(Double.infinity, -1.0) == 0.0)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#pow
    @Test func powOfNegativeBaseToFractionErrors() {
        #expect(throws: BQFixture.error("Floating point error in function: POW(-2, 0.5)")) {
            try MathFunctions.pow(-2.0, 0.5)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#pow
    @Test func powOfZeroToNegativeErrors() {
        #expect(throws: BQFixture.error("Floating point error in function: POW(0, -1)")) {
            try MathFunctions.pow(0.0, -1.0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#exp
    @Test func expValues() throws {
        #expect(try MathFunctions.exp(0.0) == 1.0)
        #expect(try MathFunctions.exp(-Double.infinity) == 0.0)
    }

    @Test func expOverflowErrors() {
        #expect(throws: BQFixture.error("Floating point error in function: EXP(1000)")) {
            try MathFunctions.exp(1000.0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#ln
    @Test func lnValues() throws {
        #expect(try MathFunctions.ln(1.0) == 0.0)
        #expect(try MathFunctions.ln(Double.infinity) == .infinity)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#ln
    @Test func lnOfNonPositiveErrors() {
        #expect(throws: BQFixture.error("Floating point error in function: LN(-1)")) {
            try MathFunctions.ln(-1.0)
        }
        #expect(throws: BQFixture.error("Floating point error in function: LN(0)")) {
            try MathFunctions.ln(0.0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#log
    @Test func logWithBase() throws {
        #expect(try MathFunctions.log(100.0, 10.0) == 2.0)
        #expect(try MathFunctions.log(-Double.infinity, 10.0)!.isNaN)
        #expect(try MathFunctions.log(Double.infinity, 0.5) == -.infinity)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#log
    @Test func logWithBaseOneErrors() {
        #expect(throws: BQFixture.error("Floating point error in function: LOG(100, 1)")) {
            try MathFunctions.log(100.0, 1.0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#greatest
    @Test func greatestAndLeast() {
        #expect(MathFunctions.greatest([3, 5, 1] as [Int64?]) == 5)
        #expect(MathFunctions.least([3, 5, 1] as [Int64?]) == 1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#greatest
    @Test func greatestWithNullIsNull() {
        #expect(MathFunctions.greatest([3, nil, 1] as [Int64?]) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#greatest
    @Test func greatestWithNaNIsNaN() {
        #expect(MathFunctions.greatest([3.0, .nan, 1.0])!.isNaN)
        #expect(MathFunctions.least([3.0, .nan, 1.0])!.isNaN)
    }
}

struct BigQueryFunctionsConversionTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#casting_hex_strings_to_integers
    @Test func castHexStringToInt64() throws {
        #expect(try Conversions.castToInt64("0x123") == 291)
        #expect(try Conversions.castToInt64("-0x123") == -291)
    }

    @Test func castStringToInt64AcceptsSurroundingWhitespaceAndSign() throws {
        #expect(try Conversions.castToInt64("  +42 ") == 42)
        #expect(try Conversions.castToInt64("-9223372036854775808") == Int64.min)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#safe_casting
    @Test func castBadStringToInt64Errors() {
        #expect(throws: BQFixture.error("Bad int64 value: apple")) {
            try Conversions.castToInt64("apple")
        }
    }

    @Test func castOutOfRangeStringToInt64Errors() {
        #expect(throws: BQFixture.error("Bad int64 value: 9223372036854775808")) {
            try Conversions.castToInt64("9223372036854775808")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#safe_casting
    @Test func safeCastReturnsNull() {
        #expect(Conversions.safeCastToInt64("apple") == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    // ("Halfway cases such as 1.5 or -0.5 round away from zero.")
    @Test func castFloat64ToInt64RoundsHalfAwayFromZero() throws {
        #expect(try Conversions.castToInt64(1.5) == 2)
        #expect(try Conversions.castToInt64(-0.5) == -1)
        #expect(try Conversions.castToInt64(2.4) == 2)
    }

    @Test func castNaNToInt64Errors() {
        #expect(throws: BQFixture.error("Illegal conversion of non-finite floating point number to an integer: nan")) {
            try Conversions.castToInt64(Double.nan)
        }
    }

    @Test func castHugeFloat64ToInt64Errors() {
        #expect(throws: BQFixture.error("int64 out of range: 1e+20")) {
            try Conversions.castToInt64(1e20)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    // ("Returns an approximate string representation. A returned NaN or 0 will not be signed.")
    @Test func castFloat64ToString() {
        #expect(Conversions.castToString(1.0) == "1")
        #expect(Conversions.castToString(0.1) == "0.1")
        #expect(Conversions.castToString(1e20) == "1e+20")
        #expect(Conversions.castToString(-2.5) == "-2.5")
        #expect(Conversions.castToString(123456789.25) == "123456789.25")
        #expect(Conversions.castToString(1.0 / 3.0) == "0.33333333333333331")
    }

    @Test func castSpecialFloat64ToString() {
        #expect(Conversions.castToString(Double.infinity) == "inf")
        #expect(Conversions.castToString(-Double.infinity) == "-inf")
        #expect(Conversions.castToString(Double.nan) == "nan")
        #expect(Conversions.castToString(-0.0) == "0")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    // ("Also supports casts from "inf", "+inf", "-inf", and "nan". Conversions are case-insensitive.")
    @Test func castStringToFloat64AcceptsInfAndNaN() throws {
        #expect(try Conversions.castToDouble("inf") == .infinity)
        #expect(try Conversions.castToDouble("+INF") == .infinity)
        #expect(try Conversions.castToDouble("-inf") == -.infinity)
        #expect(try Conversions.castToDouble("NaN")!.isNaN)
    }

    @Test func castStringToFloat64ParsesLiterals() throws {
        #expect(try Conversions.castToDouble(" 1.5e3 ") == 1500)
        #expect(try Conversions.castToDouble(".5") == 0.5)
    }

    @Test func castBadStringToFloat64Errors() {
        #expect(throws: BQFixture.error("Bad double value: 1,5")) {
            try Conversions.castToDouble("1,5")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    // (BOOL → STRING "true"/"false"; STRING → BOOL case-insensitive, other values error)
    @Test func boolStringRoundTrip() throws {
        #expect(Conversions.castToString(true) == "true")
        #expect(Conversions.castToString(false) == "false")
        #expect(try Conversions.castToBool("TRUE") == true)
        #expect(try Conversions.castToBool("false") == false)
    }

    @Test func castBadStringToBoolErrors() {
        #expect(throws: BQFixture.error("Bad bool value: yes")) {
            try Conversions.castToBool("yes")
        }
    }

    @Test func castIntegerBoolConversions() {
        #expect(Conversions.castToBool(Int64(0)) == false)
        #expect(Conversions.castToBool(Int64(-3)) == true)
        #expect(Conversions.castToInt64(true) == 1)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    // (BYTES → STRING errors on invalid UTF-8)
    @Test func castInvalidUTF8BytesToStringErrors() throws {
        #expect(Conversions.safeCastToString([0xC2]) == nil)
        #expect(try Conversions.castToString([0xC2, 0xA9]) == "©")
    }

    @Test func castNullIsNull() throws {
        #expect(try Conversions.castToInt64(nil as String?) == nil)
    }
}
