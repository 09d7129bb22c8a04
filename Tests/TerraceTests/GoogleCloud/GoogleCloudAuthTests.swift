import Foundation
import Synchronization
import GoogleCloud
import LocalCloud
import Testing
import TerraceJSON

/// Credential files whose token_uri is a running local cloud's token endpoint.
enum GoogleCloudAuthFixtures {
    typealias F = AuthFixtures

    static func serviceAccountFile(_ cloud: TestCloud, in dir: String, key: RSAKeyChoice = .trusted) throws -> String {
        let pem = try (key == .trusted ? F.keyPair : F.otherKeyPair).get().privateKeyPEM()
        let json: JSON = [
            "type": "service_account", "client_email": .string(F.runner), "private_key": .string(pem),
            "private_key_id": .string(F.keyID), "token_uri": .string(cloud.url("/token")), "project_id": "demo-project",
        ]
        return try writeJSON(json.encoded(), in: dir, name: "sa-\(key).json")
    }

    static func authorizedUserFile(_ cloud: TestCloud, in dir: String, secret: String = F.user.secret) throws -> String {
        let json: JSON = [
            "type": "authorized_user", "client_id": .string(F.user.clientID), "client_secret": .string(secret),
            "refresh_token": .string(F.user.refresh), "token_uri": .string(cloud.url("/token")), "quota_project_id": "user-project",
        ]
        return try writeJSON(json.encoded(), in: dir, name: "user.json")
    }

    enum RSAKeyChoice: String, CustomStringConvertible { case trusted, untrusted; var description: String { rawValue } }

    /// Clients for an auth-requiring cloud, with `provider`'s tokens.
    static func clients(_ cloud: TestCloud, _ provider: any TokenProvider, transport: Transport) -> GoogleCloud {
        GoogleCloud(endpoints: .localCloud(cloud.base, usesCredentials: true), credentials: provider, project: "demo-project",
                    transport: transport, retryPolicy: RetryPolicy(maxAttempts: 3), time: manualTime(cloud.clock))
    }
}

@Suite("GoogleCloud auth over the local cloud")
struct GoogleCloudAuthTests {
    typealias F = AuthFixtures
    typealias G = GoogleCloudAuthFixtures

    @Test func serviceAccountKeyTokensAreCachedAndRefreshedBeforeExpiry() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let transport = Transport()
            let time = manualTime(cloud.clock)
            let (source, project) = try ApplicationDefaultCredentials.load(path: try G.serviceAccountFile(cloud, in: dir),
                                                                           transport: transport, time: time)
            #expect(project == "demo-project")
            let provider = CachedTokenProvider(source, time: time)
            let gcp = G.clients(cloud, provider, transport: transport)
            _ = try await gcp.storage.get("b", query: [("project", "demo-project")])
            _ = try await gcp.pubsub.get("projects/demo-project/topics")
            #expect(await provider.fetches == 1)
            let first = try await provider.accessToken()
            cloud.clock.advance(seconds: 3000)  // 599 s left: still used
            #expect(try await provider.accessToken().value == first.value)
            cloud.clock.advance(seconds: 300)  // 299 s left: inside the 5-minute margin
            _ = try await gcp.storage.get("b", query: [("project", "demo-project")])
            #expect(await provider.fetches == 2)
            #expect(try await provider.accessToken().value != first.value)
            cloud.clock.advance(seconds: 3600)  // the first token has expired at the cloud too
            _ = try await gcp.iam.get("projects/demo-project/serviceAccounts")
            #expect(await provider.fetches == 3)
        }
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let time = manualTime(cloud.clock)
            let (source, _) = try ApplicationDefaultCredentials.load(path: try G.serviceAccountFile(cloud, in: dir),
                                                                     transport: Transport(), time: time)
            let provider = CachedTokenProvider(source, time: time)
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await provider.accessToken().value } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(tokens.count == 1)
            #expect(await provider.fetches == 1)
        }
    }

    @Test func authorizedUserRefreshTokenFlow() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let transport = Transport()
            let time = manualTime(cloud.clock)
            let (source, project) = try ApplicationDefaultCredentials.load(path: try G.authorizedUserFile(cloud, in: dir),
                                                                           transport: transport, time: time)
            #expect(project == "user-project")
            let gcp = G.clients(cloud, CachedTokenProvider(source, time: time), transport: transport)
            let created = try await gcp.storage.post("b", query: [("project", "demo-project")], body: ["name": "user-bucket"])
            #expect(created["name"] == "user-bucket")
        }
    }

    @Test func impersonationThroughGenerateAccessToken() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let transport = Transport()
            let time = manualTime(cloud.clock)
            let (source, _) = try ApplicationDefaultCredentials.load(path: try G.serviceAccountFile(cloud, in: dir),
                                                                     transport: transport, time: time)
            let runner = CachedTokenProvider(source, time: time)
            let asRunner = G.clients(cloud, runner, transport: transport)
            let worker = "worker@demo-project.iam.gserviceaccount.com"
            _ = try await asRunner.iam.post("projects/demo-project/serviceAccounts", body: ["accountId": "worker"])
            let endpoints = Endpoints.localCloud(cloud.base, usesCredentials: true)
            let impersonated = CachedTokenProvider(
                ImpersonatedCredentials(source: runner, targetServiceAccount: worker, lifetimeSeconds: 600,
                                        endpoint: endpoints[.iamCredentials], transport: transport, time: time),
                time: time)
            let denied = await #expect(throws: GoogleAuthError.self) { _ = try await impersonated.accessToken() }
            #expect(denied?.description.contains("403 PERMISSION_DENIED") == true)
            let binding: JSON = ["role": "roles/iam.serviceAccountTokenCreator", "members": [.string("serviceAccount:" + F.runner)]]
            _ = try await asRunner.iam.post("projects/demo-project/serviceAccounts/\(worker):setIamPolicy",
                                            body: ["policy": ["bindings": [binding]]])
            let token = try await impersonated.accessToken()
            #expect(token.expiresAt == Double(cloud.clock.nowMicros() / 1_000_000 + 600))
            let asWorker = G.clients(cloud, impersonated, transport: transport)
            _ = try await asWorker.iam.get("projects/demo-project/serviceAccounts")
            #expect(impersonated.principal.contains(worker))
        }
    }

    @Test func missingTokenIsUnauthenticatedAndNotRetried() async throws {
        try await F.withAuthCloud { cloud in
            let gcp = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, transport: Transport(),
                                  time: manualTime(cloud.clock))
            let error = await #expect(throws: GoogleAPIError.self) { try await gcp.storage.get("b", query: [("project", "demo-project")]) }
            #expect(error?.status == 401)
            #expect(error?.attempts == 1)
            #expect(error?.description.contains("GOOGLE_APPLICATION_CREDENTIALS") == true)
        }
    }

    @Test func aRefusedTokenIsReplacedOnceAndTheCallSucceeds() async throws {
        try await F.withAuthCloud { cloud in
            let dir = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let time = manualTime(cloud.clock)
            let (source, _) = try ApplicationDefaultCredentials.load(path: try G.serviceAccountFile(cloud, in: dir),
                                                                     transport: Transport(), time: time)
            let provider = StaleFirstProvider(CachedTokenProvider(source, time: time))
            let gcp = G.clients(cloud, provider, transport: Transport())
            let response = try await gcp.storage.send("GET", "b", query: [("project", "demo-project")])
            #expect(response.attempts == 2)
            #expect(provider.invalidations == 1)
            let bogus = G.clients(cloud, CountingTokenProvider(), transport: Transport())
            let error = await #expect(throws: GoogleAPIError.self) { try await bogus.storage.get("b", query: [("project", "demo-project")]) }
            #expect(error?.status == 401)
            #expect(error?.attempts == 2)
        }
    }

    @Test func emulatorEndpointsNeverAskForCredentials() async throws {
        try await withCloud { cloud in
            let provider = CountingTokenProvider()
            let endpoints = Endpoints.resolve(environment: [
                "STORAGE_EMULATOR_HOST": cloud.base, "BIGQUERY_EMULATOR_HOST": cloud.base,
                "PUBSUB_EMULATOR_HOST": String(cloud.base.dropFirst("http://".count)),
            ])
            let gcp = GoogleCloud(endpoints: endpoints, credentials: provider, transport: Transport(), time: manualTime(cloud.clock))
            _ = try await gcp.storage.get("b", query: [("project", "demo-project")])
            _ = try await gcp.bigquery.get("projects/demo-project/datasets")
            _ = try await gcp.pubsub.get("projects/demo-project/topics")
            #expect(provider.calls == 0)
            #expect(gcp.storage.credentials == nil)
            #expect(gcp.iam.credentials != nil)
        }
    }

    @Test func emulatorOnlyEnvironmentsWorkWithoutAnyCredentials() async throws {
        try await withCloud { cloud in
            let home = makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: home) }
            let gcp = try GoogleCloud.fromEnvironment(environment: ["STORAGE_EMULATOR_HOST": cloud.base, "HOME": home],
                                                      time: manualTime(cloud.clock))
            _ = try await gcp.storage.get("b", query: [("project", "demo-project")])
            await #expect(throws: GoogleAuthError.self) { _ = try await gcp.iam.get("projects/demo-project/serviceAccounts") }
        }
    }
}

/// Answers a token the API refuses until it is invalidated, then the real provider's.
final class StaleFirstProvider: TokenProvider {
    let real: any TokenProvider
    private let state = Mutex(0)
    init(_ real: any TokenProvider) { self.real = real }
    var principal: String { real.principal }
    var invalidations: Int { state.withLock { $0 } }
    func accessToken() async throws -> AccessToken {
        if invalidations == 0 { return AccessToken(value: "stale-token", expiresAt: 4_000_000_000) }
        return try await real.accessToken()
    }
    func invalidate() async { state.withLock { $0 += 1 } }
}
