import BigQueryEngine
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionRegexTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_contains
    @Test func regexpContainsUsesRE2() throws {
        let pattern = #"'^[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+$'"#
        #expect(try h.evaluate("REGEXP_CONTAINS", [.string, .string], ["'foo@example.com'", pattern]) == .int(1))
        #expect(try h.evaluate("REGEXP_CONTAINS", [.string, .string], ["'www.example.net'", pattern]) == .int(0))
    }

    @Test func regexpContainsSupportsRE2Classes() throws {
        #expect(try h.evaluate("REGEXP_CONTAINS", [.string, .string], ["'abc123'", #"'\d{3}$'"#]) == .int(1))
        #expect(try h.evaluate("REGEXP_CONTAINS", [.string, .string], ["'Straße'", "'(?i)STRASSE'"]) == .int(0))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func regexpExtractReturnsTheGroup() throws {
        #expect(try h.evaluate("REGEXP_EXTRACT", [.string, .string], ["'foo@example.com'", "'^[a-zA-Z0-9_.+-]+'"]) == .text("foo"))
        #expect(try h.evaluate("REGEXP_EXTRACT", [.string, .string], ["'foo@example.com'", "'^([a-z]+)@'"]) == .text("foo"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract
    @Test func regexpExtractWithPositionAndOccurrence() throws {
        #expect(try h.evaluate("REGEXP_EXTRACT", [.string, .string, .int64, .int64], ["'Hello Helloo and Hellooo'", "'H?ello+'", "3", "2"]) == .text("Hellooo"))
    }

    @Test func regexpExtractRejectsTwoGroups() {
        #expect(h.failure { try h.evaluate("REGEXP_EXTRACT", [.string, .string], ["'ab'", "'(a)(b)'"]) }
            == "Regular expressions passed into extraction functions must not have more than 1 capturing group")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_extract_all
    @Test func regexpExtractAllGivesAnArray() throws {
        #expect(try h.evaluate("REGEXP_EXTRACT_ALL", [.string, .string], ["'Try `function(x)` or `function(y)`'", "'`(.+?)`'"])
            == .text(#"["function(x)","function(y)"]"#))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/string_functions#regexp_replace
    @Test func regexpReplaceWithABackReference() throws {
        #expect(try h.evaluate("REGEXP_REPLACE", [.string, .string, .string], ["'# Heading'", #"'^# ([a-zA-Z0-9\s]+$)'"#, #"'<h1>\1</h1>'"#])
            == .text("<h1>Heading</h1>"))
    }

    @Test func invalidRegexpErrorsAndSafeGivesNull() throws {
        #expect(h.failure { try h.evaluate("REGEXP_CONTAINS", [.string, .string], ["'a'", "'('"]) } != nil)
        #expect(try h.evaluate("REGEXP_CONTAINS", [.string, .string], ["'a'", "'('"], safe: true) == .null)
    }
}

struct BigQueryEngineFunctionHashTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#farm_fingerprint
    @Test func farmFingerprintMatchesTheDocumentedRows() throws {
        #expect(try h.evaluate("FARM_FINGERPRINT", [.string], ["'1footrue'"]) == .int(-1_541_654_101_129_638_711))
        #expect(try h.evaluate("FARM_FINGERPRINT", [.string], ["'2applefalse'"]) == .int(2_794_438_866_806_483_259))
        #expect(try h.evaluate("FARM_FINGERPRINT", [.string], ["'3true'"]) == .int(-4_880_158_226_897_771_312))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#md5
    @Test func md5GivesBytes() throws {
        let (_, md5) = try h.sql(FunctionLibrary.function("MD5", arguments: [.string], safe: false), ["'Hello World'"])
        #expect(try h.evaluate("TO_HEX", [.bytes], [md5]) == .text("b10a8db164e0754105b7a99be72e3fe5"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#sha256
    @Test func sha256OfAString() throws {
        let (type, sha) = try h.sql(FunctionLibrary.function("SHA256", arguments: [.string], safe: false), ["'abc'"])
        #expect(type == .bytes)
        #expect(try h.evaluate("TO_HEX", [.bytes], [sha]) == .text("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/hash_functions#sha1
    @Test func sha1OfAString() throws {
        let (_, sha) = try h.sql(FunctionLibrary.function("SHA1", arguments: [.string], safe: false), ["'Hello World'"])
        #expect(try h.evaluate("TO_HEX", [.bytes], [sha]) == .text("0a4d55a8d778e5022fab701977c5d840bbc486d0"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/utility-functions#generate_uuid
    @Test func generateUUIDIsARandomVersion4UUIDPerRow() throws {
        let (_, sql) = try h.sql(FunctionLibrary.function("GENERATE_UUID", arguments: [], safe: false), [])
        let rows = try h.db.query("SELECT \(sql) FROM (SELECT 1 UNION ALL SELECT 2)")
        guard case .text(let first) = rows[0][0], case .text(let second) = rows[1][0] else {
            Issue.record("not text")
            return
        }
        #expect(first.count == 36 && Array(first)[14] == "4")
        #expect(first != second)
    }
}
