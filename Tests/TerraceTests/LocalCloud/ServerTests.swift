import Foundation
import LocalCloud
import Testing
import TerraceHTTP
import TerraceJSON

@Suite("Local cloud server")
struct ServerTests {
    @Test func servesOnAnEphemeralLoopbackPort() async throws {
        try await withCloud { cloud in
            #expect(cloud.cloud.port > 0)
            #expect(cloud.base.hasPrefix("http://127.0.0.1:"))
        }
    }

    @Test func unknownPathIsA404WithAGoogleErrorBody() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "/nothing/here")
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
            #expect(body["error"]?["code"] == .int(404))
        }
    }

    @Test func secondServerOnTheSameDataDirectoryIsRefused() async throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await withCloud(directory: dir, keepData: true) { _ in
            await #expect {
                _ = try await LocalCloud.start(LocalCloud.Configuration(dataDirectory: dir))
            } throws: { error in
                String(describing: error).contains("is in use by another terrace process")
            }
        }
        // Released on shutdown: a new server can open it.
        try await withCloud(directory: dir, keepData: true) { _ in }
    }

    @Test func aTakenPortIsOneClearError() async throws {
        try await withCloud { first in
            var configuration = LocalCloud.Configuration(dataDirectory: makeTemporaryDirectory())
            configuration.port = first.cloud.port
            await #expect {
                _ = try await LocalCloud.start(configuration)
            } throws: { error in
                String(describing: error) == "port \(first.cloud.port) on 127.0.0.1 is already in use; stop what is using it, or pick another with --port (0 picks a free one)"
            }
        }
    }

    @Test func unservedMethodsOfAServedAPIAnswer501NotImplemented() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", "/bigquery/v2/projects/proj-server/datasets/d/routines", [:])
            #expect(status == 501)
            #expect(body.errorReason == "notImplemented")
            #expect(body["error"]?["message"]?.stringValue?.contains("POST /bigquery/v2/projects/proj-server/datasets/d/routines") == true)
            let (pubsub, pubsubBody) = try await cloud.call("GET", "/v1/projects/proj-server/snapshots")
            #expect(pubsub == 501)
            #expect(pubsubBody.errorStatus == "UNIMPLEMENTED")
        }
    }

    @Test func methodOverrideHeaderTurnsAPostIntoAPatch() async throws {
        try await withCloud { cloud in
            _ = try await cloud.call("POST", "/storage/v1/b?project=proj-server", ["name": "override-bucket"])
            let (status, bucket) = try await cloud.call("POST", "/storage/v1/b/override-bucket", ["labels": ["team": "data"]],
                                                        headers: [("X-HTTP-Method-Override", "PATCH")])
            #expect(status == 200)
            #expect(bucket["labels"] == ["team": "data"])
        }
    }

    @Test(arguments: [
        ("POST", "/storage/v1/b?project=no"),
        ("PUT", "/v1/projects/Bad_Project/topics/orders"),
        ("POST", "/bigquery/v2/projects/x/datasets"),
    ])
    func malformedProjectsAreInvalidAndStoreNothing(_ method: String, _ path: String) async throws {
        try await withCloud { cloud in
            let body: JSON = path.contains("bigquery") ? ["datasetReference": ["projectId": "x", "datasetId": "d"]]
                : path.contains("storage") ? ["name": "some-bucket"] : [:]
            let (status, answer) = try await cloud.call(method, path, body)
            #expect(status == 400)
            #expect(answer["error"]?["message"]?.stringValue?.contains("project") == true)
            let (_, list) = try await cloud.call("GET", "/storage/v1/b?project=proj-server")
            #expect(list["items"] == nil)
        }
    }

    @Test func anAddressThisMachineCannotListenOnIsOneClearError() async throws {
        var configuration = LocalCloud.Configuration(dataDirectory: makeTemporaryDirectory())
        configuration.host = "999.1.1.1"
        await #expect {
            _ = try await LocalCloud.start(configuration)
        } throws: { error in
            String(describing: error).hasPrefix("999.1.1.1 is not an address or host name this machine can listen on")
        }
    }

    @Test func anUnusableDataDirectoryIsOneClearError() async throws {
        await #expect {
            _ = try await LocalCloud.start(LocalCloud.Configuration(dataDirectory: "/proc/terrace-cannot-be-here"))
        } throws: { error in
            String(describing: error).hasPrefix("cannot use /proc/terrace-cannot-be-here as the data directory: cannot create directory")
        }
    }
}
