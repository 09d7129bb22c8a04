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
                String(describing: error).contains("cannot listen on 127.0.0.1:\(first.cloud.port)")
            }
        }
    }
}
