import Testing
import TerraceJSON
import TerracePipelines

@Suite("File records: NDJSON")
struct FileRecordReaderNDJSONTests {
    let reader = FileRecordReader(format: .ndjson)

    @Test func eachLineIsAnObject() throws {
        let path = try fileRecordFixture("a.jsonl", "{\"id\":1,\"tags\":[\"a\"]}\n{\"id\":2,\"nested\":{\"x\":null}}\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["id": 1, "tags": ["a"]], ["id": 2, "nested": ["x": nil]]])
        #expect(result.bad.isEmpty)
    }

    @Test func blankLinesAreSkippedAndCRLFIsRead() throws {
        let path = try fileRecordFixture("b.jsonl", "\r\n{\"id\":1}\r\n   \r\n\n{\"id\":2}")
        #expect(try fileRecordRead(reader, path).records == [["id": 1], ["id": 2]])
    }

    @Test func malformedLineIsBadWithItsLineNumber() throws {
        let path = try fileRecordFixture("c.jsonl", "{\"id\":1}\n\n{\"id\": }\n{\"id\":3}\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["id": 1], ["id": 3]])
        #expect(result.bad.count == 1)
        #expect(result.bad.first?.line == 3)
        #expect(result.bad.first?.message.hasPrefix("invalid JSON: ") == true)
    }

    @Test func lineThatIsNotAnObjectIsBad() throws {
        let path = try fileRecordFixture("d.jsonl", "[1,2]\n{\"id\":2}\n42\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["id": 2]])
        #expect(result.bad == [
            BadRecord(line: 1, message: "not a JSON object but an array"),
            BadRecord(line: 3, message: "not a JSON object but a number"),
        ])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let path = try fileRecordFixture("bom.jsonl", [0xEF, 0xBB, 0xBF] + Array("{\"id\":1}\n".utf8))
        #expect(try fileRecordRead(reader, path).records == [["id": 1]])
    }

    @Test func linesSplitAcrossChunksAreReassembled() throws {
        var small = FileRecordReader(format: .ndjson, batchSize: 7)
        small.chunkSize = 16
        let lines = (0..<500).map { "{\"id\":\($0),\"text\":\"value number \($0)\"}" }
        let path = try fileRecordFixture("e.jsonl", lines.joined(separator: "\r\n"))
        let result = try fileRecordRead(small, path)
        #expect(result.records.count == 500)
        #expect(result.records.last == ["id": 499, "text": "value number 499"])
        #expect(result.batchSizes.max() == 7)
    }

    @Test func throwingFromTheBadCallbackStopsTheRead() throws {
        struct TooMany: Error {}
        let path = try fileRecordFixture("f.jsonl", "x\n{\"id\":1}\ny\n{\"id\":2}\n")
        var seen = 0
        #expect(throws: TooMany.self) {
            try reader.read(path: path) { seen += $0.count } bad: { _ in throw TooMany() }
        }
        #expect(seen == 0)
    }
}
