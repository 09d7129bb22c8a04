import Testing
import TerraceCompression

@Suite("Gzip over zlib")
struct GzipTests {
    @Test func roundTripsInChunks() throws {
        let text = Array((0..<200_000).map { "line \($0)\n" }.joined().utf8)
        var writer = try GzipWriter()
        var compressed: [UInt8] = []
        for start in stride(from: 0, to: text.count, by: 10_000) {
            try writer.write(text[start..<min(start + 10_000, text.count)], into: &compressed)
        }
        try writer.finish(into: &compressed)
        #expect(compressed.count < text.count / 4)
        #expect(Array(compressed.prefix(2)) == [0x1F, 0x8B], "gzip magic")

        var reader = try GzipReader()
        var restored: [UInt8] = []
        for start in stride(from: 0, to: compressed.count, by: 777) {
            try reader.write(compressed[start..<min(start + 777, compressed.count)], into: &restored)
        }
        let finished = reader.isFinished
        #expect(finished)
        #expect(restored == text)
    }

    @Test func readsConcatenatedMembers() throws {
        let both = try GzipWriter.compress(Array("hello ".utf8)) + GzipWriter.compress(Array("world".utf8))
        #expect(try GzipReader.decompress(both) == Array("hello world".utf8))
    }

    @Test func rejectsCorruptAndTruncatedInput() throws {
        let good = try GzipWriter.compress(Array("some text to compress".utf8))
        #expect(throws: GzipError.self) { try GzipReader.decompress(Array("plain text".utf8)) }
        #expect(throws: GzipError.self) { try GzipReader.decompress(good.dropLast(6)) }
    }
}
