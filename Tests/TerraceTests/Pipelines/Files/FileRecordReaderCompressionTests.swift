import Foundation
import Testing
import TerraceCompression
import TerraceJSON
import TerracePipelines

@Suite("File records: gzip and zip")
struct FileRecordReaderCompressionTests {
    let csv = "id,name\n1,a\n2,b\n"
    let expected: [JSON] = [["id": "1", "name": "a"], ["id": "2", "name": "b"]]
    static let hasZip = FileManager.default.isExecutableFile(atPath: "/usr/bin/zip")

    @Test func gzipIsDetectedAutomatically() throws {
        let path = try fileRecordFixture("a.csv.gz", GzipWriter.compress(Array(csv.utf8)))
        #expect(try fileRecordRead(FileRecordReader(format: .csv()), path).records == expected)
    }

    @Test func declaredGzipIsRead() throws {
        let path = try fileRecordFixture("a.jsonl.gz", GzipWriter.compress(Array("{\"id\":1}\n{\"id\":2}\n".utf8)))
        let result = try fileRecordRead(FileRecordReader(format: .ndjson, compression: .gzip), path)
        #expect(result.records == [["id": 1], ["id": 2]])
    }

    @Test func plainFilesAreReadWithAutoDetection() throws {
        let path = try fileRecordFixture("a.csv", csv)
        #expect(try fileRecordRead(FileRecordReader(format: .csv(), compression: .auto), path).records == expected)
    }

    @Test func declaredGzipThatIsNotGzipIsAFileError() throws {
        let path = try fileRecordFixture("plain.csv.gz", csv)
        let error = try #require(fileRecordError(FileRecordReader(format: .csv(), compression: .gzip), path))
        #expect(error.kind == .notGzip)
        #expect(error.description.hasPrefix(path + ": not gzip"))
    }

    @Test func compressionNoneReadsGzipBytesAsText() throws {
        let path = try fileRecordFixture("raw.jsonl", GzipWriter.compress(Array("{\"id\":1}\n".utf8)))
        let result = try fileRecordRead(FileRecordReader(format: .ndjson, compression: .none), path)
        #expect(result.records.isEmpty)
        #expect(!result.bad.isEmpty)
    }

    @Test func concatenatedGzipMembersReadAsOneText() throws {
        let bytes = try GzipWriter.compress(Array("{\"id\":1}\n".utf8)) + GzipWriter.compress(Array("{\"id\":2}\n".utf8))
        let path = try fileRecordFixture("cat.jsonl.gz", bytes)
        #expect(try fileRecordRead(FileRecordReader(format: .ndjson), path).records == [["id": 1], ["id": 2]])
    }

    @Test func truncatedGzipIsAFileError() throws {
        let text = (0..<5_000).map { "{\"id\":\($0)}" }.joined(separator: "\n")
        let whole = try GzipWriter.compress(Array(text.utf8))
        let path = try fileRecordFixture("cut.jsonl.gz", Array(whole.prefix(whole.count / 2)))
        let error = try #require(fileRecordError(FileRecordReader(format: .ndjson), path))
        #expect(error.kind == .truncated)
        #expect(error.description.contains(path))
    }

    @Test func corruptGzipIsAFileError() throws {
        var bytes = try GzipWriter.compress(Array((0..<2_000).map { "{\"id\":\($0)}\n" }.joined().utf8))
        for index in 20..<60 { bytes[index] ^= 0x5A }
        let path = try fileRecordFixture("bad.jsonl.gz", bytes)
        #expect(fileRecordError(FileRecordReader(format: .ndjson), path)?.kind == .corrupt)
    }

    @Test func missingFileIsAFileErrorNamingIt() throws {
        let path = makeTemporaryDirectory("file-records") + "/nope.csv"
        let error = try #require(fileRecordError(FileRecordReader(format: .csv()), path))
        #expect(error.kind == .missing)
        #expect(error.description == "\(path): no such file")
    }

    @Test func storedZipMemberIsRead() throws {
        let archive = try fileRecordZipFixture([("data/a.csv", csv), ("other.txt", "x")], options: ["-0"])
        let reader = FileRecordReader(format: .csv(), zipMember: "data/a.csv")
        #expect(try fileRecordRead(reader, archive).records == expected)
    }

    @Test func deflatedZipMemberIsRead() throws {
        let big = "id,name\n" + (0..<20_000).map { "\($0),name \($0 % 97)\n" }.joined()
        let archive = try fileRecordZipFixture([("big.csv", big), ("small.csv", csv)], options: ["-9"])
        var reader = FileRecordReader(format: .csv(), zipMember: "big.csv", batchSize: 1_000)
        reader.chunkSize = 4096
        let result = try fileRecordRead(reader, archive)
        #expect(result.records.count == 20_000)
        #expect(result.records.last == ["id": "19999", "name": .string("name \(19_999 % 97)")])
        #expect(try fileRecordRead(FileRecordReader(format: .csv(), zipMember: "small.csv"), archive).records == expected)
    }

    @Test func zipMemberThatIsGzipIsUnpackedTwice() throws {
        let directory = makeTemporaryDirectory("file-records-zip")
        try Data(GzipWriter.compress(Array(csv.utf8))).write(to: URL(fileURLWithPath: directory + "/a.csv.gz"))
        let archive = try fileRecordZip(in: directory, archive: "z.zip", members: ["a.csv.gz"], options: ["-0"])
        #expect(try fileRecordRead(FileRecordReader(format: .csv(), zipMember: "a.csv.gz"), archive).records == expected)
    }

    @Test func missingZipMemberListsTheMembers() throws {
        let archive = try fileRecordZipFixture([("a.csv", csv), ("dir/b.csv", csv)], options: ["-9"])
        let error = try #require(fileRecordError(FileRecordReader(format: .csv(), zipMember: "c.csv"), archive))
        #expect(error.kind == .zipMemberNotFound(members: ["a.csv", "dir/b.csv"]))
        #expect(error.description == "\(archive): the zip archive has no member c.csv; it has: a.csv, dir/b.csv")
    }

    @Test func zipWithOneMemberIsReadWithoutNamingIt() throws {
        let archive = try fileRecordZipFixture([("only.csv", csv)], options: ["-9"])
        #expect(try fileRecordRead(FileRecordReader(format: .csv()), archive).records == expected)
        let two = try fileRecordZipFixture([("a.csv", csv), ("b.csv", csv)], options: ["-9"])
        #expect(fileRecordError(FileRecordReader(format: .csv()), two)?.kind == .zipMemberNotFound(members: ["a.csv", "b.csv"]))
    }

    @Test func zipMemberWithAWrongChecksumIsCorrupt() throws {
        let archive = try fileRecordZipFixture([("a.csv", csv)], options: ["-0"])
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: archive)))
        // The stored data follows the 30-byte local header and the name; change one digit.
        let data = 30 + (Int(bytes[26]) | Int(bytes[27]) << 8) + (Int(bytes[28]) | Int(bytes[29]) << 8)
        let digit = try #require(bytes[data...].firstIndex(of: UInt8(ascii: "1")))
        bytes[digit] = UInt8(ascii: "7")
        try Data(bytes).write(to: URL(fileURLWithPath: archive))
        let error = try #require(fileRecordError(FileRecordReader(format: .csv(), zipMember: "a.csv"), archive))
        #expect(error.kind == .corrupt)
        #expect(error.description.contains("CRC-32 mismatch"))
    }

    @Test func fileThatIsNotAZipIsAFileError() throws {
        let path = try fileRecordFixture("a.csv", csv)
        #expect(fileRecordError(FileRecordReader(format: .csv(), zipMember: "a.csv"), path)?.kind == .notZip)
    }

    @Test(.enabled(if: hasZip)) func zip64ArchivesAreRead() throws {
        let archive = try fileRecordZipFixture([("a.csv", csv), ("b.csv", "x\n1\n")], options: ["-fz", "-9"])
        #expect(try fileRecordRead(FileRecordReader(format: .csv(), zipMember: "a.csv"), archive).records == expected)
        #expect(try fileRecordRead(FileRecordReader(format: .csv(), zipMember: "b.csv"), archive).records == [["x": "1"]])
    }
}
