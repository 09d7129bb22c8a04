import TerraceJSON

/// Tokens for a user from an `authorized_user` file (what `gcloud auth application-default
/// login` writes): the refresh-token grant at the file's `token_uri` or Google's.
public struct AuthorizedUserCredentials: TokenSource, CustomStringConvertible {
    public let clientID: String
    public let tokenURI: String
    public let quotaProjectID: String?
    public let origin: String
    private let clientSecret: String
    private let refreshToken: String
    let exchange: TokenExchange

    /// Reads a parsed `authorized_user` file; `origin` names it in errors.
    public init(file json: JSON, origin: String, transport: Transport, time: TimeSource = .live,
                retryPolicy: RetryPolicy = RetryPolicy()) throws {
        func field(_ name: String) throws -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty else {
                throw GoogleAuthError("The authorized_user credentials file \(origin) has no \(name); run `gcloud auth application-default login` again.")
            }
            return value
        }
        clientID = try field("client_id")
        clientSecret = try field("client_secret")
        refreshToken = try field("refresh_token")
        tokenURI = json["token_uri"]?.stringValue ?? "https://oauth2.googleapis.com/token"
        quotaProjectID = json["quota_project_id"]?.stringValue
        self.origin = origin
        exchange = TokenExchange(transport: transport, time: time, retryPolicy: retryPolicy)
    }

    public var principal: String { "the user of \(origin)" }
    public var description: String { "AuthorizedUserCredentials(\(origin))" }

    public func fetchToken() async throws -> AccessToken {
        try await exchange.oauthToken(tokenURI, form: [
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken),
            ("client_id", clientID), ("client_secret", clientSecret),
        ], what: "Refreshing the user credentials of \(origin)")
    }
}
