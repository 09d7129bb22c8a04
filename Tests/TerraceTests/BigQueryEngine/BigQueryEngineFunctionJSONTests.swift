import BigQueryEngine
import TerraceSQLite
import Testing

struct BigQueryEngineFunctionJSONTests {
    let h = try! BigQueryEngineFunctionHarness()

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_value
    @Test func jsonValueUnquotesScalars() throws {
        #expect(try h.evaluate("JSON_VALUE", [.string, .string], [#"'{"name": "Jakob", "age": "6" }'"#, "'$.age'"]) == .text("6"))
        #expect(try h.evaluate("JSON_VALUE", [.string, .string], [#"'{"a": 1.50, "b": true}'"#, "'$.b'"]) == .text("true"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_value
    // (a non-scalar value selects NULL)
    @Test func jsonValueOfANonScalarIsNull() throws {
        #expect(try h.evaluate("JSON_VALUE", [.string, .string], [#"'{"fruits": ["apple", "banana"]}'"#, "'$.fruits'"]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_value
    @Test func jsonValueWithAQuotedKey() throws {
        #expect(try h.evaluate("JSON_VALUE", [.string, .string], [#"'{"a.b": {"c": "world"}}'"#, #"'$."a.b".c'"#]) == .text("world"))
    }

    @Test func jsonValueDefaultsToTheRoot() throws {
        #expect(try h.evaluate("JSON_VALUE", [.string], [#"'"hello"'"#]) == .text("hello"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_query
    @Test func jsonQueryReturnsCompactJSONInInputOrder() throws {
        #expect(try h.evaluate("JSON_QUERY", [.string, .string], [#"'{"class": {"students": [{"name": "Jane", "age": 7}]}}'"#, "'$.class'"])
            == .text(#"{"students":[{"name":"Jane","age":7}]}"#))
    }

    @Test func jsonQueryOfAMissingPathIsNull() throws {
        #expect(try h.evaluate("JSON_QUERY", [.string, .string], [#"'{"a": 1}'"#, "'$.b'"]) == .null)
        #expect(try h.evaluate("JSON_QUERY", [.string, .string], [#"'{"a": [1, 2]}'"#, "'$.a[1]'"]) == .text("2"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_extract
    // (a JSON null in a JSON-formatted STRING gives SQL NULL; in a JSON value, JSON 'null')
    @Test func jsonNullIsSQLNullForStringsAndJSONNullForJSON() throws {
        #expect(try h.evaluate("JSON_EXTRACT", [.string, .string], [#"'{"a": null}'"#, "'$.a'"]) == .null)
        #expect(try h.evaluate("JSON_EXTRACT", [.json, .string], [#"'{"a":null}'"#, "'$.a'"]) == .text("null"))
        #expect(try h.resultType("JSON_QUERY", [.json, .string]) == .json)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_extract_scalar
    @Test func jsonExtractScalarTakesBracketedKeys() throws {
        #expect(try h.evaluate("JSON_EXTRACT_SCALAR", [.string, .string], [#"'{"a.b": {"c": "world"}}'"#, #"'$[''a.b''].c'"#]) == .text("world"))
    }

    @Test func malformedJSONIsNull() throws {
        #expect(try h.evaluate("JSON_VALUE", [.string, .string], [#"'{"a": '"#, "'$.a'"]) == .null)
    }

    @Test func aPathNotStartingWithDollarErrors() {
        #expect(h.failure { try h.evaluate("JSON_VALUE", [.string, .string], [#"'{"a": 1}'"#, "'a'"]) } == "JSONPath must start with '$'")
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_query_array
    @Test func jsonQueryArrayKeepsElementsAsJSON() throws {
        #expect(try h.evaluate("JSON_QUERY_ARRAY", [.string, .string], [#"'{"fruits": ["apples", "oranges", "grapes"]}'"#, "'$.fruits'"])
            == .text(#"["\"apples\"","\"oranges\"","\"grapes\""]"#))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_value_array
    @Test func jsonValueArrayStripsQuotes() throws {
        #expect(try h.evaluate("JSON_VALUE_ARRAY", [.string, .string], [#"'["foo", "bar", "baz"]'"#, "'$'"]) == .text(#"["foo","bar","baz"]"#))
        #expect(try h.evaluate("JSON_VALUE_ARRAY", [.string], [#"'[1, {"a": 2}]'"#]) == .null)
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#to_json_string
    @Test func toJSONStringOfAStructKeepsFieldOrder() throws {
        let type = SQLType.struct([.init("id", .int64), .init("coordinates", .array(.int64))])
        #expect(try h.evaluate("TO_JSON_STRING", [type], [#"'{"coordinates":[10,20],"id":1}'"#]) == .text(#"{"id":1,"coordinates":[10,20]}"#))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#to_json_string
    @Test func toJSONStringPrettyPrints() throws {
        let type = SQLType.struct([.init("id", .int64), .init("coordinates", .array(.int64))])
        #expect(try h.evaluate("TO_JSON_STRING", [type, .bool], [#"'{"coordinates":[10,20],"id":1}'"#, "1"])
            == .text("{\n  \"id\": 1,\n  \"coordinates\": [\n    10,\n    20\n  ]\n}"))
    }

    // https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_encodings
    @Test func toJSONStringEncodings() throws {
        #expect(try h.evaluate("TO_JSON_STRING", [.int64], ["9007199254740993"]) == .text(#""9007199254740993""#))
        #expect(try h.evaluate("TO_JSON_STRING", [.float64], ["1.0"]) == .text("1"))
        #expect(try h.evaluate("TO_JSON_STRING", [.numeric], ["'123.56'"]) == .text(#""123.56""#))
        #expect(try h.evaluate("TO_JSON_STRING", [.bytes], ["CAST('Google' AS BLOB)"]) == .text(#""R29vZ2xl""#))
        #expect(try h.evaluate("TO_JSON_STRING", [.timestamp], ["1488803696789012"]) == .text(#""2017-03-06T12:34:56.789012Z""#))
        #expect(try h.evaluate("TO_JSON_STRING", [.string], [#"'"abc"'"#]) == .text(#""\"abc\"""#))
        #expect(try h.evaluate("TO_JSON_STRING", [.int64], ["NULL"]) == .text("null"))
    }
}
