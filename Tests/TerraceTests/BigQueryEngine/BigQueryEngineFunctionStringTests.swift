import BigQueryEngine
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionStringTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#length
    @Test func lengthCountsCharactersOfStrings() throws {
        #expect(try h.evaluate("LENGTH", [.string], ["'абвгд'"]) == .int(5))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#length
    @Test func lengthCountsBytesOfBytes() throws {
        #expect(try h.evaluate("LENGTH", [.bytes], ["CAST('абвгд' AS BLOB)"]) == .int(10))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#byte_length
    @Test func byteLengthOfAString() throws {
        #expect(try h.evaluate("BYTE_LENGTH", [.string], ["'абвгд'"]) == .int(10))
    }

    @Test func charLengthIsLength() throws {
        #expect(try h.evaluate("CHAR_LENGTH", [.string], ["'héllo'"]) == .int(5))
    }

    @Test func lengthOfNullIsNull() throws {
        #expect(try h.evaluate("LENGTH", [.string], ["NULL"]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrWithALength() throws {
        #expect(try h.evaluate("SUBSTR", [.string, .int64, .int64], ["'apple'", "2", "2"]) == .text("pp"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrNegativePositionCountsFromTheEnd() throws {
        #expect(try h.evaluate("SUBSTR", [.string, .int64], ["'apple'", "-2"]) == .text("le"))
    }

    @Test func substrCountsCodePoints() throws {
        #expect(try h.evaluate("SUBSTRING", [.string, .int64, .int64], ["'héllo wörld'", "2", "4"]) == .text("éllo"))
    }

    @Test func substrWithANullLengthIsNull() throws {
        #expect(try h.evaluate("SUBSTR", [.string, .int64, .int64], ["'apple'", "2", "NULL"]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrNegativeLengthErrors() {
        #expect(h.failure { try h.evaluate("SUBSTR", [.string, .int64, .int64], ["'apple'", "1", "-1"]) }
            == "Third argument in SUBSTR() cannot be negative")
    }

    @Test func safeSubstrReturnsNullInsteadOfAnError() throws {
        #expect(try h.evaluate("SUBSTR", [.string, .int64, .int64], ["'apple'", "1", "-1"], safe: true) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#upper
    @Test func upperUsesFullCaseMapping() throws {
        #expect(try h.evaluate("UPPER", [.string], ["'straße'"]) == .text("STRASSE"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lower
    @Test func lowerOfUnicode() throws {
        #expect(try h.evaluate("LOWER", [.string], ["'ÀÉÎ FOO'"]) == .text("àéî foo"))
    }

    @Test func lowerOfBytesOnlyTouchesASCII() throws {
        #expect(try h.evaluate("LOWER", [.bytes], ["X'41C3'"]) == .blob([0x61, 0xC3]))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#concat
    @Test func concatJoinsStrings() throws {
        #expect(try h.evaluate("CONCAT", [.string, .string, .string], ["'T.P.'", "' '", "'Bar'"]) == .text("T.P. Bar"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#concat
    // ("If any input argument is NULL, the function returns NULL.")
    @Test func concatWithNullIsNull() throws {
        #expect(try h.evaluate("CONCAT", [.string, .string], ["'a'", "NULL"]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#concat
    // ("All values must be BYTES or data types that can be cast to STRING.")
    @Test func concatCastsOtherValuesToString() throws {
        #expect(try h.evaluate("CONCAT", [.string, .int64, .float64, .date], ["'a'", "1", "1.5", "'2024-01-02'"]) == .text("a11.52024-01-02"))
        #expect(try h.binary(.concatenate, .string, .int64, "'a'", "1") == .text("a1"))
    }

    @Test func concatOfBytes() throws {
        #expect(try h.evaluate("CONCAT", [.bytes, .bytes], ["X'01'", "X'02'"]) == .blob([1, 2]))
        #expect(BigQueryEngineFunctionHarness.noMatch(FunctionLibrary.function("CONCAT", arguments: [.bytes, .string], safe: false))
            == "No matching signature for function CONCAT for argument types: BYTES, STRING. Supported signatures: CONCAT(STRING, [STRING, ...]); CONCAT(BYTES, [BYTES, ...])")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#trim
    @Test func trimRemovesWhitespace() throws {
        #expect(try h.evaluate("TRIM", [.string], ["'   apple   '"]) == .text("apple"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#trim
    @Test func trimRemovesASetOfCharacters() throws {
        #expect(try h.evaluate("TRIM", [.string, .string], ["'***apple***'", "'*'"]) == .text("apple"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#ltrim
    @Test func ltrimAndRtrim() throws {
        #expect(try h.evaluate("LTRIM", [.string], ["'   apple   '"]) == .text("apple   "))
        #expect(try h.evaluate("RTRIM", [.string, .string], ["'***apple***'", "'*'"]) == .text("***apple"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#replace
    @Test func replaceReplacesEveryOccurrence() throws {
        #expect(try h.evaluate("REPLACE", [.string, .string, .string], ["'apple pie'", "'pie'", "'cobbler'"]) == .text("apple cobbler"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#starts_with
    @Test func startsWithAndEndsWith() throws {
        #expect(try h.evaluate("STARTS_WITH", [.string, .string], ["'bar'", "'b'"]) == .int(1))
        #expect(try h.evaluate("ENDS_WITH", [.string, .string], ["'apple'", "'e'"]) == .int(1))
        #expect(try h.evaluate("ENDS_WITH", [.string, .string], ["'apple'", "'E'"]) == .int(0))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#strpos
    @Test func strposIsOneBased() throws {
        #expect(try h.evaluate("STRPOS", [.string, .string], ["'foo@example.com'", "'@'"]) == .int(4))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#instr
    @Test func instrFindsTheSecondOccurrence() throws {
        #expect(try h.evaluate("INSTR", [.string, .string, .int64, .int64], ["'banana'", "'an'", "1", "2"]) == .int(4))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadPadsOnTheLeft() throws {
        #expect(try h.evaluate("LPAD", [.string, .int64], ["'c'", "5"]) == .text("    c"))
        #expect(try h.evaluate("LPAD", [.string, .int64, .string], ["'b'", "4", "'-'"]) == .text("---b"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#rpad
    @Test func rpadPadsOnTheRight() throws {
        #expect(try h.evaluate("RPAD", [.string, .int64, .string], ["'b'", "5", "'-'"]) == .text("b----"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#repeat
    @Test func repeatRepeats() throws {
        #expect(try h.evaluate("REPEAT", [.string, .int64], ["'abc'", "3"]) == .text("abcabcabc"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#reverse
    @Test func reverseReversesCodePoints() throws {
        #expect(try h.evaluate("REVERSE", [.string], ["'абв'"]) == .text("вба"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#left
    @Test func leftAndRight() throws {
        #expect(try h.evaluate("LEFT", [.string, .int64], ["'apple'", "3"]) == .text("app"))
        #expect(try h.evaluate("RIGHT", [.string, .int64], ["'apple'", "3"]) == .text("ple"))
    }

    @Test func leftOfBytes() throws {
        #expect(try h.evaluate("LEFT", [.bytes, .int64], ["X'616263'", "2"]) == .blob([0x61, 0x62]))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#split
    @Test func splitGivesAnArrayAsJSONText() throws {
        #expect(try h.evaluate("SPLIT", [.string, .string], ["'b,c,d'", "','"]) == .text(#"["b","c","d"]"#))
        #expect(try h.resultType("SPLIT", [.string]) == .array(.string))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#split
    // ("Splitting an empty STRING returns an ARRAY with a single empty STRING.")
    @Test func splitOfAnEmptyString() throws {
        #expect(try h.evaluate("SPLIT", [.string], ["''"]) == .text(#"[""]"#))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#to_hex
    @Test func toHexOfBytes() throws {
        #expect(try h.evaluate("TO_HEX", [.bytes], ["X'00010203AAEEEFFF'"]) == .text("00010203aaeeefff"))
    }

    @Test func codePointsRoundTrip() throws {
        #expect(try h.evaluate("TO_CODE_POINTS", [.string], ["'foo'"]) == .text("[102,111,111]"))
        #expect(try h.evaluate("CODE_POINTS_TO_STRING", [.array(.int64)], ["'[65,255,513,1024]'"]) == .text("AÿȁЀ"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#initcap
    @Test func initcapCapitalizesWords() throws {
        #expect(try h.evaluate("INITCAP", [.string], ["'Hello World-everyone!'"]) == .text("Hello World-Everyone!"))
    }
}
