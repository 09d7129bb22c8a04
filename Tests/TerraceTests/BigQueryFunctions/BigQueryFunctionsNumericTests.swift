// NUMERIC is built on Swift's Int128, which Apple platforms only have from macOS 15 and Swift
// Testing cannot run availability-restricted tests, so these run where Int128 is unrestricted.
#if !canImport(Darwin)
import BigQueryFunctions
import Testing

// https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#decimal_types
// (NUMERIC: precision 38, scale 9, range ±9.9999999999999999999999999999999999999E+28)
struct BigQueryFunctionsNumericTests {
    func n(_ text: String) -> BQNumeric { try! NumericFunctions.cast(text)! }

    /// The text by the definition: integer part, then the 9 fractional digits without trailing zeros.
    static func reference(_ scaled: Int128) -> String {
        let magnitude = scaled.magnitude
        var fraction = String(magnitude % 1_000_000_000)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = scaled < 0 ? "-" : ""
        return fraction.isEmpty ? "\(sign)\(magnitude / 1_000_000_000)" : "\(sign)\(magnitude / 1_000_000_000).\(fraction)"
    }

    @Test func canonicalTextOfEveryMagnitudeMatchesTheDefinition() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let limit: Int128 = 99_999_999_999_999_999_999_999_999_999_999_999_999
        var values: [Int128] = [0, 1, -1, 10, 1_000_000_000, -1_000_000_000, 123_000_000_000, limit, -limit, Int128(UInt64.max) * 1_000_000_000]
        for _ in 0..<2000 {
            let wide = Int128(next() % 100_000_000_000) * Int128(next()) % limit
            let digits = Int(next() % 38) + 1
            var scaled = wide
            for _ in 0..<(38 - digits) { scaled /= 10 }
            values.append(next() % 2 == 0 ? scaled : -scaled)
        }
        for scaled in values {
            #expect(BQNumeric(scaledValue: scaled)?.description == Self.reference(scaled), "\(scaled)")
        }
    }

    @Test func thePlainFormParsesAsTheGeneralParserDoes() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        var texts = ["0", "-0", "1", "-1", "123.45", "0.000000001", "999999999999999999.999999999", "-999999999999999999.999999999",
                     "1.", ".5", "1.0000000001", "1234567890123456789", "12a", "-", "", "1.5e3", "+1", "00012.500"]
        for _ in 0..<3000 {
            let integer = String(next() % 1_000_000_000_000_000_000)
            let fractionDigits = Int(next() % 11)
            let fraction = String(String(next()).prefix(fractionDigits))
            texts.append((next() % 2 == 0 ? "-" : "") + integer + (fraction.isEmpty ? "" : "." + fraction))
        }
        for text in texts {
            // A leading space takes the general parser.
            #expect(BQNumeric(parsing: text) == BQNumeric(parsing: " " + text), "\(text)")
        }
    }

    @Test func canonicalTextDropsTrailingZeros() {
        #expect(n("1.50").description == "1.5")
        #expect(n("3.000").description == "3")
        #expect(n("-0.001").description == "-0.001")
        #expect(n("1.5e3").description == "1500")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    // ("If the number of digits after the decimal point exceeds nine, then the resulting NUMERIC
    // value will round half away from zero to have nine digits after the decimal point.")
    @Test func parsingRoundsHalfAwayFromZeroAtNineDigits() {
        #expect(n("0.0000000005").description == "0.000000001")
        #expect(n("-0.0000000005").description == "-0.000000001")
        #expect(n("0.0000000004999").description == "0")
    }

    @Test func theRangeEndsJustBelowTenToTheTwentyNinth() throws {
        #expect(n("99999999999999999999999999999.999999999").description == "99999999999999999999999999999.999999999")
        #expect(throws: BQFixture.error("Invalid NUMERIC value: 100000000000000000000000000000")) {
            try NumericFunctions.cast("100000000000000000000000000000")
        }
    }

    @Test func invalidTextErrors() {
        #expect(throws: BQFixture.error("Invalid NUMERIC value: abc")) {
            try NumericFunctions.cast("abc")
        }
    }

    @Test func additionIsExact() throws {
        #expect(try NumericFunctions.add(n("0.1"), n("0.2")) == n("0.3"))
    }

    @Test func additionOverflowErrors() {
        #expect(throws: BQFixture.error("numeric overflow: 99999999999999999999999999999 + 1")) {
            try NumericFunctions.add(n("99999999999999999999999999999"), n("1"))
        }
    }

    @Test func multiplicationRoundsTheProduct() throws {
        #expect(try NumericFunctions.multiply(n("1.5"), n("2.25")) == n("3.375"))
        #expect(try NumericFunctions.multiply(n("0.000000001"), n("0.5")) == n("0.000000001"))
    }

    @Test func divisionRoundsHalfAwayFromZero() throws {
        #expect(try NumericFunctions.divide(n("1"), n("3")) == n("0.333333333"))
        #expect(try NumericFunctions.divide(n("2"), n("3")) == n("0.666666667"))
        #expect(try NumericFunctions.divide(n("-2"), n("3")) == n("-0.666666667"))
    }

    @Test func divisionByZeroErrors() {
        #expect(throws: BQFixture.error("division by zero: 1 / 0")) {
            try NumericFunctions.divide(n("1"), n("0"))
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conversion_functions#cast
    // (FLOAT64 → NUMERIC rounds half away from zero beyond nine digits; NaN and ±inf error)
    @Test func castFromFloat64() throws {
        #expect(try NumericFunctions.cast(1.5)?.description == "1.5")
        #expect(try NumericFunctions.cast(0.1)?.description == "0.1")
        #expect(try NumericFunctions.cast(1e-10)?.description == "0")
    }

    @Test func castNaNToNumericErrors() {
        #expect(throws: BQFixture.error("Illegal conversion of non-finite floating point number to numeric: nan")) {
            try NumericFunctions.cast(Double.nan)
        }
    }

    @Test func castToOtherTypes() throws {
        #expect(NumericFunctions.castToDouble(n("2.5")) == 2.5)
        #expect(try NumericFunctions.castToInt64(n("2.5")) == 3)
        #expect(try NumericFunctions.castToInt64(n("-2.5")) == -3)
        #expect(NumericFunctions.cast(Int64(42)) == n("42"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/mathematical_functions#round
    @Test func roundAndTruncAtDigits() throws {
        #expect(try NumericFunctions.round(n("1.235"), 2) == n("1.24"))
        #expect(try NumericFunctions.round(n("-2.5")) == n("-3"))
        #expect(try NumericFunctions.round(n("123.7"), -1) == n("120"))
        #expect(NumericFunctions.trunc(n("-2.58"), 1) == n("-2.5"))
    }
}
#endif
