import Testing
import TerraceJSON
import TerracePipelines

@Suite("File records: CSV")
struct FileRecordReaderCSVTests {
    let reader = FileRecordReader(format: .csv())

    @Test func headerNamesTheFieldsAndValuesAreStrings() throws {
        let path = try fileRecordFixture("a.csv", "id,name,score\n1,Ada,9.5\n2,Grace,7\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [
            ["id": "1", "name": "Ada", "score": "9.5"],
            ["id": "2", "name": "Grace", "score": "7"],
        ])
        #expect(result.bad.isEmpty)
    }

    @Test func quotedFieldsHoldDelimitersAndDoubledQuotes() throws {
        let path = try fileRecordFixture("q.csv", "a,b\n\"x, y\",\"she said \"\"hi\"\"\"\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["a": "x, y", "b": "she said \"hi\""]])
    }

    @Test func quotedFieldsHoldLineEndsAndLinesAreCountedThroughThem() throws {
        let path = try fileRecordFixture("n.csv", "a,b\n\"line one\nline two\",x\n1,2,3\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["a": "line one\nline two", "b": "x"]])
        #expect(result.bad == [BadRecord(line: 4, message: "the record has 3 fields, the header has 2")])
    }

    @Test func crlfLineEndsAreRead() throws {
        let path = try fileRecordFixture("crlf.csv", "a,b\r\n1,2\r\n\"x\r\ny\",3\r\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["a": "1", "b": "2"], ["a": "x\r\ny", "b": "3"]])
    }

    @Test func loneCarriageReturnsEndRecords() throws {
        let path = try fileRecordFixture("cr.csv", "a,b\r1,2\r\r3,4")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["a": "1", "b": "2"], ["a": "3", "b": "4"]])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let path = try fileRecordFixture("bom.csv", [0xEF, 0xBB, 0xBF] + Array("id,v\n1,a\n".utf8))
        #expect(try fileRecordRead(reader, path).records == [["id": "1", "v": "a"]])
    }

    @Test func emptyUnquotedValuesAreNullButQuotedEmptyIsAString() throws {
        let path = try fileRecordFixture("null.csv", "a,b,c\n,\"\",x\n")
        #expect(try fileRecordRead(reader, path).records == [["a": .null, "b": "", "c": "x"]])
    }

    @Test func nullMarkersAreConfigurable() throws {
        let custom = FileRecordReader(format: .csv(.init(nullMarkers: ["NULL", "\\N"])))
        let path = try fileRecordFixture("markers.csv", "a,b,c,d\nNULL,\\N,,\"NULL\"\n")
        #expect(try fileRecordRead(custom, path).records == [["a": .null, "b": .null, "c": "", "d": "NULL"]])
    }

    @Test func headerlessFilesGetBigQueryFieldNames() throws {
        let headerless = FileRecordReader(format: .csv(.init(hasHeader: false)))
        let path = try fileRecordFixture("nohead.csv", "1,a\n2,b\n3\n")
        let result = try fileRecordRead(headerless, path)
        #expect(result.records == [["string_field_0": "1", "string_field_1": "a"], ["string_field_0": "2", "string_field_1": "b"]])
        #expect(result.bad == [BadRecord(line: 3, message: "the record has 1 field, the first record has 2")])
    }

    @Test func blankAndDuplicateHeaderNamesAreMadeUnique() throws {
        let path = try fileRecordFixture("names.csv", "id,,id,id, \n1,2,3,4,5\n")
        #expect(try fileRecordRead(reader, path).records == [
            ["id": "1", "string_field_1": "2", "id_2": "3", "id_3": "4", "string_field_4": "5"],
        ])
    }

    @Test func recordWithWrongFieldCountIsBadWithItsLine() throws {
        let path = try fileRecordFixture("bad.csv", "a,b\n1,2\n\n3\n4,5\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["a": "1", "b": "2"], ["a": "4", "b": "5"]])
        #expect(result.bad == [BadRecord(line: 4, message: "the record has 1 field, the header has 2")])
    }

    @Test func lastRecordWithoutLineEndIsRead() throws {
        let path = try fileRecordFixture("last.csv", "a,b\n1,2")
        #expect(try fileRecordRead(reader, path).records == [["a": "1", "b": "2"]])
    }

    @Test func unclosedQuoteAtTheEndIsABadRecord() throws {
        let path = try fileRecordFixture("open.csv", "a,b\n1,2\n3,\"never closed\n4,5\n")
        let result = try fileRecordRead(reader, path)
        #expect(result.records == [["a": "1", "b": "2"]])
        #expect(result.bad == [BadRecord(line: 3, message: "a quoted field is not closed before the end of the file")])
    }

    @Test func anUnclosedQuoteCannotSwallowTheFileIntoMemory() throws {
        var bounded = FileRecordReader(format: .csv())
        bounded.maxRecordBytes = 1_000
        let path = try fileRecordFixture("swallow.csv", "a,b\n1,\"open\n" + String(repeating: "2,3\n", count: 1_000))
        let error = try #require(fileRecordError(bounded, path))
        #expect(error.kind == .malformed)
        #expect(error.line == 2)
    }

    @Test func otherDelimitersAndNoQuoting() throws {
        let tsv = FileRecordReader(format: .csv(.init(delimiter: "\t", quote: nil)))
        let path = try fileRecordFixture("t.tsv", "a\tb\n\"x\tsaid \"y\"\n")
        #expect(try fileRecordRead(tsv, path).records == [["a": "\"x", "b": "said \"y\""]])
        let semicolons = FileRecordReader(format: .csv(.init(delimiter: ";")))
        let other = try fileRecordFixture("s.csv", "a;b\n\"1;2\";3\n")
        #expect(try fileRecordRead(semicolons, other).records == [["a": "1;2", "b": "3"]])
    }

    @Test func recordsSplitAcrossChunksAreReassembled() throws {
        var small = FileRecordReader(format: .csv(), batchSize: 3)
        small.chunkSize = 16
        var text = "id,text\r\n"
        var expected: [JSON] = []
        for index in 0..<2_000 {
            let value = index % 3 == 0 ? "multi\r\nline \"\(index)\"" : "plain \(index)"
            text += "\(index),\"\(value.replacingOccurrences(of: "\"", with: "\"\""))\"\r\n"
            expected.append(["id": .string(String(index)), "text": .string(value)])
        }
        let path = try fileRecordFixture("chunks.csv", text)
        let result = try fileRecordRead(small, path)
        #expect(result.records == expected)
        #expect(result.batchSizes.max() == 3)
    }
}
