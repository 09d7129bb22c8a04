import BigQueryEngine
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionConditionalTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conditional_expressions#if
    // (the result type is the supertype of the two results)
    @Test func ifUsesTheSupertype() throws {
        #expect(try h.resultType("IF", [.bool, .int64, .float64]) == .float64)
        #expect(try h.evaluate("IF", [.bool, .int64, .float64], ["1", "1", "2.5"]) == .double(1))
        #expect(try h.evaluate("IF", [.bool, .string, .string], ["NULL", "'a'", "'b'"]) == .text("b"))
    }

    @Test func ifEvaluatesOnlyTheChosenBranch() throws {
        let (_, division) = try h.sql(FunctionLibrary.binary(.divide, .int64, .int64), ["1", "0"])
        #expect(try h.evaluate("IF", [.bool, .float64, .float64], ["0", division, "2.0"]) == .double(2))
    }

    @Test func ifNeedsABoolCondition() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("IF", arguments: [.int64, .int64, .int64], safe: false))
            == "No matching signature for function IF for argument types: INT64, INT64, INT64. Supported signature: IF(BOOL, ANY, ANY)")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conditional_expressions#ifnull
    @Test func ifnull() throws {
        #expect(try h.evaluate("IFNULL", [.int64, .int64], ["NULL", "0"]) == .int(0))
        #expect(try h.evaluate("IFNULL", [.int64, .int64], ["10", "0"]) == .int(10))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conditional_expressions#nullif
    @Test func nullif() throws {
        #expect(try h.evaluate("NULLIF", [.int64, .int64], ["0", "0"]) == .null)
        #expect(try h.evaluate("NULLIF", [.int64, .int64], ["10", "0"]) == .int(10))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/conditional_expressions#coalesce
    @Test func coalesceReturnsTheFirstNonNull() throws {
        #expect(try h.evaluate("COALESCE", [.string, .string, .string], ["NULL", "'B'", "'C'"]) == .text("B"))
        #expect(try h.evaluate("COALESCE", [.string], ["'A'"]) == .text("A"))
    }

    @Test func coalesceCoercesInt64ToFloat64() throws {
        let (type, sql) = try h.sql(FunctionLibrary.function("COALESCE", arguments: [.int64, .float64], safe: false), ["1", "2.5"])
        #expect(type == .float64)
        #expect(try h.select("typeof(\(sql))") == .text("real"))
    }

    @Test func coalesceCoercesDateToDatetime() throws {
        #expect(try h.evaluate("COALESCE", [.date, .datetime], ["'2024-01-02'", "NULL"]) == .text("2024-01-02T00:00:00"))
    }

    @Test func coalesceWithoutASupertypeIsNoMatch() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("COALESCE", arguments: [.int64, .string], safe: false))
            == "No matching signature for function COALESCE for argument types: INT64, STRING. Supported signature: COALESCE(ANY, [ANY, ...])")
    }

    @Test func untypedNullArgumentsFitAnyParameter() throws {
        let (type, sql) = try h.sql(FunctionLibrary.function("CONCAT", argumentTypes: [.string, nil], safe: false), ["'a'", "NULL"])
        #expect(type == .string)
        #expect(try h.select(sql) == .null)
    }

    @Test func unknownFunctionIsNil() {
        #expect(FunctionLibrary.function("NO_SUCH_FUNCTION", arguments: [], safe: false) == nil)
    }

    // The message the brief and BigQuery give for LENGTH(INT64).
    @Test func noMatchListsTheSupportedSignatures() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("LENGTH", arguments: [.int64], safe: false))
            == "No matching signature for function LENGTH for argument types: INT64. Supported signatures: LENGTH(STRING); LENGTH(BYTES)")
    }

    @Test func noMatchShowsOptionalAndRepeatedParameters() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("SUBSTR", arguments: [.int64], safe: false))
            == "No matching signature for function SUBSTR for argument types: INT64. Supported signatures: SUBSTR(STRING, INT64, [INT64]); SUBSTR(BYTES, INT64, [INT64])")
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("CONCAT", arguments: [], safe: false))
            == "No matching signature for function CONCAT with no arguments. Supported signatures: CONCAT(STRING, [STRING, ...]); CONCAT(BYTES, [BYTES, ...])")
    }

    @Test func noMatchShowsIntervalsAndDateParts() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("DATE_ADD", arguments: [.string, .int64, .string], safe: false))
            == "No matching signature for function DATE_ADD for argument types: STRING, INTERVAL INT64 DATE_TIME_PART. Supported signature: DATE_ADD(DATE, INTERVAL INT64 DATE_TIME_PART)")
    }
}

struct BigQueryEngineFunctionArrayTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#array_length
    @Test func arrayLength() throws {
        #expect(try h.evaluate("ARRAY_LENGTH", [.array(.string)], [#"'["coffee",null,"milk"]'"#]) == .int(3))
        #expect(try h.evaluate("ARRAY_LENGTH", [.array(.int64)], ["'[]'"]) == .int(0))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#array_to_string
    @Test func arrayToStringSkipsNullsUnlessReplaced() throws {
        let array = #"'["cake","pie",null]'"#
        #expect(try h.evaluate("ARRAY_TO_STRING", [.array(.string), .string], [array, "'--'"]) == .text("cake--pie"))
        #expect(try h.evaluate("ARRAY_TO_STRING", [.array(.string), .string, .string], [array, "'--'", "'MISSING'"]) == .text("cake--pie--MISSING"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#array_reverse
    @Test func arrayReverse() throws {
        #expect(try h.evaluate("ARRAY_REVERSE", [.array(.int64)], ["'[1,2,3]'"]) == .text("[3,2,1]"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#array_concat
    @Test func arrayConcat() throws {
        let type = SQLType.array(.int64)
        #expect(try h.evaluate("ARRAY_CONCAT", [type, type, type], ["'[1,2]'", "'[3,4]'", "'[5,6]'"]) == .text("[1,2,3,4,5,6]"))
    }

    @Test func arrayConcatNeedsOneElementType() {
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("ARRAY_CONCAT", arguments: [.array(.int64), .array(.string)], safe: false)) != nil)
    }
}
