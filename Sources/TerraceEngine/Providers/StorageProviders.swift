import GoogleCloud
import TerraceJSON

/// Cloud Storage buckets (`storage/v1/b`); the id is the bucket name.
struct BucketProvider: ResourceProvider {
    let type = "storage.bucket"
    let noun = "storage bucket"
    let marker = Marker.label
    let managedAttributes: [String: JSON] = [
        "name": .null, "location": .null, "storageClass": "STANDARD", "labels": [:], "versioning": ["enabled": false],
        "iamConfiguration": ["uniformBucketLevelAccess": ["enabled": false]], "lifecycle": .null, "retentionPolicy": .null,
    ]
    let replaceOn: Set<String> = ["name", "location"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        if let location = result["location"]?.stringValue { result["location"] = .string(location.uppercased()) }
        if let storageClass = result["storageClass"]?.stringValue { result["storageClass"] = .string(storageClass.uppercased()) }
        // No rules and no lifecycle are the same thing.
        if let rules = result["lifecycle"]?["rule"]?.arrayValue, rules.isEmpty { result["lifecycle"] = nil }
        if result["lifecycle"] == [:] { result["lifecycle"] = nil }
        if result["versioning"] == [:] { result["versioning"] = ["enabled": false] }
        return result
    }

    func id(name: String, attributes: JSON) -> String { attributes["name"]?.stringValue ?? name }

    func importID(_ given: String, project: String) -> String {
        var name = given
        for prefix in ["gs://", "projects/_/buckets/"] where name.hasPrefix(prefix) { name.removeFirst(prefix.count) }
        return name.hasSuffix("/") ? String(name.dropLast()) : name
    }

    private func path(_ id: String) -> String { "b/\(URLEncoding.component(id))" }

    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON? {
        try await context.cloud.storage.getIfExists(path(id))
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        try await context.cloud.storage.post("b", query: [("project", context.project)], body: desired)
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        let body = LabelPatch.body(changed: changed, desired: desired, live: live, defaults: managedAttributes)
        return try await context.cloud.storage.patch(path(id), body: body)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        if force { try await emptyBucket(id, context) }
        try await context.cloud.storage.deleteIfExists(path(id))
    }

    func holdsData(id: String, _ context: ProviderContext) async throws -> Bool {
        let page = try await context.cloud.storage.get(path(id) + "/o", query: [("maxResults", "1"), ("versions", "true")])
        return !(page["items"]?.arrayValue ?? []).isEmpty
    }

    /// Deletes every object version (for a bucket declared with `forceDestroy: true`).
    private func emptyBucket(_ id: String, _ context: ProviderContext) async throws {
        var pageToken: String?
        repeat {
            var query = [("versions", "true"), ("maxResults", "1000")]
            if let pageToken { query.append(("pageToken", pageToken)) }
            let page = try await context.cloud.storage.get(path(id) + "/o", query: query)
            for item in page["items"]?.arrayValue ?? [] {
                guard let name = item["name"]?.stringValue else { continue }
                var objectQuery: [(String, String)] = []
                if let generation = item["generation"]?.stringValue { objectQuery.append(("generation", generation)) }
                try await context.cloud.storage.deleteIfExists(path(id) + "/o/" + URLEncoding.component(name), query: objectQuery)
            }
            pageToken = page["nextPageToken"]?.stringValue
        } while pageToken != nil
    }
}
