import HTTPTypes
import Hummingbird
import TerraceCrypto
import TerraceJSON

/// The OAuth2 token endpoint (`POST /token`, `POST /oauth2/v4/token`): the JWT-bearer grant for
/// service-account key files and the refresh-token grant for authorized_user files the server
/// was given. Failures answer OAuth's own error shape, not Google's API error body.
public struct OAuthService: CloudService {
    public static let schema = ""
    let context: CloudContext
    /// Issued tokens live an hour; `expires_in` says a second less, as Google's endpoint does.
    static let lifetime: Int64 = 3600
    /// Allowed clock skew between the JWT's iat/exp and the server's clock.
    static let skewSeconds: Int64 = 300

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        [APIRoutes(name: "oauth2", style: .canonical, routes: [
            Route(.post, "/token") { try await token($0) },
            Route(.post, "/oauth2/v4/token") { try await token($0) },
        ])]
    }

    /// An OAuth error answer: HTTP 400 `{"error", "error_description"}`.
    struct OAuthError: Error {
        let error: String
        let description: String

        static func grant(_ description: String) -> OAuthError { OAuthError(error: "invalid_grant", description: description) }
        static let signature = grant("Invalid JWT Signature.")
        static let timeframe = grant(
            "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
    }

    func token(_ request: ServiceRequest) async throws -> Response {
        let form = Self.parseForm(try await request.collectBody(limit: 1 << 20), contentType: request.header("Content-Type"))
        do {
            let (principal, scope) = try grant(form, request: request)
            let issued = try context.tokens.issue(principal: principal, lifetime: Self.lifetime)
            var answer: [String: JSON] = [
                "access_token": .string(issued.token), "expires_in": .int(Self.lifetime - 1), "token_type": "Bearer",
            ]
            if let scope, !scope.isEmpty { answer["scope"] = .string(scope) }
            return .json(.object(answer), headers: [.cacheControl: "no-cache, no-store, max-age=0, must-revalidate"])
        } catch let failure as OAuthError {
            return .json(["error": .string(failure.error), "error_description": .string(failure.description)], status: .badRequest)
        }
    }

    /// The principal a valid grant is for, and the scopes it asked for.
    private func grant(_ form: [String: String], request: ServiceRequest) throws -> (String, String?) {
        switch form["grant_type"] {
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            guard let assertion = form["assertion"], !assertion.isEmpty else {
                throw OAuthError(error: "invalid_request", description: "Missing required parameter: assertion")
            }
            return try jwtBearer(assertion, request: request)
        case "refresh_token":
            guard let refresh = form["refresh_token"], !refresh.isEmpty else {
                throw OAuthError(error: "invalid_request", description: "Missing required parameter: refresh_token")
            }
            guard let user = context.credentials.authorizedUsers.first(where: { $0.refreshToken == refresh }) else {
                throw OAuthError.grant("Bad Request")
            }
            guard form["client_id"] == user.clientID, form["client_secret"] == user.clientSecret else {
                throw OAuthError(error: "unauthorized_client", description: "Unauthorized")
            }
            return (user.principal, form["scope"])
        case nil, "":
            throw OAuthError(error: "invalid_request", description: "Missing required parameter: grant_type")
        case let other?:
            throw OAuthError(error: "unsupported_grant_type", description: "Invalid grant_type: \(other)")
        }
    }

    /// Verifies a service account's RS256 JWT against its key file and its claims against the clock.
    private func jwtBearer(_ assertion: String, request: ServiceRequest) throws -> (String, String?) {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3,
              let headerBytes = Base64.decode(parts[0]), let header = try? JSON.parse(headerBytes),
              let payloadBytes = Base64.decode(parts[1]), let claims = try? JSON.parse(payloadBytes),
              let signature = Base64.decode(parts[2])
        else { throw OAuthError.grant("Invalid JWT: the assertion is not a well-formed JWT.") }
        guard header["alg"]?.stringValue == "RS256" else {
            throw OAuthError.grant("Invalid JWT: the algorithm must be RS256.")
        }
        guard let issuer = claims["iss"]?.stringValue, !issuer.isEmpty else {
            throw OAuthError.grant("Invalid JWT: the claim 'iss' is required.")
        }
        var keys = context.credentials.serviceAccounts.filter { $0.email == issuer }
        guard !keys.isEmpty else { throw OAuthError.grant("Invalid grant: account not found") }
        if let kid = header["kid"]?.stringValue, !kid.isEmpty { keys = keys.filter { $0.keyID == kid } }
        let signed = Array((parts[0] + "." + parts[1]).utf8)
        guard keys.contains(where: { $0.publicKey.verifyRS256(signed, signature: signature) }) else { throw OAuthError.signature }

        let audience = claims["aud"]?.stringValue ?? ""
        guard Self.isTokenURI(audience, host: request.authority ?? request.header("Host")) else {
            throw OAuthError.grant("Invalid JWT: Failed audience check. The right audience is this server's token URI or https://oauth2.googleapis.com/token.")
        }
        guard let iat = claims["iat"]?.intValue, let exp = claims["exp"]?.intValue else { throw OAuthError.timeframe }
        let now = context.clock.nowMicros() / 1_000_000
        guard exp > iat, exp - iat <= Self.lifetime, iat <= now + Self.skewSeconds, exp >= now - Self.skewSeconds else {
            throw OAuthError.timeframe
        }
        if let subject = claims["sub"]?.stringValue, !subject.isEmpty, subject != issuer {
            throw OAuthError(error: "unauthorized_client",
                             description: "Client is unauthorized to retrieve access tokens using this method (domain-wide delegation is not available in the local cloud).")
        }
        if claims["target_audience"] != nil { throw GCPError.notImplemented("ID tokens (target_audience)") }
        guard let scope = claims["scope"]?.stringValue, !scope.isEmpty else {
            throw OAuthError(error: "invalid_scope", description: "Invalid oauth scope or ID token audience provided.")
        }
        return ("serviceAccount:" + issuer, scope)
    }

    /// Whether a JWT's audience names a token endpoint: Google's, or this server's `/token` or
    /// `/oauth2/v4/token` at `host` (at any host when the request does not say which it used).
    static func isTokenURI(_ audience: String, host: String?) -> Bool {
        if audience == "https://oauth2.googleapis.com/token" || audience == "https://www.googleapis.com/oauth2/v4/token" {
            return true
        }
        guard let rest = ["http://", "https://"].first(where: audience.hasPrefix).map({ audience.dropFirst($0.count) }),
              let slash = rest.firstIndex(of: "/")
        else { return false }
        let authority = rest[..<slash]
        let path = rest[slash...]
        return !authority.isEmpty && (path == "/token" || path == "/oauth2/v4/token") && (host == nil || host == String(authority))
    }

    /// A form-encoded body (or a JSON object of strings) as a dictionary.
    static func parseForm(_ bytes: [UInt8], contentType: String?) -> [String: String] {
        if contentType?.lowercased().hasPrefix("application/json") == true {
            let object = (try? JSON.parse(bytes))?.objectValue ?? [:]
            return object.compactMapValues(\.stringValue)
        }
        var form: [String: String] = [:]
        for pair in String(decoding: bytes, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let key = PercentEncoding.decode(parts[0], plusIsSpace: true) else { continue }
            let value = parts.count > 1 ? PercentEncoding.decode(parts[1], plusIsSpace: true) : ""
            if form[key] == nil, let value { form[key] = value }
        }
        return form
    }
}
