import GoogleCloud
import Synchronization
import TerraceJSON

/// An IAM policy reduced to what grants and bindings manage: the members of each role's
/// unconditional binding. Conditional bindings and dataset access entries that are not members
/// (views, routines, datasets) are carried through untouched.
struct RoleMembers: Sendable, Equatable {
    var roles: [String: Set<String>]

    func members(_ role: String) -> Set<String>? { roles[IAMRoles.canonical(role)] }
}

/// BigQuery's legacy dataset roles and their IAM names.
enum IAMRoles {
    static let legacy = ["READER": "roles/bigquery.dataViewer", "WRITER": "roles/bigquery.dataEditor", "OWNER": "roles/bigquery.dataOwner"]
    static let toLegacy = Dictionary(uniqueKeysWithValues: legacy.map { ($1, $0) })

    static func canonical(_ role: String) -> String { legacy[role.uppercased()] ?? role }
}

/// Reads and read-modify-writes the IAM policy of one resource, whatever API it lives in:
/// policy version 3, the etag sent back so a concurrent writer is caught (409/412) and the
/// change retried on a fresh read.
struct PolicyTarget: Sendable {
    enum Kind: Sendable { case project, bucket, dataset, table, pubsub, serviceAccount }

    let kind: Kind
    /// The resource name (`projects/P`, `projects/_/buckets/B`, …).
    let resource: String

    init(resourceType: String, resource: String) throws {
        self.resource = resource
        switch resourceType {
        case "cloudresourcemanager.project": kind = .project
        case "storage.bucket": kind = .bucket
        case "bigquery.dataset": kind = .dataset
        case "bigquery.table", "bigquery.view": kind = .table
        case "pubsub.topic", "pubsub.subscription": kind = .pubsub
        case "iam.serviceAccount": kind = .serviceAccount
        default: throw EngineError("IAM on \(resourceType) is not supported (\(resource))")
        }
    }

    private var bucketPath: String {
        "b/" + URLEncoding.component(String(resource.dropFirst("projects/_/buckets/".count))) + "/iam"
    }

    /// The policy as the API answers it (with its etag), or the dataset.
    func read(_ context: ProviderContext) async throws -> JSON {
        let cloud = context.cloud
        switch kind {
        case .project:
            return try await cloud.resourceManager.post(resource + ":getIamPolicy", body: ["options": ["requestedPolicyVersion": 3]])
        case .bucket:
            return try await cloud.storage.get(bucketPath, query: [("optionsRequestedPolicyVersion", "3")])
        case .dataset:
            return try await cloud.bigquery.get(resource)
        case .table:
            return try await cloud.bigquery.post(resource + ":getIamPolicy", body: ["options": ["requestedPolicyVersion": 3]])
        case .pubsub:
            return try await cloud.pubsub.get(resource + ":getIamPolicy", query: [("options.requestedPolicyVersion", "3")])
        case .serviceAccount:
            return try await cloud.iam.post(resource + ":getIamPolicy", query: [("options.requestedPolicyVersion", "3")])
        }
    }

    /// Writes `document` (a policy, or the dataset's new access list) guarded by its etag.
    private func write(_ document: JSON, _ context: ProviderContext) async throws {
        let cloud = context.cloud
        switch kind {
        case .project:
            _ = try await cloud.resourceManager.post(resource + ":setIamPolicy", body: ["policy": document])
        case .bucket:
            _ = try await cloud.storage.put(bucketPath, body: document)
        case .dataset:
            var headers: [(String, String)] = [("Content-Type", "application/json")]
            if let etag = document["etag"]?.stringValue { headers.append(("If-Match", etag)) }
            let body: JSON = ["access": document["access"] ?? []]
            _ = try await cloud.bigquery.send("PATCH", resource, headers: headers, body: body.encodedBytes())
        case .table:
            _ = try await cloud.bigquery.post(resource + ":setIamPolicy", body: ["policy": document])
        case .pubsub:
            _ = try await cloud.pubsub.post(resource + ":setIamPolicy", body: ["policy": document])
        case .serviceAccount:
            _ = try await cloud.iam.post(resource + ":setIamPolicy", body: ["policy": document])
        }
    }

    /// The members of every role in `document`.
    func roleMembers(_ document: JSON) -> RoleMembers {
        var roles: [String: Set<String>] = [:]
        if kind == .dataset {
            for entry in document["access"]?.arrayValue ?? [] {
                guard let role = entry["role"]?.stringValue, let member = DatasetAccess.member(entry) else { continue }
                roles[IAMRoles.canonical(role), default: []].insert(member)
            }
        } else {
            for binding in document["bindings"]?.arrayValue ?? [] where binding["condition"] == nil || binding["condition"]?.isNull == true {
                guard let role = binding["role"]?.stringValue else { continue }
                for member in binding["members"]?.arrayValue ?? [] {
                    if let member = member.stringValue { roles[IAMRoles.canonical(role), default: []].insert(member) }
                }
            }
        }
        return RoleMembers(roles: roles)
    }

    /// `document` with its unconditional bindings replaced by `roles`, everything else kept.
    func replacing(_ document: JSON, with roles: RoleMembers) -> JSON {
        if kind == .dataset {
            var access = (document["access"]?.arrayValue ?? []).filter { entry in
                entry["role"]?.stringValue == nil || DatasetAccess.member(entry) == nil
            }
            for (role, members) in roles.roles.sorted(by: { $0.key < $1.key }) {
                for member in members.sorted() { access.append(DatasetAccess.entry(role: role, member: member)) }
            }
            var result: [String: JSON] = ["access": .array(access)]
            if let etag = document["etag"] { result["etag"] = etag }
            return .object(result)
        }
        var bindings = (document["bindings"]?.arrayValue ?? []).filter { binding in
            !(binding["condition"] == nil || binding["condition"]?.isNull == true)
        }
        for (role, members) in roles.roles.sorted(by: { $0.key < $1.key }) where !members.isEmpty {
            bindings.append(["role": .string(role), "members": .array(members.sorted().map { .string($0) })])
        }
        var policy: [String: JSON] = ["bindings": .array(bindings), "version": 3]
        if let etag = document["etag"] { policy["etag"] = etag }
        return .object(policy)
    }

    /// The current role members (read once per target during a refresh).
    func members(_ context: ProviderContext) async throws -> RoleMembers {
        if let cache = context.policyCache {
            return roleMembers(try await cache.document(resource) { try await read(context) })
        }
        return roleMembers(try await read(context))
    }

    /// Applies `change` to the current role members and writes the policy, retrying on a
    /// concurrent change (409 or 412) with a fresh read, and waiting out a target or member that
    /// is not visible yet.
    func modify(_ context: ProviderContext, _ change: @Sendable @escaping (inout RoleMembers) -> Void) async throws {
        try await context.policyLocks.withLock(resource) {
            try await context.waitingOutConsistency {
                var attempt = 0
                while true {
                    attempt += 1
                    let document = try await read(context)
                    let current = roleMembers(document)
                    var next = current
                    change(&next)
                    if next == current { return }
                    do {
                        try await write(replacing(document, with: next), context)
                        return
                    } catch let error as GoogleAPIError where (error.isConflict || error.isPreconditionFailed) && attempt < 10 {
                        try await context.time.sleep(0.05 * Double(attempt) * (1 + context.time.random()))
                    }
                }
            }
        }
    }
}

/// BigQuery dataset access entries ↔ IAM members.
enum DatasetAccess {
    static func member(_ entry: JSON) -> String? {
        if let email = entry["userByEmail"]?.stringValue {
            return email.hasSuffix(".gserviceaccount.com") ? "serviceAccount:\(email)" : "user:\(email)"
        }
        if let email = entry["groupByEmail"]?.stringValue { return "group:\(email)" }
        if let domain = entry["domain"]?.stringValue { return "domain:\(domain)" }
        if let special = entry["specialGroup"]?.stringValue {
            return special == "allAuthenticatedUsers" ? "allAuthenticatedUsers" : "specialGroup:\(special)"
        }
        return entry["iamMember"]?.stringValue
    }

    static func entry(role: String, member: String) -> JSON {
        let legacyRole = IAMRoles.toLegacy[role] ?? role
        func entry(_ key: String, _ value: String) -> JSON { ["role": .string(legacyRole), key: .string(value)] }
        if member == "allAuthenticatedUsers" { return entry("specialGroup", member) }
        guard let colon = member.firstIndex(of: ":") else { return entry("iamMember", member) }
        let kind = member[..<colon], value = String(member[member.index(after: colon)...])
        switch kind {
        case "user", "serviceAccount": return entry("userByEmail", value)
        case "group": return entry("groupByEmail", value)
        case "domain": return entry("domain", value)
        case "specialGroup": return entry("specialGroup", value)
        default: return entry("iamMember", member)
        }
    }
}

/// Additive grants: one member, one role, never touching other members. The id is
/// `RESOURCE ROLE MEMBER`.
struct GrantProvider: ResourceProvider {
    let type = "iam.grant"
    let noun = "IAM grant"
    let marker = Marker.none
    let managedAttributes: [String: JSON] = ["resource": .null, "resourceType": .null, "role": .null, "member": .null]
    let replaceOn: Set<String> = ["resource", "resourceType", "role", "member"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        if let role = result["role"]?.stringValue { result["role"] = .string(IAMRoles.canonical(role)) }
        return result
    }

    func id(name: String, attributes: JSON) -> String {
        [attributes["resource"], attributes["role"], attributes["member"]].map { $0?.stringValue ?? "" }.joined(separator: " ")
    }


    /// The grant's attributes (`known`: declared, or as recorded) when the member has the role on the target.
    func read(id: String, known attributes: JSON, _ context: ProviderContext) async throws -> JSON? {
        let target = try PolicyTarget(resourceType: attributes["resourceType"]?.stringValue ?? "", resource: attributes["resource"]?.stringValue ?? "")
        let role = attributes["role"]?.stringValue ?? "", member = attributes["member"]?.stringValue ?? ""
        do {
            guard try await target.members(context).members(role)?.contains(member) == true else { return Optional<JSON>.none }
            return attributes
        } catch let error as GoogleAPIError where error.isNotFound {
            return nil
        }
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        let target = try PolicyTarget(resourceType: desired["resourceType"]?.stringValue ?? "", resource: desired["resource"]?.stringValue ?? "")
        let role = IAMRoles.canonical(desired["role"]?.stringValue ?? ""), member = desired["member"]?.stringValue ?? ""
        try await target.modify(context) { $0.roles[role, default: []].insert(member) }
        return desired
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        try await create(id: id, desired: desired, context)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        let target = try PolicyTarget(resourceType: attributes["resourceType"]?.stringValue ?? "", resource: attributes["resource"]?.stringValue ?? "")
        let role = IAMRoles.canonical(attributes["role"]?.stringValue ?? ""), member = attributes["member"]?.stringValue ?? ""
        do {
            try await target.modify(context) { roles in
                roles.roles[role]?.remove(member)
                if roles.roles[role]?.isEmpty == true { roles.roles[role] = nil }
            }
        } catch let error as GoogleAPIError where error.isNotFound {
            return  // the target is gone, and the grant with it
        }
    }
}

/// Authoritative role bindings: exactly these members for this role. The id is `RESOURCE ROLE`.
struct BindingProvider: ResourceProvider {
    let type = "iam.binding"
    let noun = "IAM binding"
    let marker = Marker.none
    let managedAttributes: [String: JSON] = ["resource": .null, "resourceType": .null, "role": .null, "members": []]
    let replaceOn: Set<String> = ["resource", "resourceType", "role"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        if let role = result["role"]?.stringValue { result["role"] = .string(IAMRoles.canonical(role)) }
        if let members = result["members"]?.arrayValue {
            result["members"] = .array(Array(Set(members.compactMap(\.stringValue))).sorted().map { .string($0) })
        }
        return result
    }

    func id(name: String, attributes: JSON) -> String {
        [attributes["resource"], attributes["role"]].map { $0?.stringValue ?? "" }.joined(separator: " ")
    }

    /// The binding's attributes with the role's current members, or `nil` when the role has none.
    func read(id: String, known attributes: JSON, _ context: ProviderContext) async throws -> JSON? {
        let target = try PolicyTarget(resourceType: attributes["resourceType"]?.stringValue ?? "", resource: attributes["resource"]?.stringValue ?? "")
        do {
            guard let members = try await target.members(context).members(attributes["role"]?.stringValue ?? ""), !members.isEmpty else {
                return nil
            }
            return attributes.setting("members", .array(members.sorted().map { .string($0) }))
        } catch let error as GoogleAPIError where error.isNotFound {
            return nil
        }
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        let target = try PolicyTarget(resourceType: desired["resourceType"]?.stringValue ?? "", resource: desired["resource"]?.stringValue ?? "")
        let role = IAMRoles.canonical(desired["role"]?.stringValue ?? "")
        let members = Set((desired["members"]?.arrayValue ?? []).compactMap(\.stringValue))
        try await target.modify(context) { $0.roles[role] = members.isEmpty ? nil : members }
        return desired
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        try await create(id: id, desired: desired, context)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        let target = try PolicyTarget(resourceType: attributes["resourceType"]?.stringValue ?? "", resource: attributes["resource"]?.stringValue ?? "")
        let role = IAMRoles.canonical(attributes["role"]?.stringValue ?? "")
        do {
            try await target.modify(context) { $0.roles[role] = nil }
        } catch let error as GoogleAPIError where error.isNotFound {
            return
        }
    }
}

/// Policies read during one refresh, shared by every grant and binding on the same target.
final class PolicyCache: Sendable {
    private let tasks = Mutex<[String: Task<JSON, any Error>]>([:])

    func document(_ resource: String, _ read: @Sendable @escaping () async throws -> JSON) async throws -> JSON {
        let task = tasks.withLock { tasks in
            if let existing = tasks[resource] { return existing }
            let task = Task { try await read() }
            tasks[resource] = task
            return task
        }
        return try await task.value
    }
}
