import LocalCloud
import Testing
import TerraceJSON

@Suite("Storage retention locks and storage classes")
struct StorageRetentionTests {
    @Test func lockingMakesTheRetentionPolicyPermanent() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud, "locked-bucket", ["retentionPolicy": ["retentionPeriod": "3600"]])
            let (missing, missingBody) = try await cloud.call("POST", "/storage/v1/b/locked-bucket/lockRetentionPolicy")
            #expect(missing == 400)
            #expect(missingBody.errorReason == "required")
            let (stale, _) = try await cloud.call("POST", "/storage/v1/b/locked-bucket/lockRetentionPolicy?ifMetagenerationMatch=7")
            #expect(stale == 412)

            let (status, locked) = try await cloud.call("POST", "/storage/v1/b/locked-bucket/lockRetentionPolicy?ifMetagenerationMatch=1")
            #expect(status == 200)
            #expect(locked["retentionPolicy"]?["isLocked"] == true)
            #expect(locked["metageneration"] == "2")

            let (reduce, reduceBody) = try await cloud.call("PATCH", "/storage/v1/b/locked-bucket", ["retentionPolicy": ["retentionPeriod": "60"]])
            #expect(reduce == 403)
            #expect(reduceBody.errorReason == "forbidden")
            let (remove, _) = try await cloud.call("PATCH", "/storage/v1/b/locked-bucket", ["retentionPolicy": nil])
            #expect(remove == 403)
            let (_, after) = try await cloud.call("GET", "/storage/v1/b/locked-bucket")
            #expect(after["retentionPolicy"]?["retentionPeriod"] == "3600")
            #expect(after["metageneration"] == "2")

            let (longer, longerBody) = try await cloud.call("PATCH", "/storage/v1/b/locked-bucket", ["retentionPolicy": ["retentionPeriod": "7200"]])
            #expect(longer == 200)
            #expect(longerBody["retentionPolicy"]?["isLocked"] == true)
        }
    }

    @Test func lockingABucketWithoutAPolicyIsInvalid() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud, "plain-bucket")
            let (status, body) = try await cloud.call("POST", "/storage/v1/b/plain-bucket/lockRetentionPolicy?ifMetagenerationMatch=1")
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
        }
    }

    @Test func rewriteInPlaceChangesTheStorageClassAndKeepsMetadata() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud, "class-bucket")
            _ = try await StorageFixture.upload(cloud, "class-bucket", "a.txt", "hello", contentType: "text/plain")
            let path = "/storage/v1/b/class-bucket/o/a.txt/rewriteTo/b/class-bucket/o/a.txt"
            let (status, body) = try await cloud.call("POST", path, ["storageClass": "NEARLINE"])
            #expect(status == 200)
            #expect(body["resource"]?["storageClass"] == "NEARLINE")
            #expect(body["resource"]?["contentType"] == "text/plain")
            let (bad, badBody) = try await cloud.call("POST", path, ["storageClass": "FROZEN"])
            #expect(bad == 400)
            #expect(badBody.errorReason == "invalid")
            let (_, object) = try await cloud.call("GET", "/storage/v1/b/class-bucket/o/a.txt")
            #expect(object["storageClass"] == "NEARLINE")
        }
    }
}
