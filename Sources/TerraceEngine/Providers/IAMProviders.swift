import GoogleCloud
import TerraceJSON

/// Service accounts; the id is `projects/P/serviceAccounts/EMAIL`. They have no labels, so the
/// stack's marker goes at the end of the description.
struct ServiceAccountProvider: ResourceProvider {
    let type = "iam.serviceAccount"
    let noun = "service account"
    let marker = Marker.description
    let managedAttributes: [String: JSON] = ["accountId": .null, "email": .null, "projectId": .null, "displayName": .null, "description": .null]
    let replaceOn: Set<String> = ["accountId", "email", "projectId"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        for key in ["displayName", "description"] where result[key]?.stringValue == "" { result[key] = nil }
        if result["accountId"] == nil, let email = result["email"]?.stringValue, let at = email.firstIndex(of: "@") {
            result["accountId"] = .string(String(email[..<at]))
        }
        return result
    }

    func importID(_ given: String, project: String) -> String {
        if given.hasPrefix("projects/") { return given }
        let email = given.contains("@") ? given : "\(given)@\(project).iam.gserviceaccount.com"
        return "projects/\(project)/serviceAccounts/\(email)"
    }

    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON? {
        try await context.cloud.iam.getIfExists(id)
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        let project = desired["projectId"]?.stringValue ?? context.project
        var account: [String: JSON] = [:]
        for key in ["displayName", "description"] { if let value = desired[key] { account[key] = value } }
        let created = try await context.cloud.iam.post(
            "projects/\(project)/serviceAccounts",
            body: ["accountId": desired["accountId"] ?? "", "serviceAccount": .object(account)])
        // IAM on it fails until it is visible: wait for it here, once, instead of in every grant.
        _ = try await context.waitingOutConsistency { try await context.cloud.iam.get(id) }
        return created
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        let fields = changed.sorted()
        var account: [String: JSON] = [:]
        for field in fields { account[field] = desired[field] ?? "" }
        return try await context.cloud.iam.patch(id, body: ["serviceAccount": .object(account), "updateMask": .string(fields.joined(separator: ","))])
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        try await context.cloud.iam.deleteIfExists(id)
    }
}

/// Enabled APIs (Service Usage); the id is `projects/P/services/NAME`. A disabled service reads
/// as absent. Deleting one only forgets it: disabling an API breaks whatever else in the project
/// uses it (Terraform's `disable_on_destroy` trap), so it stays enabled.
struct ServiceProvider: ResourceProvider {
    let type = "serviceusage.service"
    let noun = "API"
    let marker = Marker.none
    let managedAttributes: [String: JSON] = ["name": .null, "config": .null, "state": .null]
    let replaceOn: Set<String> = ["name"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        // Google answers with the project number in the name; the config's name is what identifies it.
        result["name"] = nil
        return result
    }

    func importID(_ given: String, project: String) -> String {
        given.hasPrefix("projects/") ? given : "projects/\(project)/services/\(given)"
    }

    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON? {
        // (`JSON` is nil-literal-expressible: spell out "absent", or a ternary answers JSON.null.)
        guard let service = try await context.cloud.serviceUsage.getIfExists(id), service["state"]?.stringValue == "ENABLED" else {
            return Optional<JSON>.none
        }
        return service
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        let operation = try await context.cloud.serviceUsage.post(id + ":enable", body: [:])
        try await Operations.wait(operation, client: context.cloud.serviceUsage, time: context.time)
        return try await context.cloud.serviceUsage.get(id)
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        try await create(id: id, desired: desired, context)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {}
}
