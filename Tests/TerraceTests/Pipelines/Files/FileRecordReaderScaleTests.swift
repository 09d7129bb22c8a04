import Testing
import TerraceCompression
import TerraceJSON
import TerracePipelines

@Suite("File records: large files")
struct FileRecordReaderScaleTests {
    static let count = 300_000

    @Test func threeHundredThousandGzippedCSVRecordsComeInBoundedBatches() throws {
        var writer = try GzipWriter(level: 1)
        var compressed: [UInt8] = []
        var text: [UInt8] = Array("id,name,amount\n".utf8)
        for index in 0..<Self.count {
            text.append(contentsOf: "\(index),customer \(index % 1_000),\(index % 977).25\n".utf8)
            if text.count > 1 << 20 {
                try writer.write(text, into: &compressed)
                text.removeAll(keepingCapacity: true)
            }
        }
        try writer.write(text, into: &compressed)
        try writer.finish(into: &compressed)
        let path = try fileRecordFixture("big.csv.gz", compressed)

        var total = 0
        var largest = 0
        var last: JSON?
        try FileRecordReader(format: .csv(), batchSize: 4_096).read(path: path) { batch in
            total += batch.count
            largest = max(largest, batch.count)
            last = batch.last
        } bad: { record in
            Issue.record("unexpected bad record \(record)")
        }
        #expect(total == Self.count)
        #expect(largest == 4_096)
        #expect(last == ["id": "299999", "name": "customer 999", "amount": .string("\(299_999 % 977).25")])
    }

    @Test func threeHundredThousandNDJSONRecordsComeInBoundedBatches() throws {
        var text: [UInt8] = []
        text.reserveCapacity(Self.count * 40)
        for index in 0..<Self.count {
            text.append(contentsOf: "{\"id\":\(index),\"v\":\"x\(index % 10)\"}\n".utf8)
        }
        let path = try fileRecordFixture("big.jsonl", text)
        var total = 0
        var batches = 0
        var largest = 0
        try FileRecordReader(format: .ndjson, batchSize: 10_000).read(path: path) { batch in
            total += batch.count
            batches += 1
            largest = max(largest, batch.count)
        } bad: { _ in }
        #expect(total == Self.count)
        #expect(batches == 30)
        #expect(largest == 10_000)
    }
}
