import LocalCloud
import Testing
import TerraceCrypto
import TerraceJSON

@Suite("Auth: self-signed JWTs as bearer tokens")
struct AuthSelfSignedJWTTests {
    typealias F = AuthFixtures
    static let accounts = "/v1/projects/demo-project/serviceAccounts"

    /// A JWT the runner signs for itself, as google-auth does with always_use_jwt_access.
    static func selfSigned(_ cloud: TestCloud, key: RSAKey, subject: String = F.runner, lifetime: Int64 = 3600,
                           issuedAgo: Int64 = 0) throws -> String {
        let now = cloud.clock.nowMicros() / 1_000_000
        let header: JSON = ["alg": "RS256", "typ": "JWT", "kid": .string(F.keyID)]
        let claims: JSON = ["iss": .string(F.runner), "sub": .string(subject), "aud": "https://iam.googleapis.com/",
                            "iat": .int(now - issuedAgo), "exp": .int(now - issuedAgo + lifetime)]
        let input = Base64.encode(header.encodedBytes(), urlSafe: true, padding: false) + "."
            + Base64.encode(claims.encodedBytes(), urlSafe: true, padding: false)
        return input + "." + Base64.encode(try key.signRS256(Array(input.utf8)), urlSafe: true, padding: false)
    }

    @Test func aJWTSignedByAKnownAccountAuthorisesCalls() async throws {
        try await F.withAuthCloud { cloud in
            let token = try Self.selfSigned(cloud, key: try F.keyPair.get())
            let (status, _) = try await cloud.call("GET", Self.accounts, headers: F.bearer(token))
            #expect(status == 200)
        }
    }

    @Test(arguments: ["other key", "other subject", "expired", "too long"])
    func anyOtherJWTIsUnauthenticated(_ flaw: String) async throws {
        try await F.withAuthCloud { cloud in
            let token = switch flaw {
            case "other key": try Self.selfSigned(cloud, key: try F.otherKeyPair.get())
            case "other subject": try Self.selfSigned(cloud, key: try F.keyPair.get(), subject: "someone@example.com")
            case "expired": try Self.selfSigned(cloud, key: try F.keyPair.get(), issuedAgo: 3601)
            default: try Self.selfSigned(cloud, key: try F.keyPair.get(), lifetime: 7200)
            }
            let (status, body) = try await cloud.call("GET", Self.accounts, headers: F.bearer(token))
            #expect(status == 401)
            #expect(body.errorStatus == "UNAUTHENTICATED")
        }
    }
}
