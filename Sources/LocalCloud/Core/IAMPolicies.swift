import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// IAM policies for every resource kind that has getIamPolicy/setIamPolicy: stored per
/// resource name, versioned by an etag, validated the way IAM validates them.
public enum IAMPolicies {
    static let kind = "iamPolicy"

    /// The stored policy of `resource`, or `defaultBindings` with a fresh etag when none was set.
    public static func get(_ db: Database, resource: String, defaultBindings: [JSON] = []) throws -> JSON {
        if let stored = try db.getResource(ResourceKey(kind, parent: "", name: resource)) { return stored }
        return render(version: 1, bindings: defaultBindings, etag: etag(0), extra: [:])
    }

    /// Validates `policy` and stores it as the policy of `resource`.
    ///
    /// - Parameter conflict: the error for a stale etag: 409 ABORTED for the newer APIs,
    ///   412 conditionNotMet for Cloud Storage.
    public static func set(_ db: Database, resource: String, policy: JSON, defaultBindings: [JSON] = [],
                           conflict: GCPError = .aborted()) throws -> JSON {
        guard case .object = policy else { throw GCPError.invalid("The policy must be a JSON object.") }
        let current = try get(db, resource: resource, defaultBindings: defaultBindings)
        if let given = policy["etag"]?.stringValue, !given.isEmpty, given != current["etag"]?.stringValue {
            throw conflict
        }
        let bindings = try normalise(policy["bindings"])
        try checkServiceAccountsExist(db, bindings)
        let hasConditions = bindings.contains { $0["condition"] != nil }
        let requestedVersion = policy["version"]?.intValue ?? 1
        guard [0, 1, 3].contains(requestedVersion) else {
            throw GCPError.invalid("Invalid policy version \(requestedVersion): the version must be 1 or 3.")
        }
        if hasConditions && requestedVersion < 3 {
            throw GCPError.invalid("Policies with conditional role bindings must be set with version 3; got version \(requestedVersion).")
        }
        let sequence = try db.nextCounter("iam:" + resource)
        var extra: [String: JSON] = [:]
        if let audit = policy["auditConfigs"], audit != .null { extra["auditConfigs"] = audit }
        let stored = render(version: hasConditions ? 3 : 1, bindings: bindings, etag: etag(sequence), extra: extra)
        try db.putResource(ResourceKey(kind, parent: "", name: resource), stored)
        return stored
    }

    /// A binding to a user-managed service account (`ID@PROJECT.iam.gserviceaccount.com`) that
    /// does not exist is a 400, as in GCP: the error infrastructure tools meet when they grant
    /// a role to an account created a moment ago. Google-managed service agents are not checked.
    static func checkServiceAccountsExist(_ db: Database, _ bindings: [JSON]) throws {
        for binding in bindings {
            for member in binding["members"]?.arrayValue?.compactMap(\.stringValue) ?? [] {
                guard member.hasPrefix("serviceAccount:") else { continue }
                let email = String(member.dropFirst("serviceAccount:".count))
                guard let at = email.firstIndex(of: "@") else { continue }
                let domain = email[email.index(after: at)...]
                guard domain.hasSuffix(".iam.gserviceaccount.com"), !domain.hasPrefix("gcp-sa-") else { continue }
                if try !IAMService.serviceAccountExists(db, email: email) {
                    throw GCPError.invalid("Service account \(email) does not exist.")
                }
            }
        }
    }

    /// Removes the policy of a deleted resource.
    public static func remove(_ db: Database, resource: String) throws {
        try db.deleteResource(ResourceKey(kind, parent: "", name: resource))
    }

    static func render(version: Int64, bindings: [JSON], etag: String, extra: [String: JSON]) -> JSON {
        var body = extra
        body["version"] = .int(version)
        body["etag"] = .string(etag)
        if !bindings.isEmpty { body["bindings"] = .array(bindings) }
        return .object(body)
    }

    static func etag(_ sequence: Int64) -> String {
        var bytes: [UInt8] = [0x42, 0x77]  // "Bw", the prefix real IAM etags decode to
        for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((sequence >> Int64(shift)) & 0xFF)) }
        return Base64.encode(bytes)
    }

    /// Bindings merged by (role, condition), members de-duplicated and sorted, empty ones dropped.
    static func normalise(_ raw: JSON?) throws -> [JSON] {
        guard let raw, raw != .null else { return [] }
        guard case .array(let list) = raw else { throw GCPError.invalid("Invalid value for field 'policy.bindings': expected an array.") }
        var order: [String] = []
        var merged: [String: (role: String, condition: JSON?, members: Set<String>)] = [:]
        for (index, binding) in list.enumerated() {
            guard let role = binding["role"]?.stringValue, !role.isEmpty else {
                throw GCPError.invalid("Invalid value for field 'policy.bindings[\(index)].role': a role is required.")
            }
            try checkRole(role)
            let condition = binding["condition"].flatMap { $0 == .null ? nil : $0 }
            if let condition, condition["expression"]?.stringValue?.isEmpty ?? true {
                throw GCPError.invalid("Invalid condition in binding for \(role): a condition needs an expression.")
            }
            var members = Set<String>()
            for member in binding["members"]?.arrayValue ?? [] {
                guard let text = member.stringValue else {
                    throw GCPError.invalid("Invalid value for field 'policy.bindings[\(index)].members': members are strings.")
                }
                try checkMember(text)
                members.insert(text)
            }
            let key = role + "|" + (condition?.encoded() ?? "")
            if merged[key] == nil {
                order.append(key)
                merged[key] = (role, condition, members)
            } else {
                merged[key]?.members.formUnion(members)
            }
        }
        return order.compactMap { key in
            guard let entry = merged[key], !entry.members.isEmpty else { return nil }
            var binding: [String: JSON] = ["role": .string(entry.role), "members": .array(entry.members.sorted().map(JSON.string))]
            if let condition = entry.condition { binding["condition"] = condition }
            return .object(binding)
        }
    }

    /// Roles are `roles/NAME`, `projects/P/roles/NAME` or `organizations/O/roles/NAME`.
    public static func checkRole(_ role: String) throws {
        let parts = role.split(separator: "/", omittingEmptySubsequences: false)
        let nameOK: (Substring) -> Bool = { name in
            !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        }
        let ok = (parts.count == 2 && parts[0] == "roles" && nameOK(parts[1]))
            || (parts.count == 4 && (parts[0] == "projects" || parts[0] == "organizations") && !parts[1].isEmpty
                && parts[2] == "roles" && nameOK(parts[3]))
        guard ok else { throw GCPError.invalid("Role \(role) is not a valid role name: expected roles/NAME or projects/PROJECT/roles/NAME.") }
    }

    /// Members are `user:`, `serviceAccount:`, `group:` (emails), `domain:`, the legacy
    /// `projectOwner:`/`projectEditor:`/`projectViewer:`, principal URIs, `allUsers` or
    /// `allAuthenticatedUsers`.
    public static func checkMember(_ member: String) throws {
        if member == "allUsers" || member == "allAuthenticatedUsers" { return }
        let invalid = GCPError.invalid("Invalid member \"\(member)\": expected user:EMAIL, serviceAccount:EMAIL, group:EMAIL, domain:DOMAIN, allUsers or allAuthenticatedUsers.")
        guard let colon = member.firstIndex(of: ":") else { throw invalid }
        let type = member[..<colon]
        let value = member[member.index(after: colon)...]
        switch type {
        case "user", "serviceAccount", "group":
            let parts = value.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !value.contains(" ") else { throw invalid }
        case "domain", "projectOwner", "projectEditor", "projectViewer":
            guard !value.isEmpty, !value.contains(" ") else { throw invalid }
        case "principal", "principalSet", "deleted":
            guard !value.isEmpty else { throw invalid }
        default:
            throw invalid
        }
    }
}
