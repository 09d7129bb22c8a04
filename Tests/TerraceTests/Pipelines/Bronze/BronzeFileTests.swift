import Foundation
import TerraceCompression
import TerraceJSON
import TerracePipelines
import TerraceProcess
import Testing

/// File sources through `terrace run`'s runner: local CSV and gzipped NDJSON, a JSON array over
/// HTTP, a gs:// object, a zip member, and malformed lines counted against max bad records.
@Suite(.serialized)
struct BronzeFileTests {
    func write(_ text: String, _ name: String, gzip: Bool = false) throws -> String {
        let path = makeTemporaryDirectory("bronze-files") + "/" + name
        let bytes = Array(text.utf8)
        try Data(gzip ? try GzipWriter.compress(bytes) : bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aLocalCSVWithAHeaderLandsItsRowsAsStrings() async throws {
        try await BronzeHarness.with { h in
            let path = try write("id,name,city\n1,Ann,Oslo\n2,\"Bob, Jr.\",\n3,Cid,Rome\n", "people.csv")
            let result = await h.succeed(.file("people", FileSource(path, format: .csv())))
            #expect(result.records == 3)
            let rows = try await h.rows("SELECT id, name, city FROM bronze.people ORDER BY id")
            #expect(rows == [["1", "Ann", "Oslo"], ["2", "Bob, Jr.", nil], ["3", "Cid", "Rome"]])
        }
    }

    @Test func gzippedNDJSONIsDetectedAndItsBadLineNamed() async throws {
        try await BronzeHarness.with { h in
            let path = try write("{\"id\": 1}\n{\"id\": 2\n{\"id\": 3}\n", "events.jsonl.gz", gzip: true)
            let refused = await h.run(.file("events", FileSource(path, format: .ndjson)))
            #expect(refused.error?.contains("\(path), line 2:") == true, "\(refused.error ?? "")")
            let tolerated = await h.succeed(.file("events", FileSource(path, format: .ndjson)), h.options(maxBadRecords: 1))
            #expect(tolerated.records == 2)
            #expect(tolerated.badRecords == 1)
        }
    }

    @Test func ndjsonRecordsTheSchemaSettlesLandAsTheirOwnText() async throws {
        try await BronzeHarness.with { h in
            let text = "{\"id\": 1, \"cart\": {\"items\": [{\"sku\": \"a\"}]}}\n{\"id\": 2, \"cart\": {\"items\": [{\"sku\": \"b\"}, {\"sku\": \"c\"}]}}\n"
            let path = try write(text, "carts.jsonl")
            let result = await h.succeed(.file("carts", FileSource(path, format: .ndjson)))
            #expect(result.records == 2)
            let part = "raw/carts/dt=2024-03-01/run=\(result.runID)/part-00000.jsonl.gz"
            let lines = try GzipReader.decompress(try await h.object(part)).split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }
            // The first taught the schema (parsed, keys sorted); the second came as it was.
            #expect(lines.count == 2)
            #expect(lines[1].hasPrefix(#"{"id": 2, "cart": {"items": [{"sku": "b"}, {"sku": "c"}]},"_ingested_at":"#), "\(lines[1])")
            let rows = try await h.rows("SELECT id, ARRAY_LENGTH(cart.items) FROM bronze.carts ORDER BY id")
            #expect(rows == [["1", "1"], ["2", "2"]])
        }
    }

    @Test func aJSONArrayOverHTTP() async throws {
        try await BronzeHarness.with { h in
            let result = await h.succeed(.file("catalogue", FileSource(h.api.base + "/files/items.json", format: .jsonArray)))
            #expect(result.records == 30)
            try await h.expectCount("catalogue", 30)
        }
    }

    @Test func aFieldNamedLikeAMetadataColumnIsOneClearErrorAndLoadsNothing() async throws {
        try await BronzeHarness.with { h in
            let path = try write("{\"id\": 1, \"_source\": \"crm\"}\n", "clash.jsonl")
            let result = await h.run(.file("clash", FileSource(path, format: .ndjson)))
            #expect(result.status == .error)
            #expect(result.error?.contains("source clash: field _source") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("rename it in the source's transform") == true, "\(result.error ?? "")")
            let (status, _) = try await h.cloud.call("GET", BQ.table(BronzeHarness.dataset, "clash"))
            #expect(status == 404)
        }
    }

    @Test func aDeclaredColumnNamedLikeAMetadataColumnIsOneClearError() async throws {
        try await BronzeHarness.with { h in
            let path = try write("{\"id\": 1}\n", "declared.jsonl")
            let result = await h.run(.file("declared", FileSource(path, format: .ndjson), columns: [Column("id", .int64), Column("_run_id", .string)]))
            #expect(result.status == .error)
            #expect(result.error?.contains("source declared declares a column _run_id") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("BronzeFileTests.swift:") == true, "names the declaration: \(result.error ?? "")")
        }
    }

    @Test func aMissingURLIsOneClearError() async throws {
        try await BronzeHarness.with { h in
            let result = await h.run(.file("catalogue", FileSource(h.api.base + "/files/nothing.json", format: .jsonArray)))
            #expect(result.error?.contains("downloading \(h.api.base)/files/nothing.json answered 404 (not found)") == true, "\(result.error ?? "")")
        }
    }

    @Test func aGCSObject() async throws {
        try await BronzeHarness.with { h in
            let body = Array("{\"sku\": \"a\", \"qty\": 1}\n{\"sku\": \"b\", \"qty\": 2}\n".utf8)
            let upload = try await h.cloud.raw("POST", "/upload/storage/v1/b/\(BronzeHarness.bucket)/o?uploadType=media&name=exports/orders.jsonl",
                                               body: body, headers: [("Content-Type", "application/x-ndjson")])
            #expect(upload.status == 200)
            let result = await h.succeed(.file("orders", FileSource("gs://\(BronzeHarness.bucket)/exports/orders.jsonl", format: .ndjson)))
            #expect(result.records == 2)
            let rows = try await h.rows("SELECT SUM(qty) FROM bronze.orders")
            #expect(rows == [["3"]])
        }
    }

    @Test func aMemberOfAZipArchive() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") else { return }
        try await BronzeHarness.with { h in
            let csv = try write("code,label\nA,alpha\nB,beta\n", "codes.csv")
            let directory = (csv as NSString).deletingLastPathComponent
            let zip = try ChildProcess.run("/usr/bin/zip", ["-q", "bundle.zip", "codes.csv"], directory: directory)
            #expect(zip.termination == .exited(0), "\(zip.output)")
            let result = await h.succeed(.file("codes", FileSource(directory + "/bundle.zip", format: .csv(), zipMember: "codes.csv")))
            #expect(result.records == 2)
            let wrong = await h.run(.file("codes", FileSource(directory + "/bundle.zip", format: .csv(), zipMember: "other.csv")))
            #expect(wrong.error?.contains("codes.csv") == true, "\(wrong.error ?? "")")
        }
    }
}
