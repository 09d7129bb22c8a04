import Hummingbird
import TerraceJSON
import TerraceSQLite
import TerraceTime

/// Buckets: insert, get, list, patch, update, delete, and their IAM policies.
extension StorageService {
    static let storageClasses: Set<String> = [
        "STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE", "MULTI_REGIONAL", "REGIONAL", "DURABLE_REDUCED_AVAILABILITY",
    ]
    static let multiRegions: Set<String> = ["US", "EU", "ASIA"]
    static let dualRegions: Set<String> = ["NAM4", "EUR4", "ASIA1", "EUR5", "EUR7", "EUR8"]
    /// Fields a client may set on a bucket (everything else is output only or not kept).
    static let writableBucketFields: Set<String> = [
        "labels", "versioning", "lifecycle", "iamConfiguration", "retentionPolicy", "storageClass", "cors", "website",
        "logging", "billing", "defaultEventBasedHold", "encryption", "rpo",
    ]
    static let lockedTimeMicros: Int64 = 90 * 86_400 * 1_000_000

    func insertBucket(_ request: ServiceRequest) async throws -> Response {
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "storage.Bucket", root: "bucket", rejectUnknown: false)
        guard let project = request.query["project"], !project.isEmpty else {
            throw GCPError.required("Required parameter: project")
        }
        try Names.checkProjectReference(project)
        guard let name = body["name"]?.stringValue, !name.isEmpty else { throw GCPError.required("Required: bucket name") }
        try Names.checkBucket(name)
        let now = context.clock.nowMicros()
        var resource = try normalisedBucket(fields: body.objectValue ?? [:], previous: nil, now: now)
        let location = try Locations.storage(body["location"]?.stringValue ?? "US")
        resource["location"] = .string(location)
        resource["locationType"] = .string(
            Self.multiRegions.contains(location) ? "multi-region" : Self.dualRegions.contains(location) ? "dual-region" : "region")
        if let placement = body["customPlacementConfig"] { resource["customPlacementConfig"] = placement }
        resource["kind"] = "storage#bucket"
        resource["id"] = .string(name)
        resource["name"] = .string(name)
        resource["projectNumber"] = .string(context.projectNumber(project))
        resource["timeCreated"] = .string(Timestamp.rfc3339(micros: now))
        resource["updated"] = .string(Timestamp.rfc3339(micros: now))
        resource["metageneration"] = "1"
        resource["etag"] = .string(Self.etag([1]))
        let stored = JSON.object(resource)
        try context.store.write { db in
            let inserted = try db.run("INSERT OR IGNORE INTO storage_buckets (name, project, body) VALUES (?, ?, ?)",
                                      [.text(name), .text(project), .text(stored.encoded())])
            guard inserted == 1 else {
                throw GCPError.alreadyExists("Your previous request to create the named bucket succeeded and you already own it.")
            }
        }
        context.consistency.recordCreation(path: "storage/v1/b/" + name)
        return .json(renderBucket(stored, request))
    }

    func getBucket(_ request: ServiceRequest) async throws -> Response {
        let bucket = try context.store.read { try bucketRow($0, request.param("bucket")).body }
        try checkMetageneration(bucket, request.query)
        return .json(renderBucket(bucket, request))
    }

    func listBuckets(_ request: ServiceRequest) async throws -> Response {
        guard let project = request.query["project"], !project.isEmpty else {
            throw GCPError.required("Required parameter: project")
        }
        try Names.checkProjectReference(project)
        let maxResults = Int(max(1, min(try request.query.int("maxResults") ?? 1000, 1000)))
        let after = try PageToken.parse(request.query["pageToken"]) ?? ""
        let prefix = request.query["prefix"] ?? ""
        let rows = try context.store.read { db in
            try db.query(
                "SELECT name, body FROM storage_buckets WHERE project = ? AND name > ? AND substr(name, 1, ?) = ? ORDER BY name LIMIT ?",
                [.text(project), .text(after), .int(Int64(prefix.utf8.count)), .text(prefix), .int(Int64(maxResults + 1))])
        }
        var result: [String: JSON] = ["kind": "storage#buckets"]
        let page = rows.prefix(maxResults)
        let items = try page.map { renderBucket(try JSON.parse($0.string("body") ?? "{}"), request) }
        if !items.isEmpty { result["items"] = .array(items) }
        if rows.count > maxResults, let last = page.last?.string("name") { result["nextPageToken"] = .string(PageToken.make(after: last)) }
        return .json(.object(result))
    }

    func updateBucket(_ request: ServiceRequest, patch: Bool) async throws -> Response {
        let body = try await request.jsonBody(allowEmpty: patch)
        try SchemaValidator.shared.validate(body, schema: "storage.Bucket", root: "bucket", rejectUnknown: false)
        let name = request.param("bucket")
        let updated: JSON = try context.store.write { db in
            let current = try bucketRow(db, name).body
            try checkMetageneration(current, request.query)
            var fields: [String: JSON] = [:]
            if patch {
                var writable: [String: JSON] = [:]
                for key in Self.writableBucketFields { writable[key] = current[key] }
                fields = JSON.object(writable).merging(patch: body.filtered(Self.writableBucketFields)).objectValue ?? [:]
            } else {
                fields = body.filtered(Self.writableBucketFields).objectValue ?? [:]
            }
            let now = context.clock.nowMicros()
            var resource = current.objectValue ?? [:]
            for key in Self.writableBucketFields { resource[key] = nil }
            for (key, value) in try normalisedBucket(fields: fields, previous: current, now: now) { resource[key] = value }
            return try storeRevision(db, name: name, previous: current, resource: resource, now: now)
        }
        return .json(renderBucket(updated, request))
    }

    /// Stores `resource` as the next metageneration of bucket `name`.
    private func storeRevision(_ db: Database, name: String, previous: JSON, resource: [String: JSON], now: Int64) throws -> JSON {
        var resource = resource
        let metageneration = (previous["metageneration"]?.intValue ?? 1) + 1
        resource["metageneration"] = .string(String(metageneration))
        resource["etag"] = .string(Self.etag([metageneration]))
        resource["updated"] = .string(Timestamp.rfc3339(micros: now))
        let stored = JSON.object(resource)
        try db.run("UPDATE storage_buckets SET body = ? WHERE name = ?", [.text(stored.encoded()), .text(name)])
        return stored
    }

    /// buckets.lockRetentionPolicy: makes the retention policy permanent; ifMetagenerationMatch
    /// is required, as in Cloud Storage.
    func lockRetentionPolicy(_ request: ServiceRequest) async throws -> Response {
        let name = request.param("bucket")
        guard try request.query.int("ifMetagenerationMatch") != nil else {
            throw GCPError.required("Required parameter: ifMetagenerationMatch")
        }
        let locked: JSON = try context.store.write { db in
            let current = try bucketRow(db, name).body
            try checkMetageneration(current, request.query)
            guard var policy = current["retentionPolicy"], policy != .null else {
                throw GCPError.invalid("Bucket \(name) has no retention policy to lock.")
            }
            policy["isLocked"] = true
            var resource = current.objectValue ?? [:]
            resource["retentionPolicy"] = policy
            return try storeRevision(db, name: name, previous: current, resource: resource, now: context.clock.nowMicros())
        }
        return .json(renderBucket(locked, request))
    }

    func deleteBucket(_ request: ServiceRequest) async throws -> Response {
        let name = request.param("bucket")
        try context.store.write { db in
            let current = try bucketRow(db, name).body
            try checkMetageneration(current, request.query)
            let objects = try db.queryOne("SELECT COUNT(*) AS n FROM storage_objects WHERE bucket = ?", [.text(name)])?.int("n") ?? 0
            guard objects == 0 else { throw GCPError.alreadyExists("The bucket you tried to delete is not empty.") }
            try db.run("DELETE FROM storage_buckets WHERE name = ?", [.text(name)])
            try db.run("DELETE FROM storage_uploads WHERE bucket = ? AND result IS NULL", [.text(name)])
            try IAMPolicies.remove(db, resource: Self.iamResource(name))
        }
        return .noContent()
    }

    /// 412 when ifMetagenerationMatch / ifMetagenerationNotMatch do not hold for `bucket`.
    func checkMetageneration(_ bucket: JSON, _ query: Query) throws {
        let current = bucket["metageneration"]?.intValue ?? 1
        if let match = try query.int("ifMetagenerationMatch"), match != current { throw GCPError.preconditionFailed() }
        if let notMatch = try query.int("ifMetagenerationNotMatch"), notMatch == current { throw GCPError.preconditionFailed() }
    }

    /// Checks and fills in the writable fields of a bucket (defaults, lockedTime, effectiveTime).
    func normalisedBucket(fields: [String: JSON], previous: JSON?, now: Int64) throws -> [String: JSON] {
        var out = fields.filter { Self.writableBucketFields.contains($0.key) && $0.value != .null }
        let storageClass = (fields["storageClass"]?.stringValue ?? previous?["storageClass"]?.stringValue ?? "STANDARD").uppercased()
        guard Self.storageClasses.contains(storageClass) else {
            throw GCPError.invalid("Invalid value for field 'bucket.storageClass': \"\(storageClass)\" is not a storage class.")
        }
        out["storageClass"] = .string(storageClass)
        out["rpo"] = out["rpo"] ?? "DEFAULT"
        if let labels = out["labels"]?.objectValue {
            try Names.checkLabels(labels.compactMapValues(\.stringValue))
            if labels.isEmpty { out["labels"] = nil }
        }
        if let rules = out["lifecycle"]?["rule"]?.arrayValue {
            for (index, rule) in rules.enumerated() {
                let type = rule["action"]?["type"]?.stringValue ?? ""
                guard ["Delete", "SetStorageClass", "AbortIncompleteMultipartUpload"].contains(type) else {
                    throw GCPError.invalid("Invalid value for field 'bucket.lifecycle.rule[\(index)].action.type': \"\(type)\".")
                }
                guard rule["condition"]?.objectValue?.isEmpty == false else {
                    throw GCPError.invalid("Invalid argument: bucket.lifecycle.rule[\(index)] needs a condition.")
                }
            }
        }
        let previousUniform = previous?["iamConfiguration"]?["uniformBucketLevelAccess"]
        let uniform = out["iamConfiguration"]?["uniformBucketLevelAccess"]?["enabled"]?.boolValue
            ?? out["iamConfiguration"]?["bucketPolicyOnly"]?["enabled"]?.boolValue
            ?? previousUniform?["enabled"]?.boolValue ?? false
        var access: [String: JSON] = ["enabled": .bool(uniform)]
        if uniform {
            let wasEnabled = previousUniform?["enabled"]?.boolValue == true
            access["lockedTime"] = wasEnabled ? previousUniform?["lockedTime"]
                : .string(Timestamp.rfc3339(micros: now + Self.lockedTimeMicros))
        } else if let locked = previousUniform?["lockedTime"]?.stringValue, let at = Timestamp.parseRFC3339(locked), at <= now {
            throw GCPError.invalid("Uniform bucket-level access cannot be disabled after its lockedTime (\(locked)).")
        }
        out["iamConfiguration"] = [
            "uniformBucketLevelAccess": .object(access), "bucketPolicyOnly": .object(access),
            "publicAccessPrevention": out["iamConfiguration"]?["publicAccessPrevention"] ?? "inherited",
        ]
        if out["retentionPolicy"] == nil || out["retentionPolicy"] == .null,
           previous?["retentionPolicy"]?["isLocked"]?.boolValue == true {
            throw GCPError(code: 403, reason: "forbidden", message: "A locked retention policy cannot be removed.")
        }
        if let policy = out["retentionPolicy"], policy != .null {
            guard let period = policy["retentionPeriod"]?.intValue, (0...3_155_760_000).contains(period) else {
                throw GCPError.invalid("Invalid value for field 'bucket.retentionPolicy.retentionPeriod': a number of seconds up to 3155760000 is required.")
            }
            let previousPeriod = previous?["retentionPolicy"]?["retentionPeriod"]?.intValue
            let locked = previous?["retentionPolicy"]?["isLocked"]?.boolValue == true
            if locked, period < (previousPeriod ?? 0) {
                throw GCPError(code: 403, reason: "forbidden",
                               message: "Cannot reduce the retention period of a locked retention policy (\(previousPeriod ?? 0)s) to \(period)s.")
            }
            let unchanged = previousPeriod == period
            out["retentionPolicy"] = [
                "retentionPeriod": .string(String(period)), "isLocked": .bool(locked),
                "effectiveTime": unchanged ? (previous?["retentionPolicy"]?["effectiveTime"] ?? .null)
                    : .string(Timestamp.rfc3339(micros: now)),
            ]
        }
        return out
    }

    func renderBucket(_ bucket: JSON, _ request: ServiceRequest) -> JSON {
        var out = bucket
        out["selfLink"] = .string(baseURL(request) + "/storage/v1/b/" + PercentEncoding.encode(bucket["name"]?.stringValue ?? ""))
        return out
    }

    // MARK: IAM

    static func iamResource(_ bucket: String) -> String { "projects/_/buckets/" + bucket }

    static func defaultBindings(project: String) -> [JSON] {
        [
            ["role": "roles/storage.legacyBucketOwner",
             "members": [.string("projectEditor:" + project), .string("projectOwner:" + project)]],
            ["role": "roles/storage.legacyBucketReader", "members": [.string("projectViewer:" + project)]],
        ]
    }

    func getBucketIamPolicy(_ request: ServiceRequest) async throws -> Response {
        if let version = try request.query.int("optionsRequestedPolicyVersion"), !(1...3).contains(version) {
            throw GCPError.invalid("Invalid value for parameter 'optionsRequestedPolicyVersion': \(version); use 1 or 3.")
        }
        let name = request.param("bucket")
        let policy = try context.store.read { db in
            let project = try bucketRow(db, name).project
            return try IAMPolicies.get(db, resource: Self.iamResource(name), defaultBindings: Self.defaultBindings(project: project))
        }
        return .json(renderPolicy(policy, bucket: name))
    }

    func setBucketIamPolicy(_ request: ServiceRequest) async throws -> Response {
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "storage.Policy", root: "policy", rejectUnknown: false)
        let name = request.param("bucket")
        let policy = try context.store.write { db in
            let project = try bucketRow(db, name).project
            var given = body
            given["kind"] = nil
            given["resourceId"] = nil
            return try IAMPolicies.set(db, resource: Self.iamResource(name), policy: given,
                                       defaultBindings: Self.defaultBindings(project: project),
                                       conflict: .preconditionFailed("The etag of the policy does not match the current policy; read it again and retry."))
        }
        return .json(renderPolicy(policy, bucket: name))
    }

    func testBucketIamPermissions(_ request: ServiceRequest) async throws -> Response {
        _ = try context.store.read { try bucketRow($0, request.param("bucket")) }
        let permissions = request.query.all("permissions").filter { $0.hasPrefix("storage.") }
        var out: [String: JSON] = ["kind": "storage#testIamPermissionsResponse"]
        if !permissions.isEmpty { out["permissions"] = .array(permissions.map(JSON.string)) }
        return .json(.object(out))
    }

    func renderPolicy(_ policy: JSON, bucket: String) -> JSON {
        var out = policy
        out["kind"] = "storage#policy"
        out["resourceId"] = .string(Self.iamResource(bucket))
        return out
    }
}

extension JSON {
    /// The members of an object whose keys are in `keys`.
    func filtered(_ keys: Set<String>) -> JSON {
        .object((objectValue ?? [:]).filter { keys.contains($0.key) })
    }
}
