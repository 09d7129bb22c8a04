import Foundation
import LocalCloud
import TerraceCrypto
import TerraceHTTP
import TerraceJSON

/// RSA keys and credential files for the auth tests; the keys are generated once per run.
enum AuthFixtures {
    static let keyPair = Result { try RSAKey(generatingBits: 2048) }
    static let otherKeyPair = Result { try RSAKey(generatingBits: 2048) }
    static let runner = "runner@demo-project.iam.gserviceaccount.com"
    static let keyID = "0123456789abcdef"
    static let user = (clientID: "client-1.apps.googleusercontent.com", secret: "s3cret", refresh: "1//refresh-token")

    /// A keys directory with one service-account key file (for `runner`) and one authorized_user file.
    static func keysDirectory() throws -> String {
        let dir = makeTemporaryDirectory("terrace-keys")
        let serviceAccount: JSON = [
            "type": "service_account", "client_email": .string(runner), "private_key": .string(try keyPair.get().privateKeyPEM()),
            "private_key_id": .string(keyID), "token_uri": "https://oauth2.googleapis.com/token", "project_id": "demo-project",
        ]
        let authorizedUser: JSON = [
            "type": "authorized_user", "client_id": .string(user.clientID), "client_secret": .string(user.secret),
            "refresh_token": .string(user.refresh), "account": "ana@example.com",
        ]
        try serviceAccount.encoded().write(toFile: dir + "/runner.json", atomically: true, encoding: .utf8)
        try authorizedUser.encoded().write(toFile: dir + "/ana.json", atomically: true, encoding: .utf8)
        return dir
    }

    /// Runs `body` against a cloud that requires auth and trusts ``keysDirectory()``.
    static func withAuthCloud(_ body: (TestCloud) async throws -> Void) async throws {
        let keys = try keysDirectory()
        defer { try? FileManager.default.removeItem(atPath: keys) }
        try await withCloud(configure: { $0.requireAuth = true; $0.keysDirectory = keys }, body)
    }

    /// A JWT-bearer assertion signed with `key`; times in seconds relative to the cloud's clock.
    static func assertion(_ cloud: TestCloud, key: RSAKey, issuer: String = runner, audience: String? = nil,
                          issuedAgo: Int64 = 0, lifetime: Int64 = 3600, keyID: String? = AuthFixtures.keyID) throws -> String {
        let now = cloud.clock.nowMicros() / 1_000_000
        var header: JSON = ["alg": "RS256", "typ": "JWT"]
        if let keyID { header["kid"] = .string(keyID) }
        let claims: JSON = [
            "iss": .string(issuer), "scope": "https://www.googleapis.com/auth/cloud-platform",
            "aud": .string(audience ?? cloud.url("/token")), "iat": .int(now - issuedAgo), "exp": .int(now - issuedAgo + lifetime),
        ]
        let input = Base64.encode(header.encodedBytes(), urlSafe: true, padding: false) + "."
            + Base64.encode(claims.encodedBytes(), urlSafe: true, padding: false)
        let signature = try key.signRS256(Array(input.utf8))
        return input + "." + Base64.encode(signature, urlSafe: true, padding: false)
    }

    /// POSTs a form to the token endpoint.
    static func token(_ cloud: TestCloud, _ form: [(String, String)], path: String = "/token") async throws -> (status: Int, body: JSON) {
        let text = form.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
        let result = try await cloud.raw("POST", path, body: Array(text.utf8),
                                         headers: [("Content-Type", "application/x-www-form-urlencoded")])
        return (result.status, (try? JSON.parse(result.body)) ?? .null)
    }

    static func jwtGrant(_ assertion: String) -> [(String, String)] {
        [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)]
    }

    /// An access token for `runner`, from a freshly signed JWT.
    static func runnerToken(_ cloud: TestCloud) async throws -> String {
        let (_, body) = try await token(cloud, jwtGrant(try assertion(cloud, key: try keyPair.get())))
        return body["access_token"]?.stringValue ?? ""
    }

    static func bearer(_ token: String) -> [(String, String)] { [("Authorization", "Bearer " + token)] }
}
