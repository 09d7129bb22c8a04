import Testing
import TerraceJSON
@testable import TerracePipelines

/// JSON records read for the bronze sink go on as their own text (NDJSON lines, array
/// elements), in order, with the same bad records as when parsed.
@Suite("File records: as text")
struct FileRecordReaderTextTests {
    /// The records in order, each as its text (raw) or its encoding (parsed), and the bad ones.
    func read(_ reader: FileRecordReader, _ path: String) throws -> (records: [String], raw: Int, bad: [BadRecord]) {
        var records: [String] = []
        var raw = 0
        var bad: [BadRecord] = []
        try reader.read(path: path, takesText: true, batches: { batch in
            switch batch {
            case .parsed(let parsed): records += parsed.map { $0.encoded() }
            case .raw(let text):
                raw += text.ranges.count
                records += text.ranges.map { String(decoding: text.bytes[$0], as: UTF8.self) }
            }
        }, bad: { bad.append($0) })
        return (records, raw, bad)
    }

    @Test func ndjsonLinesGoOnAsTheirTextWithoutTheirLineEnds() throws {
        let path = try fileRecordFixture("a.jsonl", "{\"id\": 1, \"tags\": [\"a\"]}\r\n\n{\"id\":2,\"n\":{\"x\":null}}\n{\"id\": }\n[3]\n{ \"id\" : 4 }")
        let (records, raw, bad) = try read(FileRecordReader(format: .ndjson, batchSize: 2), path)
        #expect(records == [#"{"id": 1, "tags": ["a"]}"#, #"{"id":2,"n":{"x":null}}"#, #"{ "id" : 4 }"#])
        #expect(raw == 3)
        #expect(bad.map(\.line) == [4, 5])
        #expect(bad.first?.message.hasPrefix("invalid JSON: ") == true)
        #expect(bad.last?.message == "not a JSON object but an array")
    }

    @Test func jsonArrayElementsGoOnAsTheirText() throws {
        let path = try fileRecordFixture("b.json", "[{\"id\": 1},\n 2,\n {\"id\": 3, \"a\": [1, {\"b\": 2}]}]")
        let (records, raw, bad) = try read(FileRecordReader(format: .jsonArray), path)
        #expect(records == [#"{"id": 1}"#, #"{"id": 3, "a": [1, {"b": 2}]}"#])
        #expect(raw == 2)
        #expect(bad.map(\.line) == [2])
    }

    @Test func csvRecordsAreParsedAsBefore() throws {
        let path = try fileRecordFixture("c.csv", "id,name\n1,a\n")
        let (records, raw, _) = try read(FileRecordReader(format: .csv()), path)
        #expect(records == [#"{"id":"1","name":"a"}"#])
        #expect(raw == 0)
    }
}
