#if canImport(Glibc)
import Glibc
#endif
import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// The credential files a server started with `--keys DIR` trusts: service-account key files
/// (whose RS256 JWT signatures it verifies) and authorized_user files (whose refresh tokens it
/// accepts).
public struct CredentialSet: Sendable {
    public struct ServiceAccountKey: Sendable {
        public let email: String
        public let keyID: String
        public let publicKey: RSAKey
    }

    public struct AuthorizedUser: Sendable {
        public let clientID: String
        public let clientSecret: String
        public let refreshToken: String
        /// The principal tokens are issued to (`account`, or the client id).
        public let principal: String
    }

    public let serviceAccounts: [ServiceAccountKey]
    public let authorizedUsers: [AuthorizedUser]

    public init(serviceAccounts: [ServiceAccountKey] = [], authorizedUsers: [AuthorizedUser] = []) {
        self.serviceAccounts = serviceAccounts
        self.authorizedUsers = authorizedUsers
    }

    /// Reads every `*.json` file in `directory`; a file that is neither kind is an error naming it.
    public static func load(directory: String) throws -> CredentialSet {
        guard let dir = opendir(directory) else {
            throw LocalCloudError("cannot read the keys directory \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(".json") { names.append(name) }
        }
        var accounts: [ServiceAccountKey] = []
        var users: [AuthorizedUser] = []
        for name in names.sorted() {
            let path = directory + "/" + name
            let text = try readTextFile(path)
            let json: JSON
            do { json = try JSON.parse(text) } catch {
                throw LocalCloudError("\(path): \(error.description)")
            }
            switch json["type"]?.stringValue {
            case "service_account":
                guard let email = json["client_email"]?.stringValue, let pem = json["private_key"]?.stringValue else {
                    throw LocalCloudError("\(path): a service_account key file needs client_email and private_key")
                }
                let key: RSAKey
                do { key = try RSAKey(pem: pem) } catch {
                    throw LocalCloudError("\(path): private_key: \(error.description)")
                }
                accounts.append(ServiceAccountKey(email: email, keyID: json["private_key_id"]?.stringValue ?? "", publicKey: key))
            case "authorized_user":
                guard let id = json["client_id"]?.stringValue, let secret = json["client_secret"]?.stringValue,
                      let refresh = json["refresh_token"]?.stringValue
                else {
                    throw LocalCloudError("\(path): an authorized_user file needs client_id, client_secret and refresh_token")
                }
                let account = json["account"]?.stringValue ?? id
                users.append(AuthorizedUser(clientID: id, clientSecret: secret, refreshToken: refresh, principal: "user:" + account))
            default:
                throw LocalCloudError("\(path): \"type\" must be \"service_account\" or \"authorized_user\"")
            }
        }
        return CredentialSet(serviceAccounts: accounts, authorizedUsers: users)
    }
}

/// Reads a whole file as UTF-8.
func readTextFile(_ path: String) throws -> String {
    guard let file = fopen(path, "rb") else {
        throw LocalCloudError("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&buffer, 1, buffer.count, file)
        if n <= 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Access tokens the local cloud issued, persisted so they survive a restart.
public final class TokenRegistry: Sendable {
    static let schema = """
        CREATE TABLE IF NOT EXISTS access_tokens (
            token TEXT PRIMARY KEY, principal TEXT NOT NULL, expires_micros INTEGER NOT NULL
        ) WITHOUT ROWID;
        """
    private let store: Store
    private let clock: any CloudClock

    init(store: Store, clock: any CloudClock) {
        self.store = store
        self.clock = clock
    }

    /// Issues a token for `principal` that expires after `lifetime` seconds.
    public func issue(principal: String, lifetime: Int64 = 3600) throws -> (token: String, expiresMicros: Int64) {
        let token = "ya29.local." + Base64.encode(RandomBytes.make(24), urlSafe: true, padding: false)
        let expires = clock.nowMicros() + lifetime * 1_000_000
        try store.write { db in
            try db.run("DELETE FROM access_tokens WHERE expires_micros < ?", [.int(clock.nowMicros())])
            try db.run("INSERT INTO access_tokens (token, principal, expires_micros) VALUES (?, ?, ?)",
                       [.text(token), .text(principal), .int(expires)])
        }
        return (token, expires)
    }

    /// The principal of a valid, unexpired token.
    public func principal(for token: String) throws -> String? {
        let row = try store.read { db in
            try db.queryOne("SELECT principal, expires_micros FROM access_tokens WHERE token = ?", [.text(token)])
        }
        guard let row, let expires = row.int("expires_micros"), expires > clock.nowMicros() else { return nil }
        return row.string("principal")
    }
}

/// A local-cloud start-up error, said in one sentence.
public struct LocalCloudError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// The data directory is locked by another process (`holder` says which, when known).
    public let dataDirectoryBusy: Bool
    public let holder: String?

    public init(_ description: String, dataDirectoryBusy: Bool = false, holder: String? = nil) {
        self.description = description
        self.dataDirectoryBusy = dataDirectoryBusy
        self.holder = holder
    }
}

/// Self-signed JWTs as bearer tokens: Google accepts a JWT that a service account signs with its
/// own key (iss = sub = the account, an `aud` naming the API or a `scope`, at most an hour long)
/// in place of an access token, and Google's auth libraries send one when asked to
/// (`always_use_jwt_access`). The local cloud accepts them from the key files it was given.
public enum SelfSignedJWT {
    static let skewSeconds: Int64 = 300

    /// The principal ("serviceAccount:EMAIL") of a valid self-signed JWT, or nil.
    public static func principal(_ token: String, credentials: CredentialSet, nowSeconds: Int64) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3,
              let header = Base64.decode(parts[0]).flatMap({ try? JSON.parse($0) }),
              let claims = Base64.decode(parts[1]).flatMap({ try? JSON.parse($0) }),
              let signature = Base64.decode(parts[2]),
              header["alg"]?.stringValue == "RS256",
              let issuer = claims["iss"]?.stringValue, claims["sub"]?.stringValue == issuer,
              claims["aud"]?.stringValue?.isEmpty == false || claims["scope"]?.stringValue?.isEmpty == false,
              let issued = claims["iat"]?.intValue, let expires = claims["exp"]?.intValue,
              expires > issued, expires - issued <= 3600,
              issued <= nowSeconds + skewSeconds, expires > nowSeconds
        else { return nil }
        var keys = credentials.serviceAccounts.filter { $0.email == issuer }
        if let kid = header["kid"]?.stringValue, !kid.isEmpty { keys = keys.filter { $0.keyID == kid } }
        let signed = Array((parts[0] + "." + parts[1]).utf8)
        guard keys.contains(where: { $0.publicKey.verifyRS256(signed, signature: signature) }) else { return nil }
        return "serviceAccount:" + issuer
    }
}
