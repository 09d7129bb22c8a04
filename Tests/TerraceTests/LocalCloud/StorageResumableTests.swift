import Foundation
import LocalCloud
import Testing
import TerraceHTTP
import TerraceJSON

@Suite("Storage resumable uploads")
struct StorageResumableTests {
    /// Starts a session and answers the upload URL's path and query.
    static func start(_ cloud: TestCloud, name: String = "big.txt") async throws -> String {
        let result = try await cloud.raw("POST", "/upload/storage/v1/b/bucket-one/o?uploadType=resumable",
                                         body: JSON.object(["name": .string(name)]).encodedBytes(),
                                         headers: [("Content-Type", "application/json"), ("X-Upload-Content-Type", "text/plain")])
        #expect(result.status == 200)
        let location = try #require(result.header("location"))
        let path = try #require(location.range(of: "/upload/storage/v1/b/bucket-one/o?uploadType=resumable&upload_id="))
        return String(location[path.lowerBound...])
    }

    static func put(_ cloud: TestCloud, _ path: String, _ text: String, range: String) async throws -> HTTPResult {
        try await cloud.raw("PUT", path, body: Array(text.utf8), headers: [("Content-Range", range)])
    }

    @Test func threeChunksWithAStatusQueryInBetween() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let session = try await Self.start(cloud)
            let empty = try await Self.put(cloud, session, "", range: "bytes */*")
            #expect(empty.status == 308)
            #expect(empty.header("range") == nil)
            let first = try await Self.put(cloud, session, "hell", range: "bytes 0-3/*")
            #expect(first.status == 308)
            #expect(first.header("range") == "bytes=0-3")
            let status = try await Self.put(cloud, session, "", range: "bytes */*")
            #expect(status.status == 308)
            #expect(status.header("range") == "bytes=0-3")
            let second = try await Self.put(cloud, session, "o wo", range: "bytes 4-7/*")
            #expect(second.header("range") == "bytes=0-7")
            let last = try await Self.put(cloud, session, "rld", range: "bytes 8-10/11")
            #expect(last.status == 200)
            let object = try last.json()
            #expect(object["name"] == "big.txt")
            #expect(object["contentType"] == "text/plain")
            #expect(object["crc32c"] == "yZRlqg==")
            #expect(object["md5Hash"] == "XrY7u+Ae7tCTyyK7j1rNww==")
            let again = try await Self.put(cloud, session, "", range: "bytes */11")
            #expect(again.status == 200)
            #expect(try again.json()["generation"] == object["generation"])
            #expect(try FileManager.default.contentsOfDirectory(atPath: cloud.directory + "/tmp").isEmpty)
        }
    }

    @Test func mismatchedChunkStoresNothingAndAnswersTheStoredRange() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let session = try await Self.start(cloud)
            _ = try await Self.put(cloud, session, "hello", range: "bytes 0-4/*")
            let skipped = try await Self.put(cloud, session, "XXXX", range: "bytes 9-12/*")
            #expect(skipped.status == 308)
            #expect(skipped.header("range") == "bytes=0-4")
            let overlap = try await Self.put(cloud, session, "lo", range: "bytes 3-4/*")
            #expect(overlap.header("range") == "bytes=0-4")
            let last = try await Self.put(cloud, session, " world", range: "bytes 5-10/11")
            #expect(last.status == 200)
            let body = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "big.txt") + "?alt=media")
            #expect(body.text == "hello world")
        }
    }

    @Test func badContentRangeIsInvalid() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let session = try await Self.start(cloud)
            let result = try await Self.put(cloud, session, "abc", range: "bytes 0-9/5")
            #expect(result.status == 400)
            #expect(try result.json().errorReason == "invalid")
            let status = try await Self.put(cloud, session, "", range: "bytes */*")
            #expect(status.header("range") == nil)
        }
    }

    @Test func sessionResumesAfterTheLocalCloudRestarts() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var session = ""
        try await withCloud(directory: directory, keepData: true) { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            session = try await Self.start(cloud)
            let first = try await Self.put(cloud, session, "hello ", range: "bytes 0-5/*")
            #expect(first.header("range") == "bytes=0-5")
        }
        try await withCloud(directory: directory, keepData: true) { cloud in
            let status = try await Self.put(cloud, session, "", range: "bytes */*")
            #expect(status.status == 308)
            #expect(status.header("range") == "bytes=0-5")
            let last = try await Self.put(cloud, session, "world", range: "bytes 6-10/11")
            #expect(last.status == 200)
            #expect(try last.json()["crc32c"] == "yZRlqg==")
            let body = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "big.txt") + "?alt=media")
            #expect(body.text == "hello world")
        }
    }

    @Test func deletingASessionCancelsItAndForgetsItsBytes() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let session = try await Self.start(cloud)
            _ = try await Self.put(cloud, session, "hell", range: "bytes 0-3/*")
            let cancelled = try await cloud.raw("DELETE", session)
            #expect(cancelled.status == 499)
            let after = try await Self.put(cloud, session, "o", range: "bytes 4-4/5")
            #expect(after.status == 404)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: cloud.directory + "/tmp")
            #expect(leftovers.isEmpty)
            let (_, list) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o")
            #expect(list["items"] == nil)
        }
    }

    @Test func unknownSessionIsNotFound() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let result = try await Self.put(cloud, "/upload/storage/v1/b/bucket-one/o?uploadType=resumable&upload_id=abcdef", "x",
                                            range: "bytes 0-0/1")
            #expect(result.status == 404)
            #expect(try result.json().errorReason == "notFound")
        }
    }
}
