import Testing
import TerraceJSON
import TerracePipelines

@Suite("File records: JSON array")
struct FileRecordReaderJSONArrayTests {
    let reader = FileRecordReader(format: .jsonArray)

    @Test func elementsAreRecords() throws {
        let path = try fileRecordFixture("a.json", "[{\"id\":1},\n {\"id\":2, \"v\":[1,[2]]}]\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["id": 1], ["id": 2, "v": [1, [2]]]])
        #expect(result.bad.isEmpty)
    }

    @Test func bracketsAndEscapedQuotesInsideStringsDoNotEndElements() throws {
        let text = #"""
            [
              {"s": "a ] } [ { \" still \\ string ]", "n": [[1, 2], {"k": "}"}]},
              {"s": "\\"}
            ]
            """#
        let path = try fileRecordFixture("b.json", text)
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [
            ["s": "a ] } [ { \" still \\ string ]", "n": [[1, 2], ["k": "}"]]],
            ["s": "\\"],
        ])
    }

    @Test func elementsThatAreNotObjectsAreBadWithTheirLine() throws {
        let path = try fileRecordFixture("c.json", "[\n{\"id\":1},\n2,\n\"s\",\n[3],\n{\"id\": x},\n{\"id\":5}\n]")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["id": 1], ["id": 5]])
        #expect(result.bad.map(\.line) == [3, 4, 5, 6])
        #expect(result.bad[0].message == "the array element is not a JSON object but a number")
        #expect(result.bad[3].message.hasPrefix("invalid JSON: "))
    }

    @Test func elementsSplitAcrossChunksAreReassembled() throws {
        var small = FileRecordReader(format: .jsonArray, batchSize: 2)
        small.chunkSize = 16
        let elements = (0..<300).map { "{\"id\": \($0), \"s\": \"\\\"quoted\\\" ]}\"}" }
        let path = try fileRecordFixture("split.json", "[" + elements.joined(separator: ",\n") + "]")
        let result = try fileRecordRead(small, path)
        #expect(result.records.count == 300)
        #expect(result.records.last == ["id": 299, "s": "\"quoted\" ]}"])
        #expect(result.batchSizes.max() == 2)
    }

    @Test func emptyArrayHasNoRecords() throws {
        let path = try fileRecordFixture("d.json", " [ ] ")
        #expect(try fileRecordRead(reader, path).records.isEmpty)
    }

    @Test func aFileThatIsNotAnArrayIsAFileError() throws {
        let path = try fileRecordFixture("e.json", "\n{\"id\":1}")
        let error = try #require(fileRecordError(reader, path))
        #expect(error.kind == .malformed)
        #expect(error.line == 2)
        #expect(error.description == "\(path), line 2: not a JSON array: it starts with '{'")
    }

    @Test func anArrayThatNeverClosesIsTruncated() throws {
        let path = try fileRecordFixture("f.json", "[{\"id\":1},\n{\"id\":")
        var records: [JSON] = []
        #expect(throws: FileReadError.self) {
            try reader.read(path: path) { records += $0 } bad: { _ in }
        }
        #expect(fileRecordError(reader, path)?.kind == .truncated)
    }

    @Test func dataAfterTheArrayIsAFileError() throws {
        let path = try fileRecordFixture("g.json", "[{\"id\":1}]\n[{\"id\":2}]")
        #expect(fileRecordError(reader, path)?.kind == .malformed)
    }
}

@Suite("File records: JSON array scanner")
struct FileRecordJSONArrayScannerTests {
    /// The elements' texts and lines, feeding `text` `step` bytes at a time.
    func scan(_ text: String, step: Int) throws -> [(String, Int)] {
        let bytes = Array(text.utf8)
        var scanner = JSONArrayScanner()
        var elements: [(String, Int)] = []
        for start in stride(from: 0, to: bytes.count, by: step) {
            try scanner.feed(Array(bytes[start..<min(start + step, bytes.count)])) { element, line in
                elements.append((String(decoding: element, as: UTF8.self), line))
            }
        }
        try scanner.finish()
        return elements
    }

    @Test func findsTheSameElementsWhateverTheChunkSize() throws {
        let text = #"[ {"a": "x\"]}"}, "str\\", 12.5e3,true , null,[ "[", {"b":[]} ],{"c":"\\\""}]"#
        let expected = [#"{"a": "x\"]}"}"#, #""str\\""#, "12.5e3", "true", "null", #"[ "[", {"b":[]} ]"#, #"{"c":"\\\""}"#]
        for step in [1, 2, 3, 5, 7, 64, 10_000] {
            #expect(try scan(text, step: step).map(\.0) == expected, "step \(step)")
        }
    }

    @Test func reportsTheLineEachElementStartsOn() throws {
        let elements = try scan("[\n{\"a\":\n1},\n\n  {\"b\": \"two\"}, 3\n]", step: 4)
        #expect(elements.map(\.1) == [2, 5, 5])
    }

    @Test func rejectsMismatchedBracketsAndMissingCommas() {
        #expect(throws: JSONArrayScanner.Failure.self) { try scan("[{\"a\": [1}]", step: 100) }
        #expect(throws: JSONArrayScanner.Failure.self) { try scan("[{\"a\": 1} {\"b\": 2}]", step: 100) }
        #expect(throws: JSONArrayScanner.Failure.self) { try scan("[{\"a\": 1},]", step: 100) }
    }
}
