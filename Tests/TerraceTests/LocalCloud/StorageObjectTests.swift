import Foundation
import LocalCloud
import Testing
import TerraceHTTP
import TerraceJSON

@Suite("Storage objects")
struct StorageObjectTests {
    @Test func mediaUploadReportsKnownChecksums() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (status, object) = try await StorageFixture.upload(cloud, "bucket-one", "greeting.txt", "hello world")
            #expect(status == 200)
            #expect(object["kind"] == "storage#object")
            #expect(object["crc32c"] == "yZRlqg==")
            #expect(object["md5Hash"] == "XrY7u+Ae7tCTyyK7j1rNww==")
            #expect(object["size"] == "11")
            #expect(object["contentType"] == "text/plain")
            #expect(object["metageneration"] == "1")
            #expect(object["generation"] == "1767225600000000")
            #expect(object["id"] == "bucket-one/greeting.txt/1767225600000000")
            #expect(object["mediaLink"]?.stringValue?.contains("/download/storage/v1/b/bucket-one/o/greeting.txt") == true)
        }
    }

    @Test func generationsStrictlyIncreaseWhileTheClockStandsStill() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (_, first) = try await StorageFixture.upload(cloud, "bucket-one", "a", "1")
            let (_, second) = try await StorageFixture.upload(cloud, "bucket-one", "a", "2")
            let one = try #require(first["generation"]?.intValue)
            let two = try #require(second["generation"]?.intValue)
            #expect(two > one)
        }
    }

    @Test func multipartUploadTakesMetadataAndMedia() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let body = "--sep\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"
                + #"{"name": "dir/report.csv", "metadata": {"owner": "ann"}, "cacheControl": "no-cache"}"#
                + "\r\n--sep\r\nContent-Type: text/csv\r\n\r\nhello world\r\n--sep--\r\n"
            let result = try await cloud.raw("POST", "/upload/storage/v1/b/bucket-one/o?uploadType=multipart",
                                             body: Array(body.utf8), headers: [("Content-Type", "multipart/related; boundary=sep")])
            #expect(result.status == 200)
            let object = try result.json()
            #expect(object["name"] == "dir/report.csv")
            #expect(object["contentType"] == "text/csv")
            #expect(object["metadata"] == ["owner": "ann"])
            #expect(object["cacheControl"] == "no-cache")
            #expect(object["crc32c"] == "yZRlqg==")
            let download = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "dir/report.csv") + "?alt=media")
            #expect(download.text == "hello world")
        }
    }

    @Test func multipartWithWrongTypedMetadataStoresNothing() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let body = "--sep\r\nContent-Type: application/json\r\n\r\n"
                + #"{"name": "x", "metadata": "not-a-map"}"#
                + "\r\n--sep\r\nContent-Type: text/plain\r\n\r\ndata\r\n--sep--"
            let result = try await cloud.raw("POST", "/upload/storage/v1/b/bucket-one/o?uploadType=multipart",
                                             body: Array(body.utf8), headers: [("Content-Type", "multipart/related; boundary=sep")])
            #expect(result.status == 400)
            #expect(try result.json().errorReason == "invalid")
            let (_, list) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o")
            #expect(list["items"] == nil)
        }
    }

    @Test func downloadStreamsBodyWithGoogleHeaders() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "greeting.txt", "hello world")
            let result = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "greeting.txt") + "?alt=media")
            #expect(result.status == 200)
            #expect(result.text == "hello world")
            #expect(result.header("x-goog-hash") == "crc32c=yZRlqg==,md5=XrY7u+Ae7tCTyyK7j1rNww==")
            #expect(result.header("x-goog-generation") == "1767225600000000")
            #expect(result.header("content-type") == "text/plain")
            #expect(result.header("content-length") == "11")
        }
    }

    @Test func largeBodyRoundTripsInChunks() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let bytes = (0..<(3 * 256 * 1024 + 123)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
            let upload = try await cloud.raw("POST", "/upload/storage/v1/b/bucket-one/o?uploadType=media&name=big.bin", body: bytes)
            #expect(upload.status == 200)
            #expect(try upload.json()["size"] == .string(String(bytes.count)))
            let download = try await cloud.raw("GET", "/download/storage/v1/b/bucket-one/o/big.bin")
            #expect(download.body == bytes)
        }
    }

    @Test(arguments: [("bytes=0-4", "hello", "bytes 0-4/11"), ("bytes=6-", "world", "bytes 6-10/11"),
                      ("bytes=-3", "rld", "bytes 8-10/11"), ("bytes=6-100", "world", "bytes 6-10/11")])
    func rangeReadAnswersPartialContent(range: String, expected: String, contentRange: String) async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "greeting.txt", "hello world")
            let result = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "greeting.txt") + "?alt=media",
                                             headers: [("Range", range)])
            #expect(result.status == 206)
            #expect(result.text == expected)
            #expect(result.header("content-range") == contentRange)
        }
    }

    @Test func unsatisfiableAndMalformedRanges() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "greeting.txt", "hello world")
            let path = StorageFixture.objectPath("bucket-one", "greeting.txt") + "?alt=media"
            let past = try await cloud.raw("GET", path, headers: [("Range", "bytes=11-")])
            #expect(past.status == 416)
            #expect(try past.json().errorReason == "requestedRangeNotSatisfiable")
            // An invalid range is ignored (RFC 9110 §14.2): the whole object answers.
            let bad = try await cloud.raw("GET", path, headers: [("Range", "bytes=5-2")])
            #expect(bad.status == 200)
            #expect(bad.text == "hello world")
        }
    }

    @Test func missingObjectIsNotFoundWithGCSMessage() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (status, body) = try await cloud.call("GET", StorageFixture.objectPath("bucket-one", "nope"))
            #expect(status == 404)
            #expect(body.errorReason == "notFound")
            #expect(body["error"]?["message"] == "No such object: bucket-one/nope")
        }
    }

    @Test func listWithPrefixDelimiterAndPages() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            for name in ["a/1", "a/2", "a/sub/3", "b/4", "top"] { _ = try await StorageFixture.upload(cloud, "bucket-one", name, name) }
            let (_, root) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o?delimiter=/")
            #expect(root["prefixes"] == ["a/", "b/"])
            #expect(root["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["top"])
            let (_, inA) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o?delimiter=/&prefix=a/")
            #expect(inA["prefixes"] == ["a/sub/"])
            #expect(inA["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["a/1", "a/2"])
            var names: [String] = []
            var token: String?
            var pages = 0
            repeat {
                let query = "maxResults=2" + (token.map { "&pageToken=\($0)" } ?? "")
                let (_, page) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o?" + query)
                names += page["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
                token = page["nextPageToken"]?.stringValue
                pages += 1
            } while token != nil && pages < 10
            #expect(names == ["a/1", "a/2", "a/sub/3", "b/4", "top"])
            #expect(pages == 3)
        }
    }

    @Test func versionedBucketKeepsNoncurrentGenerations() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud, "bucket-one", ["versioning": ["enabled": true]])
            let (_, first) = try await StorageFixture.upload(cloud, "bucket-one", "doc", "one")
            cloud.clock.advance(seconds: 1)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "doc", "two")
            let old = try #require(first["generation"]?.stringValue)
            let (_, current) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o")
            #expect(current["items"]?.arrayValue?.count == 1)
            let (_, all) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o?versions=true")
            #expect(all["items"]?.arrayValue?.count == 2)
            let oldBody = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "doc") + "?alt=media&generation=\(old)")
            #expect(oldBody.text == "one")
            let (deleted, _) = try await cloud.call("DELETE", StorageFixture.objectPath("bucket-one", "doc") + "?generation=\(old)")
            #expect(deleted == 204)
            let (_, after) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o?versions=true")
            #expect(after["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func patchAndUpdateObjectMetadataBumpMetageneration() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "doc", "x")
            let path = StorageFixture.objectPath("bucket-one", "doc")
            let (status, patched) = try await cloud.call("PATCH", path, ["metadata": ["k": "v"], "contentType": "text/csv"])
            #expect(status == 200)
            #expect(patched["metageneration"] == "2")
            #expect(patched["metadata"] == ["k": "v"])
            #expect(patched["contentType"] == "text/csv")
            let (_, updated) = try await cloud.call("PUT", path, ["cacheControl": "private"])
            #expect(updated["metageneration"] == "3")
            #expect(updated["metadata"] == nil)
            #expect(updated["contentType"] == "application/octet-stream")
            let (stale, error) = try await cloud.call("PATCH", path + "?ifMetagenerationMatch=1", ["metadata": ["k": "w"]])
            #expect(stale == 412)
            #expect(error.errorReason == "conditionNotMet")
            let (_, now) = try await cloud.call("GET", path)
            #expect(now["metageneration"] == "3")
            #expect(now["metadata"] == nil)
        }
    }

    @Test func ifGenerationMatchZeroRefusesOverwrite() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (created, _) = try await StorageFixture.upload(cloud, "bucket-one", "doc", "first", query: "&ifGenerationMatch=0")
            #expect(created == 200)
            let (status, body) = try await StorageFixture.upload(cloud, "bucket-one", "doc", "second", query: "&ifGenerationMatch=0")
            #expect(status == 412)
            #expect(body.errorReason == "conditionNotMet")
            let download = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "doc") + "?alt=media")
            #expect(download.text == "first")
            #expect(try FileManager.default.contentsOfDirectory(atPath: cloud.directory + "/blobs").count == 1)
            #expect(try FileManager.default.contentsOfDirectory(atPath: cloud.directory + "/tmp").isEmpty)
        }
    }

    @Test func deleteRemovesTheBlobFile() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "doc", "x")
            let (stale, _) = try await cloud.call("DELETE", StorageFixture.objectPath("bucket-one", "doc") + "?ifGenerationMatch=5")
            #expect(stale == 412)
            #expect(try FileManager.default.contentsOfDirectory(atPath: cloud.directory + "/blobs").count == 1)
            let (status, _) = try await cloud.call("DELETE", StorageFixture.objectPath("bucket-one", "doc"))
            #expect(status == 204)
            #expect(try FileManager.default.contentsOfDirectory(atPath: cloud.directory + "/blobs").isEmpty)
            let (missing, _) = try await cloud.call("GET", StorageFixture.objectPath("bucket-one", "doc"))
            #expect(missing == 404)
        }
    }

    @Test func copyRewriteAndCompose() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.createBucket(cloud, "bucket-two")
            _ = try await StorageFixture.upload(cloud, "bucket-one", "hello", "hello ")
            _ = try await StorageFixture.upload(cloud, "bucket-one", "world", "world")
            let (copied, copy) = try await cloud.call("POST", "/storage/v1/b/bucket-one/o/hello/copyTo/b/bucket-two/o/copy", [:])
            #expect(copied == 200)
            #expect(copy["bucket"] == "bucket-two")
            #expect(copy["contentType"] == "text/plain")
            let (rewritten, rewrite) = try await cloud.call("POST", "/storage/v1/b/bucket-one/o/world/rewriteTo/b/bucket-two/o/rw", [:])
            #expect(rewritten == 200)
            #expect(rewrite["kind"] == "storage#rewriteResponse")
            #expect(rewrite["done"] == true)
            #expect(rewrite["totalBytesRewritten"] == "5")
            #expect(rewrite["resource"]?["name"] == "rw")
            let (composed, composite) = try await cloud.call("POST", "/storage/v1/b/bucket-one/o/both/compose", [
                "sourceObjects": [["name": "hello"], ["name": "world"]], "destination": ["contentType": "text/plain"],
            ])
            #expect(composed == 200)
            #expect(composite["crc32c"] == "yZRlqg==")
            #expect(composite["componentCount"] == 2)
            let body = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", "both") + "?alt=media")
            #expect(body.text == "hello world")
            let copyBody = try await cloud.raw("GET", StorageFixture.objectPath("bucket-two", "copy") + "?alt=media")
            #expect(copyBody.text == "hello ")
        }
    }

    @Test func copyWithStaleSourceGenerationIsRefused() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "src", "data")
            let (status, body) = try await cloud.call("POST", "/storage/v1/b/bucket-one/o/src/copyTo/b/bucket-one/o/dst?ifSourceGenerationMatch=1", [:])
            #expect(status == 412)
            #expect(body.errorReason == "conditionNotMet")
            let (missing, _) = try await cloud.call("GET", StorageFixture.objectPath("bucket-one", "dst"))
            #expect(missing == 404)
        }
    }

    @Test(arguments: ["", ".", "..", "line\nbreak"])
    func badObjectNameIsInvalidAndStoresNothing(name: String) async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (status, body) = try await StorageFixture.upload(cloud, "bucket-one", name, "x")
            #expect(status == 400)
            #expect(body.errorReason == "invalid" || body.errorReason == "required")
            #expect(try FileManager.default.contentsOfDirectory(atPath: cloud.directory + "/blobs").isEmpty)
        }
    }

    @Test func oddObjectNamesStayInsideTheDataDirectory() async throws {
        let parent = makeTemporaryDirectory("terrace-storage-escape")
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/data"
        let names = ["../../escape", "..%2F..%2Fescape2", "%2F..", "/abs/olute", "ünïcødé/文件.txt", "a\\b", "tab\tname"]
        try await withCloud(directory: directory) { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            for name in names {
                let (status, object) = try await StorageFixture.upload(cloud, "bucket-one", name, "payload")
                #expect(status == 200)
                #expect(object["name"] == .string(name))
                let body = try await cloud.raw("GET", StorageFixture.objectPath("bucket-one", name) + "?alt=media")
                #expect(body.text == "payload")
            }
            let (_, list) = try await cloud.call("GET", "/storage/v1/b/bucket-one/o")
            #expect(Set(list["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []) == Set(names))
            #expect(try FileManager.default.contentsOfDirectory(atPath: parent) == ["data"])
            let blobs = try FileManager.default.contentsOfDirectory(atPath: directory + "/blobs")
            #expect(blobs.count == names.count)
            #expect(blobs.allSatisfy { $0.allSatisfy(\.isHexDigit) })
        }
    }
}
