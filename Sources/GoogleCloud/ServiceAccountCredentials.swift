import TerraceCrypto
import TerraceJSON

/// Tokens for a service account from its key file: a JWT signed RS256 with the file's private
/// key, exchanged at the file's `token_uri` with the JWT-bearer grant.
public struct ServiceAccountCredentials: TokenSource, CustomStringConvertible {
    public let clientEmail: String
    public let keyID: String?
    public let tokenURI: String
    public let projectID: String?
    public let scopes: [String]
    /// Where the key came from (a file path), for messages.
    public let origin: String
    private let key: RSAKey
    let exchange: TokenExchange

    /// Reads a parsed key file (`type: service_account`); `origin` names it in errors.
    public init(keyFile json: JSON, origin: String, scopes: [String] = GoogleScopes.cloudPlatform,
                transport: Transport, time: TimeSource = .live, retryPolicy: RetryPolicy = RetryPolicy()) throws {
        func field(_ name: String) throws -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty else {
                throw GoogleAuthError("The service-account key file \(origin) has no \(name); download a new key for the account.")
            }
            return value
        }
        clientEmail = try field("client_email")
        let pem = try field("private_key")
        do {
            key = try RSAKey(pem: pem)
        } catch {
            throw GoogleAuthError("The private_key in the service-account key file \(origin) is not a PEM RSA private key; download a new key for \(clientEmail).")
        }
        guard key.isPrivate else {
            throw GoogleAuthError("The private_key in the service-account key file \(origin) is a public key; download a new key for \(clientEmail).")
        }
        keyID = json["private_key_id"]?.stringValue
        tokenURI = json["token_uri"]?.stringValue ?? "https://oauth2.googleapis.com/token"
        projectID = json["project_id"]?.stringValue
        self.scopes = scopes
        self.origin = origin
        exchange = TokenExchange(transport: transport, time: time, retryPolicy: retryPolicy)
    }

    public var principal: String { "\(clientEmail) (service-account key file \(origin))" }
    public var description: String { "ServiceAccountCredentials(\(principal))" }

    /// The signed JWT-bearer assertion, valid for an hour from now.
    func assertion(now: Double) throws -> String {
        let issued = Int64(now)
        var header: JSON = ["alg": "RS256", "typ": "JWT"]
        if let keyID, !keyID.isEmpty { header["kid"] = .string(keyID) }
        let claims: JSON = [
            "iss": .string(clientEmail), "scope": .string(scopes.joined(separator: " ")), "aud": .string(tokenURI),
            "iat": .int(issued), "exp": .int(issued + 3600),
        ]
        let input = Base64.encode(header.encodedBytes(), urlSafe: true, padding: false) + "."
            + Base64.encode(claims.encodedBytes(), urlSafe: true, padding: false)
        let signature: [UInt8]
        do {
            signature = try key.signRS256(Array(input.utf8))
        } catch {
            throw GoogleAuthError("Signing a token request for \(clientEmail) with the key in \(origin) failed; download a new key.")
        }
        return input + "." + Base64.encode(signature, urlSafe: true, padding: false)
    }

    public func fetchToken() async throws -> AccessToken {
        let jwt = try assertion(now: exchange.time.now())
        return try await exchange.oauthToken(tokenURI, form: [
            ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", jwt),
        ], what: "Exchanging the service-account key of \(clientEmail) (\(origin)) for a token")
    }
}

/// OAuth scopes.
public enum GoogleScopes {
    /// Full access to every Google Cloud API the caller's IAM allows.
    public static let cloudPlatform = ["https://www.googleapis.com/auth/cloud-platform"]
}
