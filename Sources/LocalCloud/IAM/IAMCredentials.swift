import Hummingbird
import TerraceCrypto
import TerraceJSON
import TerraceSQLite
import TerraceTime

/// IAM Credentials v1: short-lived access tokens for service accounts, and JWTs signed with a
/// service account's key when the server was given that key file.
extension IAMService {
    /// Roles that let a principal act as a service account.
    static let tokenCreatorRoles: Set<String> = ["roles/iam.serviceAccountTokenCreator", "roles/owner"]

    var credentialsRoutes: [Route] {
        let account = Self.accountPath
        return [
            Route(.post, account + ":generateAccessToken") { try await generateAccessToken($0) },
            Route(.post, account + ":signJwt") { try await signJwt($0) },
            Self.unimplemented(.post, account + ":generateIdToken", "ID tokens"),
            Self.unimplemented(.get, account + "/allowedLocations", "allowed locations"),
        ]
    }

    /// The account a credentials request names, once the caller may act as it.
    private func actingAccount(_ request: ServiceRequest, permission: String) throws -> JSON {
        try context.store.read { db in
            let account = try lookupAccount(db, request).body
            if let principal = request.principal {
                let own = try IAMPolicies.get(db, resource: Self.policyResource(account))
                let project = try IAMPolicies.get(db, resource: "projects/" + (account["projectId"]?.stringValue ?? ""))
                guard IAMSupport.grants(own, principal: principal, roles: Self.tokenCreatorRoles)
                    || IAMSupport.grants(project, principal: principal, roles: Self.tokenCreatorRoles)
                else {
                    throw GCPError(code: 403, reason: "forbidden",
                                   message: "Permission '\(permission)' denied on resource (or it may not exist).")
                }
            }
            if account["disabled"]?.boolValue == true {
                throw GCPError.failedPrecondition("The service account \(account["email"]?.stringValue ?? "") is disabled.")
            }
            return account
        }
    }

    private func checkDelegates(_ body: JSON) throws {
        if let delegates = body["delegates"]?.arrayValue, !delegates.isEmpty {
            throw GCPError.notImplemented("delegation chains (delegates)")
        }
    }

    func generateAccessToken(_ request: ServiceRequest) async throws -> Response {
        let body = try await request.validatedBody("iamcredentials.GenerateAccessTokenRequest")
        let scopes = body["scope"]?.arrayValue?.compactMap(\.stringValue) ?? []
        guard !scopes.isEmpty else { throw GCPError.invalid("The field 'scope' is required: name at least one OAuth scope.") }
        var lifetime: Int64 = 3600
        if let text = body["lifetime"]?.stringValue {
            lifetime = try IAMSupport.durationSeconds(text, field: "lifetime")
            guard (1...3600).contains(lifetime) else {
                throw GCPError.invalid("The lifetime \(text) is out of range: it must be between 1s and 3600s.")
            }
        }
        try checkDelegates(body)
        let account = try actingAccount(request, permission: "iam.serviceAccounts.getAccessToken")
        let email = account["email"]?.stringValue ?? ""
        let issued = try context.tokens.issue(principal: "serviceAccount:" + email, lifetime: lifetime)
        return .json([
            "accessToken": .string(issued.token),
            "expireTime": .string(Timestamp.rfc3339(micros: issued.expiresMicros, fractionDigits: 0)),
        ])
    }

    func signJwt(_ request: ServiceRequest) async throws -> Response {
        let body = try await request.jsonBody()
        guard let payload = body["payload"]?.stringValue, !payload.isEmpty else {
            throw GCPError.invalid("The field 'payload' is required: a serialized JSON object of JWT claims.")
        }
        guard let claims = try? JSON.parse(payload), case .object = claims else {
            throw GCPError.invalid("Invalid value for field 'payload': it must be a serialized JSON object.")
        }
        if let exp = claims["exp"], exp.intValue == nil {
            throw GCPError.invalid("Invalid value for the JWT claim 'exp': it must be an integer timestamp.")
        }
        try checkDelegates(body)
        let account = try actingAccount(request, permission: "iam.serviceAccounts.signJwt")
        let email = account["email"]?.stringValue ?? ""
        guard let key = context.credentials.serviceAccounts.first(where: { $0.email == email }), key.publicKey.isPrivate else {
            throw GCPError.notImplemented("signJwt for \(email) without its key file in the keys directory")
        }
        let header: JSON = ["alg": "RS256", "kid": .string(key.keyID), "typ": "JWT"]
        let signingInput = Base64.encode(header.encodedBytes(), urlSafe: true, padding: false) + "."
            + Base64.encode(Array(payload.utf8), urlSafe: true, padding: false)
        let signature: [UInt8]
        do { signature = try key.publicKey.signRS256(Array(signingInput.utf8)) } catch {
            throw GCPError.internal("Cannot sign the JWT: \(error.description)")
        }
        return .json([
            "keyId": .string(key.keyID),
            "signedJwt": .string(signingInput + "." + Base64.encode(signature, urlSafe: true, padding: false)),
        ])
    }
}
