import Foundation
import GoogleCloud
import LocalCloud
import Testing
import TerraceJSON

@Suite("GoogleCloud credential discovery and the metadata server")
struct GoogleCloudCredentialDiscoveryTests {
    typealias F = AuthFixtures
    typealias G = GoogleCloudAuthFixtures

    static func metadataFixture(token: String = "metadata-token") throws -> LoopbackFixtureServer {
        try LoopbackFixtureServer { request in
            guard request.headers["metadata-flavor"] == "Google" else { return (403, #"{"error":"missing Metadata-Flavor"}"#) }
            guard request.path == "/computeMetadata/v1/instance/service-accounts/default/token" else { return (404, "{}") }
            return (200, #"{"access_token":"\#(token)","expires_in":1800,"token_type":"Bearer"}"#)
        }
    }

    @Test func metadataServerIsAskedThroughGCEMetadataHost() async throws {
        let server = try Self.metadataFixture()
        defer { server.stop() }
        let home = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let clock = ManualClock()
        let found = try ApplicationDefaultCredentials.find(
            environment: ["GCE_METADATA_HOST": server.hostPort, "HOME": home, "GOOGLE_CLOUD_PROJECT": "meta-project"],
            transport: Transport(), time: manualTime(clock))
        #expect(found.project == "meta-project")
        let token = try await found.provider.accessToken()
        #expect(token.value == "metadata-token")
        #expect(token.expiresAt == Double(clock.nowMicros()) / 1_000_000 + 1800)
        _ = try await found.provider.accessToken()
        #expect(server.requests.count == 1)
        #expect(server.requests.first?.headers["metadata-flavor"] == "Google")
        clock.advance(seconds: 1600)
        _ = try await found.provider.accessToken()
        #expect(server.requests.count == 2)
    }

    @Test func fromEnvironmentGivesTheMetadataServerToAPIsThatAreNotEmulated() async throws {
        try await withCloud { cloud in
            let server = try Self.metadataFixture()
            defer { server.stop() }
            let home = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: home) }
            let gcp = try GoogleCloud.fromEnvironment(
                environment: ["GCE_METADATA_HOST": server.hostPort, "HOME": home, "STORAGE_EMULATOR_HOST": cloud.base],
                time: manualTime(cloud.clock))
            #expect(gcp.iam.credentials?.principal.contains(server.hostPort) == true)
            #expect(gcp.storage.credentials == nil)
            _ = try await gcp.storage.get("b", query: [("project", "demo-project")])
            #expect(try await gcp.iam.credentials?.accessToken().value == "metadata-token")
            #expect(server.requests.count == 1)
        }
    }

    @Test func googleApplicationCredentialsComesFirst() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let keyFile = try G.serviceAccountFile(cloud, in: dir)
            let gcloud = makeTemporaryDirectory()
            _ = try G.authorizedUserFile(cloud, in: gcloud)
            try FileManager.default.moveItem(atPath: gcloud + "/user.json", toPath: gcloud + "/application_default_credentials.json")
            let environment = ["GOOGLE_APPLICATION_CREDENTIALS": keyFile, "CLOUDSDK_CONFIG": gcloud, "GCE_METADATA_HOST": "127.0.0.1:1"]
            let found = try ApplicationDefaultCredentials.find(environment: environment, transport: Transport(), time: manualTime(cloud.clock))
            #expect(found.provider.principal.contains(F.runner))
            #expect(found.project == "demo-project")
            var withoutKey = environment
            withoutKey["GOOGLE_APPLICATION_CREDENTIALS"] = nil
            let user = try ApplicationDefaultCredentials.find(environment: withoutKey, transport: Transport(), time: manualTime(cloud.clock))
            #expect(user.provider.principal.contains("application_default_credentials.json"))
            #expect(user.project == "user-project")
            let gcp = G.clients(cloud, user.provider, transport: Transport())
            _ = try await gcp.storage.get("b", query: [("project", "demo-project")])
        }
    }

    @Test func homeGcloudFileIsFoundWithoutCloudSDKConfig() throws {
        let home = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/.config/gcloud", withIntermediateDirectories: true)
        let json: JSON = ["type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"]
        _ = try writeJSON(json.encoded(), in: home + "/.config/gcloud", name: "application_default_credentials.json")
        let found = try ApplicationDefaultCredentials.find(environment: ["HOME": home, "GOOGLE_CLOUD_PROJECT": "p-from-env"],
                                                           transport: Transport())
        #expect(found.project == "p-from-env")
        #expect((found.provider.source as? AuthorizedUserCredentials)?.tokenURI == "https://oauth2.googleapis.com/token")
    }

    @Test func nothingFoundNamesEveryPlaceTried() {
        let home = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let error = #expect(throws: GoogleAuthError.self) {
            _ = try ApplicationDefaultCredentials.find(environment: ["HOME": home], transport: Transport())
        }
        let text = error?.description ?? ""
        #expect(text.contains("GOOGLE_APPLICATION_CREDENTIALS (not set)"))
        #expect(text.contains(home + "/.config/gcloud/application_default_credentials.json (no such file)"))
        #expect(text.contains("GCE_METADATA_HOST not set"))
    }

    @Test func brokenFilesGetOneClearError() throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [(String, String)] = [
            ("not json", "is not a JSON object"),
            (#"{"type":"external_account"}"#, #"of type "external_account""#),
            (#"{"type":"service_account","client_email":"a@b"}"#, "has no private_key"),
            (#"{"type":"service_account","client_email":"a@b","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"}"#,
             "is not a PEM RSA private key"),
            (#"{"type":"authorized_user","client_id":"c"}"#, "has no client_secret"),
        ]
        for (index, (text, expected)) in cases.enumerated() {
            let path = try writeJSON(text, in: dir, name: "bad\(index).json")
            let error = #expect(throws: GoogleAuthError.self) {
                _ = try ApplicationDefaultCredentials.find(environment: ["GOOGLE_APPLICATION_CREDENTIALS": path], transport: Transport())
            }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains(path) == true)
        }
        let missing = #expect(throws: GoogleAuthError.self) {
            _ = try ApplicationDefaultCredentials.find(environment: ["GOOGLE_APPLICATION_CREDENTIALS": dir + "/none.json"], transport: Transport())
        }
        #expect(missing?.description.contains("does not exist") == true)
    }
}
