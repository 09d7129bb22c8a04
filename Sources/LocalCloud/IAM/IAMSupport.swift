import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// Rules and helpers the IAM-family APIs share: project ids, field masks, durations and the
/// getIamPolicy/setIamPolicy pair used by projects and service accounts.
enum IAMSupport {
    /// A google.protobuf.Duration in JSON ("3600s", "1.5s") as whole seconds, rounded up.
    static func durationSeconds(_ text: String, field: String) throws -> Int64 {
        (try ProtoDuration.parse(text, field: field) + 999_999) / 1_000_000
    }

    /// Random lowercase hex, for operation ids.
    static func randomHex(bytes count: Int) -> String {
        RandomBytes.make(count).hexString
    }

    /// The policy of `resource`, formatted for `requestedVersion` (a conditional policy needs 3).
    static func getPolicy(_ db: Database, resource: String, requestedVersion: Int64?) throws -> JSON {
        let version = requestedVersion ?? 0
        guard [0, 1, 3].contains(version) else {
            throw GCPError.invalid("Invalid requestedPolicyVersion \(version): valid values are 0, 1 and 3.")
        }
        let policy = try IAMPolicies.get(db, resource: resource)
        let conditional = policy["bindings"]?.arrayValue?.contains { $0["condition"] != nil } ?? false
        if conditional && version < 3 {
            throw GCPError.invalid(
                "The policy of \(resource) has conditional role bindings; request it with options.requestedPolicyVersion 3.")
        }
        return policy
    }

    /// Applies a SetIamPolicyRequest body (`policy`, optional `updateMask`) to `resource`.
    static func setPolicy(_ db: Database, resource: String, request: JSON) throws -> JSON {
        guard let given = request["policy"], case .object = given else {
            throw GCPError.invalid("Invalid SetIamPolicyRequest: the field 'policy' is required.")
        }
        let paths = FieldMask.split(request["updateMask"]?.stringValue)
        let allowed: Set<String> = ["bindings", "etag", "auditConfigs", "audit_configs", "version"]
        if let bad = paths.first(where: { !allowed.contains($0) }) {
            throw GCPError.invalid("Invalid updateMask path \"\(bad)\": a policy mask may name bindings, etag and auditConfigs.")
        }
        guard !paths.isEmpty else { return try IAMPolicies.set(db, resource: resource, policy: given) }
        // Only the masked fields come from the request; the rest stays as stored.
        let current = try IAMPolicies.get(db, resource: resource)
        var merged = current
        merged["etag"] = given["etag"]
        if paths.contains("bindings") {
            merged["bindings"] = given["bindings"]
            merged["version"] = given["version"]
        }
        if paths.contains("auditConfigs") || paths.contains("audit_configs") { merged["auditConfigs"] = given["auditConfigs"] }
        return try IAMPolicies.set(db, resource: resource, policy: merged)
    }

    /// Whether `principal` holds one of `roles` (unconditionally) in `policy`.
    static func grants(_ policy: JSON, principal: String, roles: Set<String>) -> Bool {
        for binding in policy["bindings"]?.arrayValue ?? [] {
            guard let role = binding["role"]?.stringValue, roles.contains(role), binding["condition"] == nil else { continue }
            let members = binding["members"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if members.contains(principal) || members.contains("allUsers") || members.contains("allAuthenticatedUsers") {
                return true
            }
        }
        return false
    }
}

extension ServiceRequest {
    /// The JSON body validated against the discovery schema `schema` (unknown fields rejected).
    func validatedBody(_ schema: String, allowEmpty: Bool = false) async throws -> JSON {
        let body = try await jsonBody(allowEmpty: allowEmpty)
        try SchemaValidator.shared.validate(body, schema: schema, root: "", rejectUnknown: true)
        return body
    }

    /// The `pageSize` query parameter, defaulted and capped; a negative one is a 400.
    func pageSize(default fallback: Int, max limit: Int) throws -> Int {
        guard let size = try query.int("pageSize") else { return fallback }
        guard size >= 0 else { throw GCPError.invalid("Invalid value for parameter 'pageSize': \(size) is negative.") }
        return size == 0 ? fallback : Int(min(size, Int64(limit)))
    }
}
