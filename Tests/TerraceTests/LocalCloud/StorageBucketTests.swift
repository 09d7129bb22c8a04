import Foundation
import LocalCloud
import Testing
import TerraceHTTP
import TerraceJSON

/// Helpers shared by the Storage suites.
enum StorageFixture {
    static func createBucket(_ cloud: TestCloud, _ name: String = "bucket-one", _ extra: [String: JSON] = [:]) async throws -> JSON {
        var body = extra
        body["name"] = .string(name)
        let (status, bucket) = try await cloud.call("POST", "/storage/v1/b?project=proj-a", .object(body))
        #expect(status == 200, "create bucket: \(bucket)")
        return bucket
    }

    static func upload(_ cloud: TestCloud, _ bucket: String, _ name: String, _ text: String,
                       contentType: String = "text/plain", query: String = "") async throws -> (status: Int, body: JSON) {
        let result = try await cloud.raw(
            "POST", "/upload/storage/v1/b/\(bucket)/o?uploadType=media&name=\(PercentEncoding.encode(name))\(query)",
            body: Array(text.utf8), headers: [("Content-Type", contentType)])
        return (result.status, (try? result.json()) ?? .null)
    }

    static func objectPath(_ bucket: String, _ name: String) -> String {
        "/storage/v1/b/\(bucket)/o/\(PercentEncoding.encode(name))"
    }

    static func bucketNames(_ cloud: TestCloud) async throws -> [String] {
        let (_, list) = try await cloud.call("GET", "/storage/v1/b?project=proj-a")
        return (list["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }
}

@Suite("Storage buckets")
struct StorageBucketTests {
    @Test func createdBucketHasGCSDefaults() async throws {
        try await withCloud { cloud in
            let bucket = try await StorageFixture.createBucket(cloud, "bucket-one", ["location": "europe-west1"])
            #expect(bucket["kind"] == "storage#bucket")
            #expect(bucket["id"] == "bucket-one")
            #expect(bucket["location"] == "EUROPE-WEST1")
            #expect(bucket["locationType"] == "region")
            #expect(bucket["storageClass"] == "STANDARD")
            #expect(bucket["metageneration"] == "1")
            #expect(bucket["timeCreated"] == "2026-01-01T00:00:00.000Z")
            #expect(bucket["projectNumber"] == .string(cloud.cloud.context.projectNumber("proj-a")))
            #expect(bucket["iamConfiguration"]?["uniformBucketLevelAccess"]?["enabled"] == false)
            #expect(bucket["selfLink"]?.stringValue?.hasSuffix("/storage/v1/b/bucket-one") == true)
            let (status, fetched) = try await cloud.call("GET", "/storage/v1/b/bucket-one")
            #expect(status == 200)
            #expect(fetched["location"] == "EUROPE-WEST1")
        }
    }

    @Test func unknownLocationIsInvalidAndStoresNothing() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", "/storage/v1/b?project=proj-a", ["name": "mars-bucket", "location": "MARS"])
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await StorageFixture.bucketNames(cloud) == [])
        }
    }

    @Test func defaultLocationIsUS() async throws {
        try await withCloud { cloud in
            let bucket = try await StorageFixture.createBucket(cloud)
            #expect(bucket["location"] == "US")
            #expect(bucket["locationType"] == "multi-region")
        }
    }

    @Test func bucketKeepsLabelsVersioningLifecycleUniformAccessAndRetention() async throws {
        try await withCloud { cloud in
            let bucket = try await StorageFixture.createBucket(cloud, "full-bucket", [
                "labels": ["team": "data", "env": "dev"],
                "versioning": ["enabled": true],
                "lifecycle": ["rule": [["action": ["type": "Delete"], "condition": ["age": 30]]]],
                "iamConfiguration": ["uniformBucketLevelAccess": ["enabled": true]],
                "retentionPolicy": ["retentionPeriod": "3600"],
            ])
            #expect(bucket["labels"] == ["team": "data", "env": "dev"])
            #expect(bucket["versioning"]?["enabled"] == true)
            #expect(bucket["lifecycle"]?["rule"]?[0]?["action"]?["type"] == "Delete")
            #expect(bucket["iamConfiguration"]?["uniformBucketLevelAccess"]?["enabled"] == true)
            #expect(bucket["iamConfiguration"]?["uniformBucketLevelAccess"]?["lockedTime"] == "2026-04-01T00:00:00.000Z")
            #expect(bucket["retentionPolicy"]?["retentionPeriod"] == "3600")
            #expect(bucket["retentionPolicy"]?["effectiveTime"] == "2026-01-01T00:00:00.000Z")
        }
    }

    @Test func patchMergesLabelsAndBumpsMetageneration() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud, "bucket-one", ["labels": ["a": "1", "b": "2"]])
            cloud.clock.advance(seconds: 5)
            let (status, patched) = try await cloud.call("PATCH", "/storage/v1/b/bucket-one",
                                                         ["labels": ["b": nil, "c": "3"], "versioning": ["enabled": true]])
            #expect(status == 200)
            #expect(patched["labels"] == ["a": "1", "c": "3"])
            #expect(patched["versioning"]?["enabled"] == true)
            #expect(patched["metageneration"] == "2")
            #expect(patched["updated"] == "2026-01-01T00:00:05.000Z")
            #expect(patched["timeCreated"] == "2026-01-01T00:00:00.000Z")
            let (_, updated) = try await cloud.call("PUT", "/storage/v1/b/bucket-one", ["storageClass": "NEARLINE"])
            #expect(updated["metageneration"] == "3")
            #expect(updated["labels"] == nil)
            #expect(updated["storageClass"] == "NEARLINE")
        }
    }

    @Test func staleMetagenerationIsRefusedAndChangesNothing() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (status, body) = try await cloud.call("PATCH", "/storage/v1/b/bucket-one?ifMetagenerationMatch=7", ["labels": ["x": "y"]])
            #expect(status == 412)
            #expect(body.errorReason == "conditionNotMet")
            let (deleteStatus, _) = try await cloud.call("DELETE", "/storage/v1/b/bucket-one?ifMetagenerationNotMatch=1")
            #expect(deleteStatus == 412)
            let (_, bucket) = try await cloud.call("GET", "/storage/v1/b/bucket-one")
            #expect(bucket["labels"] == nil)
            #expect(bucket["metageneration"] == "1")
        }
    }

    @Test func duplicateBucketIsAConflict() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (status, body) = try await cloud.call("POST", "/storage/v1/b?project=proj-b", ["name": "bucket-one"])
            #expect(status == 409)
            #expect(body.errorReason == "conflict")
            let (_, list) = try await cloud.call("GET", "/storage/v1/b?project=proj-b")
            #expect(list["items"] == nil)
        }
    }

    @Test(arguments: ["Upper-Case", "goog-bucket", "ab", "my-google-bucket", "-dash-first", "192.168.1.1", "under score"])
    func badBucketNameIsInvalidAndStoresNothing(name: String) async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", "/storage/v1/b?project=proj-a", ["name": .string(name)])
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await StorageFixture.bucketNames(cloud).isEmpty)
        }
    }

    @Test(arguments: [
        JSON.object(["versioning": ["enabled": "yes"]]),
        JSON.object(["labels": ["Bad Key": "v"]]),
        JSON.object(["storageClass": "SUPERFAST"]),
        JSON.object(["retentionPolicy": ["retentionPeriod": "forever"]]),
        JSON.object(["lifecycle": ["rule": [["action": ["type": "Explode"], "condition": ["age": 1]]]]]),
    ])
    func wrongFieldIsInvalidAndStoresNothing(fields: JSON) async throws {
        try await withCloud { cloud in
            var body = fields
            body["name"] = "bucket-one"
            let (status, error) = try await cloud.call("POST", "/storage/v1/b?project=proj-a", body)
            #expect(status == 400)
            #expect(error.errorReason == "invalid")
            #expect(try await StorageFixture.bucketNames(cloud).isEmpty)
        }
    }

    @Test func wrongFieldInPatchChangesNothing() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (status, error) = try await cloud.call("PATCH", "/storage/v1/b/bucket-one", ["versioning": ["enabled": "yes"]])
            #expect(status == 400)
            #expect(error.errorReason == "invalid")
            let (_, bucket) = try await cloud.call("GET", "/storage/v1/b/bucket-one")
            #expect(bucket["metageneration"] == "1")
            #expect(bucket["versioning"] == nil)
        }
    }

    @Test func missingBucketIsNotFound() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "/storage/v1/b/no-such-bucket")
            #expect(status == 404)
            #expect(body.errorReason == "notFound")
        }
    }

    @Test func listPagesByProjectAndPrefix() async throws {
        try await withCloud { cloud in
            for name in ["alpha-1", "alpha-2", "alpha-3", "beta-1"] { _ = try await StorageFixture.createBucket(cloud, name) }
            _ = try await cloud.call("POST", "/storage/v1/b?project=other-project", ["name": "alpha-other"])
            let (_, first) = try await cloud.call("GET", "/storage/v1/b?project=proj-a&prefix=alpha&maxResults=2")
            #expect(first["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["alpha-1", "alpha-2"])
            let token = try #require(first["nextPageToken"]?.stringValue)
            let (_, second) = try await cloud.call("GET", "/storage/v1/b?project=proj-a&prefix=alpha&maxResults=2&pageToken=\(token)")
            #expect(second["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["alpha-3"])
            #expect(second["nextPageToken"] == nil)
            let (status, error) = try await cloud.call("GET", "/storage/v1/b")
            #expect(status == 400)
            #expect(error.errorReason == "required")
        }
    }

    @Test func nonEmptyBucketCannotBeDeleted() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            _ = try await StorageFixture.upload(cloud, "bucket-one", "file.txt", "x")
            let (status, body) = try await cloud.call("DELETE", "/storage/v1/b/bucket-one")
            #expect(status == 409)
            #expect(body.errorReason == "conflict")
            #expect(body["error"]?["message"] == "The bucket you tried to delete is not empty.")
            #expect(try await StorageFixture.bucketNames(cloud) == ["bucket-one"])
            _ = try await cloud.call("DELETE", StorageFixture.objectPath("bucket-one", "file.txt"))
            let (deleted, _) = try await cloud.call("DELETE", "/storage/v1/b/bucket-one")
            #expect(deleted == 204)
            #expect(try await StorageFixture.bucketNames(cloud).isEmpty)
        }
    }
}

@Suite("Storage bucket IAM")
struct StorageBucketIAMTests {
    @Test func defaultPolicyHasLegacyProjectBindings() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (status, policy) = try await cloud.call("GET", "/storage/v1/b/bucket-one/iam?optionsRequestedPolicyVersion=3")
            #expect(status == 200)
            #expect(policy["kind"] == "storage#policy")
            #expect(policy["resourceId"] == "projects/_/buckets/bucket-one")
            #expect(policy["bindings"] == [
                ["role": "roles/storage.legacyBucketOwner", "members": ["projectEditor:proj-a", "projectOwner:proj-a"]],
                ["role": "roles/storage.legacyBucketReader", "members": ["projectViewer:proj-a"]],
            ])
        }
    }

    @Test func setPolicyReplacesBindingsAndStaleEtagIsRefused() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let (_, original) = try await cloud.call("GET", "/storage/v1/b/bucket-one/iam")
            let etag = try #require(original["etag"])
            let binding: JSON = ["role": "roles/storage.objectViewer", "members": ["user:ann@example.com"]]
            let (status, set) = try await cloud.call("PUT", "/storage/v1/b/bucket-one/iam", ["bindings": [binding], "etag": etag])
            #expect(status == 200)
            #expect(set["bindings"] == [binding])
            #expect(set["etag"] != etag)
            let (stale, error) = try await cloud.call("PUT", "/storage/v1/b/bucket-one/iam", ["bindings": [], "etag": etag])
            #expect(stale == 412)
            #expect(error.errorReason == "conditionNotMet")
            let (_, current) = try await cloud.call("GET", "/storage/v1/b/bucket-one/iam")
            #expect(current["bindings"] == [binding])
        }
    }

    @Test func deletingTheBucketDropsItsPolicy() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud)
            let binding: JSON = ["role": "roles/storage.admin", "members": ["user:ann@example.com"]]
            _ = try await cloud.call("PUT", "/storage/v1/b/bucket-one/iam", ["bindings": [binding]])
            _ = try await cloud.call("DELETE", "/storage/v1/b/bucket-one")
            _ = try await StorageFixture.createBucket(cloud)
            let (_, policy) = try await cloud.call("GET", "/storage/v1/b/bucket-one/iam")
            #expect(policy["bindings"]?.arrayValue?.count == 2)
            #expect(policy["bindings"]?[0]?["role"] == "roles/storage.legacyBucketOwner")
        }
    }
}
