import Testing
import TerraceJSON

@Suite("JSON over jansson")
struct JSONTests {
    @Test func parsesNestedValues() throws {
        let value = try JSON.parse(#"{"a": [1, 2.5, "x", true, null], "b": {"c": -7}}"#)
        #expect(value["a"]?[0] == .int(1))
        #expect(value["a"]?[1] == .double(2.5))
        #expect(value["a"]?[2] == .string("x"))
        #expect(value["a"]?[3] == .bool(true))
        #expect(value["a"]?[4] == .null)
        #expect(value["b"]?["c"]?.intValue == -7)
    }

    @Test func reportsLineAndColumnOfASyntaxError() {
        #expect {
            try JSON.parse("{\n  \"a\": 1,\n  \"b\" 2\n}")
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.line == 3
        }
    }

    @Test func encodesWithSortedKeysAndShortestNumbers() {
        let value: JSON = ["b": 0.1, "a": [1, "q\"\n"], "c": nil]
        #expect(value.encoded() == #"{"a":[1,"q\"\n"],"b":0.1,"c":null}"#)
    }

    @Test func roundTripsUnicodeAndEmbeddedNul() throws {
        let text = "héllo \u{1F600} \u{0}end"
        let parsed = try JSON.parse(JSON.string(text).encoded())
        #expect(parsed == .string(text))
    }

    @Test func mergePatchReplacesMergesAndRemoves() {
        let base: JSON = ["labels": ["a": "1", "b": "2"], "name": "x"]
        let merged = base.merging(patch: ["labels": ["b": nil, "c": "3"], "name": "y"])
        #expect(merged == ["labels": ["a": "1", "c": "3"], "name": "y"])
    }

    @Test func int64StringsReadAsIntegers() {
        #expect(JSON.string("1234567890123").intValue == 1_234_567_890_123)
        #expect(JSON.string("abc").intValue == nil)
    }
}
