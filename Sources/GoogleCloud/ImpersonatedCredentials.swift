import TerraceJSON
import TerraceTime

/// Tokens for a service account impersonated by other credentials, from IAM Credentials'
/// `generateAccessToken` (the caller needs roles/iam.serviceAccountTokenCreator on it).
public struct ImpersonatedCredentials: TokenSource, CustomStringConvertible {
    public let source: any TokenProvider
    public let targetServiceAccount: String
    public let scopes: [String]
    public let lifetimeSeconds: Int
    /// IAM Credentials' endpoint (its base URL ends in `/v1/`).
    public let endpoint: Endpoint
    let exchange: TokenExchange

    public init(source: any TokenProvider, targetServiceAccount: String, scopes: [String] = GoogleScopes.cloudPlatform,
                lifetimeSeconds: Int = 3600, endpoint: Endpoint = Endpoints.google[.iamCredentials],
                transport: Transport, time: TimeSource = .live, retryPolicy: RetryPolicy = RetryPolicy()) {
        self.source = source
        self.targetServiceAccount = targetServiceAccount
        self.scopes = scopes
        self.lifetimeSeconds = lifetimeSeconds
        self.endpoint = endpoint
        exchange = TokenExchange(transport: transport, time: time, retryPolicy: retryPolicy)
    }

    public var principal: String { "\(targetServiceAccount), impersonated by \(source.principal)" }
    public var description: String { "ImpersonatedCredentials(\(principal))" }

    public func fetchToken() async throws -> AccessToken {
        let started = exchange.time.now()
        let url = endpoint.baseURL + "projects/-/serviceAccounts/\(URLEncoding.component(targetServiceAccount)):generateAccessToken"
        let body: JSON = ["scope": .array(scopes.map { .string($0) }), "lifetime": .string("\(lifetimeSeconds)s")]
        let what = "Impersonating \(targetServiceAccount) as \(source.principal)"
        let sourceToken = try await source.accessToken()
        let json = try await exchange.request(
            "POST", url, headers: [("Content-Type", "application/json"), ("Authorization", "Bearer " + sourceToken.value)],
            body: body.encodedBytes(), what: what)
        guard let value = json["accessToken"]?.stringValue, !value.isEmpty else {
            throw GoogleAuthError("\(what) failed: the answer from IAM Credentials has no accessToken.")
        }
        let expires = json["expireTime"]?.stringValue.flatMap(Timestamp.parseRFC3339).map { Double($0) / 1_000_000 } ?? started + Double(lifetimeSeconds)
        return AccessToken(value: value, expiresAt: expires)
    }
}
