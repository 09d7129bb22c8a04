import BigQueryFunctions
import Testing

// https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions (REGEXP_* sections)
struct BigQueryFunctionsRegexTests {
    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_contains
    @Test func containsFindsAPartialMatch() throws {
        #expect(try RegexFunctions.contains("foo@example.com", #"@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+"#) == true)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_contains
    @Test func containsIsFalseWithoutAMatch() throws {
        #expect(try RegexFunctions.contains("www.example.net", #"@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+"#) == false)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_contains
    @Test func containsAnchorsApplyToTheWholeAlternationOnlyWithParentheses() throws {
        #expect(try RegexFunctions.contains("a@foo.computer", #"^([\w.+-]+@foo\.com|[\w.+-]+@bar\.org)$"#) == false)
        #expect(try RegexFunctions.contains("a@foo.computer", #"^[\w.+-]+@foo\.com|[\w.+-]+@bar\.org$"#) == true)
    }

    @Test func containsIsNullForNullInput() throws {
        #expect(try RegexFunctions.contains(nil as String?, "a") == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_contains
    // ("If the regexp argument is invalid, the function returns an error.")
    @Test func invalidPatternIsACannotParseError() {
        #expect(throws: BQFixture.error("Cannot parse regular expression: missing ): (a")) {
            try RegexFunctions.contains("abc", "(a")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func extractWithoutGroupReturnsTheWholeMatch() throws {
        #expect(try RegexFunctions.extract("foo@example.com", "^[a-zA-Z0-9_.+-]+") == "foo")
        #expect(try RegexFunctions.extract("ab", ".b") == "ab")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func extractWithOneGroupReturnsTheGroup() throws {
        #expect(try RegexFunctions.extract("foo@example.com", #"^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.([a-zA-Z0-9-.]+$)"#) == "com")
        #expect(try RegexFunctions.extract("ab", "(.)b") == "a")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func extractOfARepeatedGroupReturnsItsLastIteration() throws {
        #expect(try RegexFunctions.extract("xyztb", "(.)+b") == "t")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func extractIsNullWhenTheGroupDoesNotParticipate() throws {
        #expect(try RegexFunctions.extract("ab", "(z)?b") == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func extractRejectsMoreThanOneCapturingGroup() {
        #expect(throws: BQFixture.error("Regular expressions passed into extraction functions must not have more than 1 capturing group")) {
            try RegexFunctions.extract("ab", "(a)(b)")
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func extractHonoursPositionAndOccurrence() throws {
        let value = "Hello Helloo and Hellooo"
        let cases: [(Int64, Int64, String?)] = [
            (1, 1, "Hello"), (1, 2, "Helloo"), (1, 3, "Hellooo"), (1, 4, nil),
            (2, 1, "ello"), (3, 1, "Helloo"), (3, 2, "Hellooo"), (3, 3, nil), (20, 1, nil),
        ]
        for (position, occurrence, expected) in cases {
            #expect(try RegexFunctions.extract(value, "H?ello+", position: position, occurrence: occurrence) == expected)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func extractOccurrenceCountsNonOverlappingMatches() throws {
        #expect(try RegexFunctions.extract("cats&dogs&rabbits", #"\w+&"#, position: 1, occurrence: 2) == "dogs&")
        #expect(try RegexFunctions.extract("cats&dogs&rabbits", #"\w+&"#, position: 2, occurrence: 3) == nil)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    // ("Returns an error if ... The position isn't a positive integer")
    @Test func extractRejectsANonPositivePosition() {
        #expect(throws: BQFixture.error("Position must be positive")) {
            try RegexFunctions.extract("abc", "b", position: 0)
        }
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_substr
    @Test func substrIsASynonymOfExtract() throws {
        #expect(try RegexFunctions.extract("Hello World Helloo", "H?ello+", position: 1, occurrence: 1) == "Hello")
    }

    @Test func extractCountsPositionInCharacters() throws {
        #expect(try RegexFunctions.extract("ääb", ".", position: 2) == "ä")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract_all
    @Test func extractAllReturnsEachGroupMatch() throws {
        #expect(try RegexFunctions.extractAll("Try `func(x)` or `func(y)`", "`(.+?)`") == ["func(x)", "func(y)"])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract_all
    @Test func extractAllResumesAfterTheWholeMatch() throws {
        #expect(try RegexFunctions.extractAll("123456", #"\d(\d)\d"#) == ["2", "5"])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract_all
    @Test func extractAllIsEmptyWithoutAMatch() throws {
        #expect(try RegexFunctions.extractAll("abc", "x") == [])
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_instr
    @Test func instrReturnsTheStartOfTheFirstMatch() throws {
        #expect(try RegexFunctions.instr("ab@cd-ef", "@[^-]*") == 3)
        #expect(try RegexFunctions.instr("ab@d-ef", "@[^-]*") == 3)
        #expect(try RegexFunctions.instr("abc@cd-ef", "@[^-]*") == 4)
        #expect(try RegexFunctions.instr("abc-ef", "@[^-]*") == 0)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_instr
    @Test func instrStartsSearchingAtPosition() throws {
        let value = "a@cd-ef b@cd-ef"
        #expect(try RegexFunctions.instr(value, "@[^-]*", position: 1) == 2)
        #expect(try RegexFunctions.instr(value, "@[^-]*", position: 2) == 2)
        #expect(try RegexFunctions.instr(value, "@[^-]*", position: 3) == 10)
        #expect(try RegexFunctions.instr(value, "@[^-]*", position: 4) == 10)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_instr
    @Test func instrFindsTheRequestedOccurrence() throws {
        let value = "a@cd-ef b@cd-ef c@cd-ef"
        #expect(try RegexFunctions.instr(value, "@[^-]*", position: 1, occurrence: 1) == 2)
        #expect(try RegexFunctions.instr(value, "@[^-]*", position: 1, occurrence: 2) == 10)
        #expect(try RegexFunctions.instr(value, "@[^-]*", position: 1, occurrence: 3) == 18)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_instr
    @Test func instrOccurrencePositionOneReturnsThePositionAfterTheMatch() throws {
        #expect(try RegexFunctions.instr("a@cd-ef", "@[^-]*", position: 1, occurrence: 1, occurrencePosition: 0) == 2)
        #expect(try RegexFunctions.instr("a@cd-ef", "@[^-]*", position: 1, occurrence: 1, occurrencePosition: 1) == 5)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_replace
    @Test func replaceSubstitutesNumberedGroups() throws {
        #expect(try RegexFunctions.replace("Jane Doe", #"^([\p{L}\x27-]+)\s+([\p{L}\x27-]+)$"#, #"\2, \1"#) == "Doe, Jane")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_replace
    @Test func replaceWithEscapedBackslashInsertsAGroup() throws {
        #expect(try RegexFunctions.replace("abc", "b(.)", "X\\1") == "aXc")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_replace
    @Test func replaceOnlyReplacesNonOverlappingMatches() throws {
        #expect(try RegexFunctions.replace("banana", "ana", "X") == "bXna")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_replace
    // ("Use \0 to refer to the entire matching text.")
    @Test func replaceBackslashZeroIsTheWholeMatch() throws {
        #expect(try RegexFunctions.replace("abc", "b", #"[\0]"#) == "a[b]c")
    }

    @Test func replaceDoubleBackslashIsALiteralBackslash() throws {
        #expect(try RegexFunctions.replace("abc", "b", #"\\"#) == #"a\c"#)
    }

    @Test func replaceRejectsAReferenceToAMissingGroup() {
        #expect(throws: BQFixture.error("Invalid REGEXP_REPLACE pattern: Rewrite schema requests 1 matches, but the regexp only has 0 parenthesized subexpressions.")) {
            try RegexFunctions.replace("abc", "b", #"\1"#)
        }
    }

    @Test func replaceOfAnEmptyMatchInsertsBetweenCharacters() throws {
        #expect(try RegexFunctions.replace("abc", "x*", "-") == "-a-b-c-")
    }

    @Test func bytesPatternsMatchSingleBytes() throws {
        #expect(try RegexFunctions.extract([0x61, 0xFF, 0x62] as [UInt8], [0x2E, 0x62] as [UInt8]) == [0xFF, 0x62])
    }

    @Test func compiledRegexReportsCaptureSpans() throws {
        let regex = try RE2Regex("(b+)(x)?")
        let match = try #require(regex.firstMatch(in: "abbc"))
        #expect(match.whole == RE2Regex.Span(start: 1, end: 3))
        #expect(match.groups == [RE2Regex.Span(start: 1, end: 3), nil])
    }

    @Test func compiledRegexGlobalReplaceFollowsRE2() throws {
        let regex = try RE2Regex("b+")
        let (result, count) = regex.globalReplace(Array("abbcbd".utf8), with: Array("[\\0]".utf8))
        #expect(String(decoding: result, as: UTF8.self) == "a[bb]c[b]d")
        #expect(count == 2)
    }

    @Test func compiledRegexFullMatchRequiresTheWholeText() throws {
        let regex = try RE2Regex("a.c")
        #expect(regex.fullMatch("abc"))
        #expect(!regex.fullMatch("abcd"))
        #expect(regex.partialMatch("xabcd"))
    }
}
