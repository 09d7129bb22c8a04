import BigQueryEngine
import GoogleSQL
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionOperatorTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators
    // ("All operators will throw an error if the computation result overflows.")
    @Test func int64AdditionOverflowErrors() {
        #expect(h.failure { try h.binary(.add, .int64, .int64, "9223372036854775807", "1") } == "int64 overflow: 9223372036854775807 + 1")
    }

    @Test func int64MultiplicationOverflowErrors() {
        #expect(h.failure { try h.binary(.multiply, .int64, .int64, "4611686018427387904", "2") } == "int64 overflow: 4611686018427387904 * 2")
    }

    @Test func int64SubtractionReachesTheMinimumExactly() throws {
        #expect(try h.binary(.subtract, .int64, .int64, "-9223372036854775807", "1") == .int(.min))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators
    // ("Divide by zero operations return an error.")
    @Test func divisionByZeroErrors() {
        #expect(h.failure { try h.binary(.divide, .int64, .int64, "1", "0") } == "division by zero: 1 / 0")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators
    // (result types: INT64 / INT64 is FLOAT64, INT64 + FLOAT64 is FLOAT64)
    @Test func divisionOfIntegersIsFloat64() throws {
        let (type, sql) = try h.sql(FunctionLibrary.binary(.divide, .int64, .int64), ["7", "2"])
        #expect(type == .float64)
        #expect(try h.select(sql) == .double(3.5))
    }

    @Test func mixedIntegerAndFloatAddIsFloat64() throws {
        let (type, sql) = try h.sql(FunctionLibrary.binary(.add, .int64, .float64), ["1", "0.5"])
        #expect(type == .float64)
        #expect(try h.select(sql) == .double(1.5))
    }

    @Test func arithmeticPropagatesNull() throws {
        #expect(try h.binary(.add, .int64, .int64, "NULL", "1") == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators
    // (INT64 + NUMERIC is NUMERIC)
    @Test func numericArithmeticIsExact() throws {
        let (type, sql) = try h.sql(FunctionLibrary.binary(.add, .numeric, .numeric), ["'0.1'", "'0.2'"])
        #expect(type == .numeric)
        #expect(try h.select(sql) == .text("0.3"))
        #expect(try h.binary(.multiply, .int64, .numeric, "3", "'1.5'") == .text("4.5"))
    }

    @Test func numericDivisionRoundsToNineDigits() throws {
        #expect(try h.binary(.divide, .numeric, .numeric, "'1'", "'3'") == .text("0.333333333"))
    }

    @Test func bignumericArithmeticKeepsThirtyEightDigits() throws {
        #expect(try h.binary(.add, .bignumeric, .int64, "'1.00000000000000000000000000000000000001'", "1")
            == .text("2.00000000000000000000000000000000000001"))
        #expect(try h.binary(.divide, .bignumeric, .bignumeric, "'1'", "'3'") == .text("0.33333333333333333333333333333333333333"))
        #expect(try h.binary(.multiply, .bignumeric, .bignumeric, "'-1.5'", "'2'") == .text("-3"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#arithmetic_operators
    @Test func unaryMinusOfInt64MinOverflows() {
        #expect(h.failure { try h.unary(.minus, .int64, "(-9223372036854775807 - 1)") } == "int64 overflow: --9223372036854775808")
    }

    @Test func unaryMinusOfNumeric() throws {
        #expect(try h.unary(.minus, .numeric, "'1.5'") == .text("-1.5"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#date_arithmetics_operators
    @Test func dateArithmeticWithDays() throws {
        #expect(try h.binary(.add, .date, .int64, "'2020-09-22'", "1") == .text("2020-09-23"))
        #expect(try h.binary(.subtract, .date, .int64, "'2020-09-22'", "7") == .text("2020-09-15"))
    }

    @Test func concatenationOperator() throws {
        #expect(try h.binary(.concatenate, .string, .string, "'ab'", "'cd'") == .text("abcd"))
        #expect(try h.binary(.concatenate, .bytes, .bytes, "X'01'", "X'02'") == .blob([1, 2]))
        #expect(try h.binary(.concatenate, .array(.int64), .array(.int64), "'[1]'", "'[2,3]'") == .text("[1,2,3]"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#comparison_operators
    @Test func numericComparesNumericallyNotAsText() throws {
        #expect(try h.binary(.greater, .numeric, .numeric, "'10'", "'9'") == .int(1))
        #expect(try h.binary(.less, .numeric, .numeric, "'-10.5'", "'-9'") == .int(1))
        #expect(try h.binary(.equal, .int64, .numeric, "2", "'2'") == .int(1))
    }

    @Test func int64ComparesWithFloat64() throws {
        #expect(try h.binary(.less, .int64, .float64, "1", "1.5") == .int(1))
    }

    @Test func comparisonOfIncomparableTypesIsNoMatch() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.binary(.equal, .int64, .string))
            == "No matching signature for operator = for argument types: INT64, STRING. Supported signature: ANY = ANY")
    }

    @Test func arraysHaveNoEquality() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.binary(.equal, .array(.int64), .array(.int64)))
            == "Equality is not defined for arguments of type ARRAY<INT64>")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#comparison_operators
    // (STRUCT(1, NULL) = STRUCT(1, NULL) is NULL; STRUCT(1, NULL) = STRUCT(2, NULL) is FALSE)
    @Test func structEqualityFollowsTheNullRules() throws {
        let type = SQLType.struct([.init("a", .int64), .init("b", .int64)])
        #expect(try h.binary(.equal, type, type, #"'{"a":1,"b":null}'"#, #"'{"a":1,"b":null}'"#) == .null)
        #expect(try h.binary(.equal, type, type, #"'{"a":1,"b":null}'"#, #"'{"a":2,"b":null}'"#) == .int(0))
        #expect(try h.binary(.equal, type, type, #"'{"a":1,"b":2}'"#, #"'{"a":1,"b":2}'"#) == .int(1))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#like_operator
    @Test func likeMatchesWildcards() throws {
        #expect(try h.binary(.like, .string, .string, "'apple'", "'a%'") == .int(1))
        #expect(try h.binary(.like, .string, .string, "'%a'", "'apple'") == .int(0))
        #expect(try h.binary(.notLike, .string, .string, "'apple'", "'a%'") == .int(0))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#like_operator
    // ('Foo' LIKE '%foo%' returns FALSE: LIKE is case-sensitive)
    @Test func likeIsCaseSensitive() throws {
        #expect(try h.binary(.like, .string, .string, "'Foo'", "'%foo%'") == .int(0))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#like_operator
    // ("You can escape \, _, or % using two backslashes", i.e. one backslash in the value)
    @Test func likeEscapesWithABackslash() throws {
        #expect(try h.binary(.like, .string, .string, "'100%'", #"'100\%'"#) == .int(1))
        #expect(try h.binary(.like, .string, .string, "'1000'", #"'100\%'"#) == .int(0))
        #expect(try h.binary(.like, .string, .string, "'a_b'", #"'a\_b'"#) == .int(1))
        #expect(try h.binary(.like, .string, .string, "'axb'", #"'a\_b'"#) == .int(0))
    }

    @Test func likeUnderscoreIsOneCharacter() throws {
        #expect(try h.binary(.like, .string, .string, "'é'", "'_'") == .int(1))
        #expect(try h.binary(.like, .bytes, .bytes, "CAST('é' AS BLOB)", "CAST('_' AS BLOB)") == .int(0))
    }

    @Test func likeTreatsRegexCharactersLiterally() throws {
        #expect(try h.binary(.like, .string, .string, "'a.c'", "'a.c'") == .int(1))
        #expect(try h.binary(.like, .string, .string, "'abc'", "'a.c'") == .int(0))
    }

    @Test func likePatternEndingInABackslashErrors() {
        #expect(h.failure { try h.binary(.like, .string, .string, "'a'", #"'a\'"#) } == "LIKE pattern ends with a backslash")
    }

    @Test func likeWithNullIsNull() throws {
        #expect(try h.binary(.like, .string, .string, "NULL", "'a%'") == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#bitwise_operators
    @Test func bitwiseOperatorsOnInt64() throws {
        #expect(try h.binary(.bitwiseAnd, .int64, .int64, "12", "10") == .int(8))
        #expect(try h.binary(.bitwiseOr, .int64, .int64, "12", "10") == .int(14))
        #expect(try h.binary(.bitwiseXor, .int64, .int64, "12", "10") == .int(6))
        #expect(try h.unary(.bitwiseNot, .int64, "0") == .int(-1))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#bitwise_operators
    // (>> does not extend the sign bit; shifting by 64 or more gives 0; a negative shift errors)
    @Test func shiftsAreLogical() throws {
        #expect(try h.binary(.shiftRight, .int64, .int64, "-1", "60") == .int(15))
        #expect(try h.binary(.shiftLeft, .int64, .int64, "1", "64") == .int(0))
        #expect(h.failure { try h.binary(.shiftLeft, .int64, .int64, "1", "-1") } == "Bitwise shift by negative offset.")
    }

    @Test func bitwiseOnBytesOfDifferentLengthsErrors() {
        #expect(h.failure { try h.binary(.bitwiseAnd, .bytes, .bytes, "X'01'", "X'0102'") }
            == "Bitwise binary operator for BYTES requires equal length of the inputs. Got 1 bytes on the left hand side and 2 bytes on the right hand side.")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#logical_operators
    @Test func logicalOperatorsUseThreeValuedLogic() throws {
        #expect(try h.binary(.and, .bool, .bool, "NULL", "0") == .int(0))
        #expect(try h.binary(.or, .bool, .bool, "NULL", "1") == .int(1))
        #expect(try h.binary(.and, .bool, .bool, "NULL", "1") == .null)
        #expect(try h.unary(.not, .bool, "NULL") == .null)
    }

    @Test func arithmeticOnStringsIsNoMatch() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.binary(.add, .string, .int64))?
            .hasPrefix("No matching signature for operator + for argument types: STRING, INT64. Supported signatures: INT64 + INT64; ") == true)
    }

    @Test func untypedNullTakesTheOtherSide() throws {
        let (type, sql) = try h.sql(FunctionLibrary.binary(.add, leftType: nil, rightType: .numeric), ["NULL", "'1'"])
        #expect(type == .numeric)
        #expect(try h.select(sql) == .null)
    }
}
