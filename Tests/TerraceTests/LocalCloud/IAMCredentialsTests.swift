import LocalCloud
import Testing
import TerraceCrypto
import TerraceJSON
import TerraceTime

@Suite("IAM: IAM Credentials access tokens")
struct IAMCredentialsTests {
    typealias F = AuthFixtures
    static let accounts = "/v1/projects/demo-project/serviceAccounts"
    static let worker = "worker@demo-project.iam.gserviceaccount.com"
    static let scope: JSON = ["scope": ["https://www.googleapis.com/auth/cloud-platform"]]

    func generate(_ cloud: TestCloud, _ body: JSON = scope, headers: [(String, String)] = []) async throws -> (status: Int, body: JSON) {
        try await cloud.call("POST", "/v1/projects/-/serviceAccounts/\(Self.worker):generateAccessToken", body, headers: headers)
    }

    @Test func generateAccessTokenAnswersATokenAndItsExpiry() async throws {
        try await withCloud { cloud in
            _ = try await cloud.call("POST", Self.accounts, ["accountId": "worker"])
            let (status, body) = try await generate(cloud, ["scope": ["https://www.googleapis.com/auth/cloud-platform"], "lifetime": "600s"])
            #expect(status == 200)
            #expect(body["accessToken"]?.stringValue?.isEmpty == false)
            #expect(body["expireTime"] == .string(Timestamp.rfc3339(micros: cloud.clock.nowMicros() + 600_000_000, fractionDigits: 0)))
        }
    }

    @Test func missingAccountIsNotFound() async throws {
        try await withCloud { cloud in
            let (status, body) = try await generate(cloud)
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
        }
    }

    @Test func lifetimeOverAnHourOrNoScopeIsInvalid() async throws {
        try await withCloud { cloud in
            _ = try await cloud.call("POST", Self.accounts, ["accountId": "worker"])
            let bodies: [JSON] = [
                ["scope": ["https://www.googleapis.com/auth/cloud-platform"], "lifetime": "3601s"],
                ["scope": ["https://www.googleapis.com/auth/cloud-platform"], "lifetime": "an hour"],
                ["scope": []],
            ]
            for body in bodies {
                let (status, answer) = try await generate(cloud, body)
                #expect(status == 400, "\(body)")
                #expect(answer.errorStatus == "INVALID_ARGUMENT")
            }
        }
    }

    @Test func callerWithoutTokenCreatorIsDenied() async throws {
        try await F.withAuthCloud { cloud in
            let runner = F.bearer(try await F.runnerToken(cloud))
            _ = try await cloud.call("POST", Self.accounts, ["accountId": "worker"], headers: runner)
            let (status, body) = try await generate(cloud, headers: runner)
            #expect(status == 403)
            #expect(body.errorStatus == "PERMISSION_DENIED")
        }
    }

    @Test func tokenCreatorOnTheAccountGetsATokenThatAuthorisesCalls() async throws {
        try await F.withAuthCloud { cloud in
            let runner = F.bearer(try await F.runnerToken(cloud))
            _ = try await cloud.call("POST", Self.accounts, ["accountId": "worker"], headers: runner)
            let binding: JSON = ["role": "roles/iam.serviceAccountTokenCreator", "members": [.string("serviceAccount:" + F.runner)]]
            let (setStatus, _) = try await cloud.call("POST", "\(Self.accounts)/\(Self.worker):setIamPolicy",
                                                      ["policy": ["bindings": [binding]]], headers: runner)
            #expect(setStatus == 200)
            let (status, body) = try await generate(cloud, headers: runner)
            #expect(status == 200)
            let workerToken = body["accessToken"]?.stringValue ?? ""
            #expect(try await cloud.call("GET", Self.accounts, headers: F.bearer(workerToken)).status == 200)
        }
    }

    @Test func tokenCreatorOnTheProjectAlsoGrantsIt() async throws {
        try await F.withAuthCloud { cloud in
            let runner = F.bearer(try await F.runnerToken(cloud))
            _ = try await cloud.call("POST", Self.accounts, ["accountId": "worker"], headers: runner)
            let binding: JSON = ["role": "roles/iam.serviceAccountTokenCreator", "members": [.string("serviceAccount:" + F.runner)]]
            _ = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy", ["policy": ["bindings": [binding]]], headers: runner)
            #expect(try await generate(cloud, headers: runner).status == 200)
        }
    }

    @Test func signJwtSignsWithTheAccountsKeyFile() async throws {
        try await F.withAuthCloud { cloud in
            let runner = F.bearer(try await F.runnerToken(cloud))
            _ = try await cloud.call("POST", Self.accounts, ["accountId": "runner"], headers: runner)
            let binding: JSON = ["role": "roles/owner", "members": [.string("serviceAccount:" + F.runner)]]
            _ = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy", ["policy": ["bindings": [binding]]], headers: runner)
            let (status, body) = try await cloud.call("POST", "/v1/projects/-/serviceAccounts/\(F.runner):signJwt",
                                                      ["payload": #"{"sub":"x","aud":"y"}"#], headers: runner)
            #expect(status == 200)
            #expect(body["keyId"] == .string(F.keyID))
            let parts = (body["signedJwt"]?.stringValue ?? "").split(separator: ".").map(String.init)
            #expect(parts.count == 3)
            if parts.count == 3 {
                let verified = try F.keyPair.get().verifyRS256(Array("\(parts[0]).\(parts[1])".utf8), signature: Base64.decode(parts[2]) ?? [])
                #expect(verified)
            }
        }
    }
}
