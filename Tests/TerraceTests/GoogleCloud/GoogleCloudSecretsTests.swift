import Foundation
import GoogleCloud
import LocalCloud
import Testing
import TerraceJSON

@Suite("GoogleCloud keeps secrets out of errors")
struct GoogleCloudSecretsTests {
    typealias F = AuthFixtures
    typealias G = GoogleCloudAuthFixtures

    /// Pieces of a PEM key body long enough to be recognisable.
    static func keyFragments() throws -> [String] {
        let lines = try F.keyPair.get().privateKeyPEM().split(separator: "\n").filter { !$0.hasPrefix("-----") }
        return lines.map(String.init)
    }

    @Test func aRefusedKeyNamesTheAccountButNotTheKeyOrTheJWT() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = try G.serviceAccountFile(cloud, in: dir, key: .untrusted)
            let time = manualTime(cloud.clock)
            let (source, _) = try ApplicationDefaultCredentials.load(path: path, transport: Transport(), time: time)
            let error = await #expect(throws: GoogleAuthError.self) { _ = try await source.fetchToken() }
            let text = error?.description ?? ""
            #expect(error?.oauthError == "invalid_grant")
            #expect(text.contains(F.runner) && text.contains("Invalid JWT Signature"))
            let pem = try F.otherKeyPair.get().privateKeyPEM()
            for line in pem.split(separator: "\n") where !line.hasPrefix("-----") { #expect(!text.contains(line)) }
            #expect(!text.contains("eyJ"))  // no JWT (every JWT header starts so)
            #expect(!String(describing: source).contains("PRIVATE KEY"))
            #expect(!String(reflecting: source).contains("BEGIN"))
        }
    }

    @Test func aRefusedRefreshTokenNamesTheFileButNotTheSecrets() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let path = try G.authorizedUserFile(cloud, in: dir, secret: "wrong-secret-value")
            let (source, _) = try ApplicationDefaultCredentials.load(path: path, transport: Transport(), time: manualTime(cloud.clock))
            let error = await #expect(throws: GoogleAuthError.self) { _ = try await source.fetchToken() }
            let text = error?.description ?? ""
            #expect(text.contains(path) && text.contains("unauthorized_client"))
            for secret in ["wrong-secret-value", F.user.refresh, F.user.clientID] {
                #expect(!text.contains(secret))
                #expect(!String(reflecting: source).contains(secret))
            }
        }
    }

    @Test func tokensNeverAppearInDescriptionsOrAPIErrors() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let time = manualTime(cloud.clock)
            let (source, _) = try ApplicationDefaultCredentials.load(path: try G.serviceAccountFile(cloud, in: dir),
                                                                     transport: Transport(), time: time)
            let provider = CachedTokenProvider(source, time: time)
            let token = try await provider.accessToken()
            #expect(!String(describing: token).contains(token.value))
            #expect(!String(reflecting: token).contains(token.value))
            let gcp = G.clients(cloud, provider, transport: Transport())
            let error = await #expect(throws: GoogleAPIError.self) { try await gcp.storage.get("b/no-such-bucket") }
            let texts = [error?.description ?? "", error?.message ?? "", String(reflecting: error as Any)]
            for text in texts {
                #expect(!text.contains(token.value))
                for fragment in try Self.keyFragments() { #expect(!text.contains(fragment)) }
            }
        }
    }

    @Test func requestBodiesNeverAppearInAPIErrors() async throws {
        try await withCloud { cloud in
            let gcp = GoogleCloudClientTests.cloudClients(cloud)
            let secret = "body-secret-3f9a"
            let error = await #expect(throws: GoogleAPIError.self) {
                try await gcp.storage.post("b", query: [("project", "demo-project")], body: ["name": "Bad Name!", "labels": ["k": .string(secret)]])
            }
            #expect(error?.status == 400)
            #expect(error?.description.contains(secret) == false)
        }
    }
}
