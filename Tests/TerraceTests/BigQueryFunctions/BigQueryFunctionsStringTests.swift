import BigQueryFunctions
import Testing

struct BigQueryFunctionsStringTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#length
    @Test func lengthCountsCharactersForStringsAndBytesForBytes() {
        #expect(StringFunctions.length("абвгд") == 5)
        #expect(StringFunctions.length(Array("абвгд".utf8)) == 10)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#byte_length
    @Test func byteLengthCountsUTF8Bytes() {
        #expect(StringFunctions.byteLength("абвгд") == 10)
    }

    @Test func lengthCountsCodePointsNotGraphemeClusters() {
        #expect(StringFunctions.length("e\u{301}") == 2)
    }

    @Test func lengthOfNullIsNull() {
        #expect(StringFunctions.length(nil as String?) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrFromAPosition() throws {
        #expect(try StringFunctions.substr("apple", 2) == "pple")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrWithALength() throws {
        #expect(try StringFunctions.substr("apple", 2, 2) == "pp")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrNegativePositionCountsFromTheEnd() throws {
        #expect(try StringFunctions.substr("apple", -2) == "le")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrLengthPastTheEndReturnsTheRest() throws {
        #expect(try StringFunctions.substr("apple", 1, 123) == "apple")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrPositionPastTheEndIsEmpty() throws {
        #expect(try StringFunctions.substr("apple", 123) == "")
        #expect(try StringFunctions.substr("apple", 123, 5) == "")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    // ("If position is 0 or less than -LENGTH(value), position is set to 1")
    @Test func substrPositionBeforeTheStartMeansOne() throws {
        #expect(try StringFunctions.substr("apple", 0, 2) == "ap")
        #expect(try StringFunctions.substr("apple", -10, 2) == "ap")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    @Test func substrRejectsANegativeLength() {
        #expect(throws: BQFixture.error("Third argument in SUBSTR() cannot be negative")) {
            try StringFunctions.substr("apple", 1, -1)
        }
    }

    @Test func substrCountsCharacters() throws {
        #expect(try StringFunctions.substr("абвгд", 2, 3) == "бвг")
    }

    @Test func substrOfBytesCountsBytes() throws {
        #expect(try StringFunctions.substr([1, 2, 3, 4] as [UInt8], -2) == [3, 4])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#substr
    // (SAFE.SUBSTR example on the SAFE. prefix: NULL instead of the error)
    @Test func safeSubstrIsNullOnError() {
        #expect(withSafePrefix { try StringFunctions.substr("foo", 0, -2) } == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#left
    @Test func leftAndRightTakeCharacters() throws {
        #expect(try StringFunctions.left("banana", 3) == "ban")
        #expect(try StringFunctions.right("apple", 3) == "ple")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadDefaultsToSpaces() throws {
        #expect(try StringFunctions.lpad("c", 5) == "    c")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadRepeatsAndCutsThePattern() throws {
        #expect(try StringFunctions.lpad("b", 5, "a") == "aaaab")
        #expect(try StringFunctions.lpad("abc", 10, "ghd") == "ghdghdgabc")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadTruncatesWhenShorter() throws {
        #expect(try StringFunctions.lpad("abc", 2, "d") == "ab")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadCountsCharacters() throws {
        #expect(try StringFunctions.lpad("例子", 4) == "  例子")
        #expect(try StringFunctions.lpad("例子", 5, "中文") == "中文中例子")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadOfBytes() throws {
        #expect(try StringFunctions.lpad(Array("abc".utf8), 10, Array("ghd".utf8)) == Array("ghdghdgabc".utf8))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadRejectsAnEmptyPattern() {
        #expect(throws: BQFixture.error("Third argument (pad pattern) for LPAD/RPAD cannot be empty")) {
            try StringFunctions.lpad("abc", 5, "")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadRejectsANegativeLength() {
        #expect(throws: BQFixture.error("Second argument (output size) for LPAD/RPAD cannot be negative")) {
            try StringFunctions.lpad("abc", -1)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lpad
    @Test func lpadWithANullPatternIsNull() throws {
        #expect(try StringFunctions.lpad("abc", 5, nil) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#rpad
    @Test func rpadAppendsThePattern() throws {
        #expect(try StringFunctions.rpad("c", 5) == "c    ")
        #expect(try StringFunctions.rpad("b", 5, "a") == "baaaa")
        #expect(try StringFunctions.rpad("abc", 10, "ghd") == "abcghdghdg")
        #expect(try StringFunctions.rpad("abc", 2, "d") == "ab")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#repeat
    @Test func repeatConcatenatesCopies() throws {
        #expect(try StringFunctions.repeat("abc", 3) == "abcabcabc")
        #expect(try StringFunctions.repeat("abc", nil) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#split
    @Test func splitOnADelimiter() {
        #expect(StringFunctions.split("b c d", " ") == ["b", "c", "d"])
        #expect(StringFunctions.split("a", " ") == ["a"])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#split
    @Test func splitOfAnEmptyStringIsOneEmptyString() {
        #expect(StringFunctions.split("", " ") == [""])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#split
    @Test func splitDefaultsToComma() {
        #expect(StringFunctions.split("a,b,,c") == ["a", "b", "", "c"])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#split
    @Test func splitOnAnEmptyDelimiterYieldsCharacters() {
        #expect(StringFunctions.split("абв", "") == ["а", "б", "в"])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#trim
    @Test func trimRemovesWhitespace() {
        #expect(StringFunctions.concat("#", StringFunctions.trim("   apple   "), "#") == "#apple#")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#trim
    @Test func trimRemovesAnyCharacterOfTheSet() {
        #expect(StringFunctions.trim("***apple***", "*") == "apple")
        #expect(StringFunctions.trim("xzxapplexxy", "xyz") == "apple")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#trim
    @Test func trimWorksOnCodePointsNotGraphemes() {
        #expect(StringFunctions.trim("abaW\u{30A}", "Y\u{30A}") == "abaW")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#trim
    @Test func trimOfBytesRemovesTheByteSet() {
        #expect(StringFunctions.trim(Array("apple".utf8), Array("na".utf8) + [0xAB]) == Array("pple".utf8))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#ltrim
    @Test func ltrimRemovesOnlyLeadingCharacters() {
        #expect(StringFunctions.concat("#", StringFunctions.ltrim("   apple   "), "#") == "#apple   #")
        #expect(StringFunctions.ltrim("***apple***", "*") == "apple***")
        #expect(StringFunctions.ltrim("xxxapplexxx", "xyz") == "applexxx")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#rtrim
    @Test func rtrimRemovesOnlyTrailingCharacters() {
        #expect(StringFunctions.rtrim("***apple***", "*") == "***apple")
        #expect(StringFunctions.rtrim("applexxz", "xyz") == "apple")
    }

    @Test func trimUsesUnicodeWhitespace() {
        #expect(StringFunctions.trim("\u{3000}\u{A0}x\u{2003}") == "x")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#replace
    @Test func replaceReplacesEveryOccurrence() throws {
        #expect(try StringFunctions.replace("apple pie", "pie", "cobbler") == "apple cobbler")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#replace
    @Test func replaceWithAnEmptyPatternReturnsTheInput() throws {
        #expect(try StringFunctions.replace("apple", "", "x") == "apple")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#starts_with
    @Test func startsWithAndEndsWith() {
        #expect(StringFunctions.startsWith("bar", "b") == true)
        #expect(StringFunctions.startsWith("foo", "b") == false)
        #expect(StringFunctions.endsWith("apple", "e") == true)
        #expect(StringFunctions.endsWith("banana", "e") == false)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#concat
    @Test func concatJoinsValues() {
        #expect(StringFunctions.concat("T.P.", " ", "Bar") == "T.P. Bar")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#concat
    // ("The function returns NULL if any input argument is NULL.")
    @Test func concatWithANullIsNull() {
        #expect(StringFunctions.concat("a", nil, "b") == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#reverse
    @Test func reverseReversesCharacters() {
        #expect(StringFunctions.reverse("abc") == "cba")
        #expect(StringFunctions.reverse("абвгд") == "дгвба")
        #expect(StringFunctions.reverse(Array("1a3".utf8)) == Array("3a1".utf8))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#strpos
    @Test func strposIsOneBasedAndZeroWhenAbsent() {
        #expect(StringFunctions.strpos("foo@example.com", "@") == 4)
        #expect(StringFunctions.strpos("quxexample.com", "@") == 0)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#instr
    @Test func instrFindsOccurrences() throws {
        #expect(try StringFunctions.instr("banana", "an", position: 1, occurrence: 1) == 2)
        #expect(try StringFunctions.instr("banana", "an", position: 1, occurrence: 2) == 4)
        #expect(try StringFunctions.instr("banana", "an", position: 1, occurrence: 3) == 0)
        #expect(try StringFunctions.instr("banana", "an", position: 3, occurrence: 1) == 4)
        #expect(try StringFunctions.instr("banana", "ann", position: 1, occurrence: 1) == 0)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#instr
    @Test func instrNegativePositionSearchesBackwards() throws {
        #expect(try StringFunctions.instr("banana", "an", position: -1, occurrence: 1) == 4)
        #expect(try StringFunctions.instr("banana", "an", position: -3, occurrence: 1) == 4)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#instr
    @Test func instrCountsOverlappingOccurrences() throws {
        #expect(try StringFunctions.instr("helloooo", "oo", position: 1, occurrence: 1) == 5)
        #expect(try StringFunctions.instr("helloooo", "oo", position: 1, occurrence: 2) == 6)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#instr
    @Test func instrRejectsPositionZero() {
        #expect(throws: BQFixture.error("Position must be non-zero")) {
            try StringFunctions.instr("banana", "an", position: 0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#instr
    @Test func instrRejectsANonPositiveOccurrence() {
        #expect(throws: BQFixture.error("Occurrence must be positive")) {
            try StringFunctions.instr("banana", "an", position: 1, occurrence: 0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lower
    @Test func lowerLowercases() {
        #expect(StringFunctions.lower("FOO BAR BAZ") == "foo bar baz")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#upper
    @Test func upperUppercases() {
        #expect(StringFunctions.upper("foo") == "FOO")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#upper
    // (Unicode Character Database mappings, no language-specific rules: full mapping ß → SS)
    @Test func upperUsesUnicodeFullCaseMapping() {
        #expect(StringFunctions.upper("straße") == "STRASSE")
        #expect(StringFunctions.upper("абв") == "АБВ")
    }

    @Test func lowerUsesTheFinalSigmaRule() {
        #expect(StringFunctions.lower("ΟΔΟΣ ΟΔΟΣ") == "οδος οδος")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#lower
    // ("For BYTES arguments, the argument is treated as ASCII text, with all bytes greater than
    // 127 left intact.")
    @Test func lowerOfBytesOnlyTouchesASCII() {
        #expect(StringFunctions.lower([0x41, 0xC3, 0x84] as [UInt8]) == [0x61, 0xC3, 0x84])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#to_hex
    @Test func toHexIsLowercase() {
        #expect(StringFunctions.toHex([0x00, 0x01, 0x02, 0x03, 0xAA, 0xEE, 0xEF, 0xFF]) == "00010203aaeeefff")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#from_hex
    @Test func fromHexPadsAnOddLength() throws {
        #expect(try StringFunctions.fromHex("0AF") == [0x00, 0xAF])
        #expect(try StringFunctions.fromHex("666f6f626172") == Array("foobar".utf8))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#to_base64
    @Test func toBase64Pads() {
        #expect(StringFunctions.toBase64([0xFF, 0xE0]) == "/+A=")
        #expect(StringFunctions.toBase64([0xDE, 0xAD, 0xBE, 0xEF]) == "3q2+7w==")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#to_code_points
    @Test func codePointsRoundTrip() throws {
        #expect(StringFunctions.toCodePoints("Ā") == [256])
        #expect(StringFunctions.toCodePoints(Array("Ā".utf8)) == [196, 128])
        #expect(try StringFunctions.codePointsToString([65, 255, 513, 1024]) == "AÿȁЀ")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#code_points_to_string
    @Test func codePointsToStringWithANullElementIsNull() throws {
        #expect(try StringFunctions.codePointsToString([65, 255, nil, 1024]) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#safe_convert_bytes_to_string
    @Test func safeConvertReplacesInvalidUTF8() {
        #expect(StringFunctions.safeConvertBytesToString([0xC2]) == "\u{FFFD}")
    }
}
