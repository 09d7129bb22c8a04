import Hummingbird
import TerraceJSON
import TerraceSQLite
import TerraceTime

/// Objects: the write path shared by every upload, copy and compose, and get, download, list,
/// delete, patch and update.
extension StorageService {
    /// Object fields a client may set.
    static let writableObjectFields: Set<String> = [
        "contentType", "contentEncoding", "contentDisposition", "contentLanguage", "cacheControl", "metadata",
        "customTime", "temporaryHold", "eventBasedHold",
    ]

    /// A body ready in `tmp/` and what the new object's resource is made from.
    struct NewObject {
        let bucket: String
        let name: String
        /// Client-given metadata (an Object resource; only writable fields are kept).
        var metadata: JSON
        /// The content type when the metadata gives none (a media part's or upload's header).
        var fallbackContentType: String?
        let digest: BlobDigest
        var componentCount: Int64?
    }

    /// Checks a client's object metadata (schema, name, given hashes) before a body is stored.
    func validateObjectMetadata(_ metadata: JSON) throws {
        try SchemaValidator.shared.validate(metadata, schema: "storage.Object", root: "object", rejectUnknown: false)
        if let name = metadata["name"]?.stringValue { try Names.checkObject(name) }
        if let storageClass = metadata["storageClass"]?.stringValue, !Self.storageClasses.contains(storageClass.uppercased()) {
            throw GCPError.invalid("Invalid value for field 'object.storageClass': \"\(storageClass)\" is not a storage class.")
        }
    }

    /// Stores `new` as the live generation of its object: in one transaction checks the bucket and
    /// `preconditions`, retires the previous generation (kept as noncurrent when the bucket has
    /// versioning on), inserts the row and renames `temporary` into place. Replaced bodies are
    /// deleted after the transaction commits.
    func commitObject(_ new: NewObject, temporary: String, preconditions: Preconditions,
                      also: (Database, StoredObject) throws -> Void = { _, _ in }) throws -> StoredObject {
        if let given = new.metadata["md5Hash"]?.stringValue, given != new.digest.md5Base64 {
            throw GCPError.invalid("Provided MD5 hash \"\(given)\" doesn't match calculated MD5 hash \"\(new.digest.md5Base64)\".")
        }
        if let given = new.metadata["crc32c"]?.stringValue, given != new.digest.crc32cBase64 {
            throw GCPError.invalid("Provided CRC32C \"\(given)\" doesn't match calculated CRC32C \"\(new.digest.crc32cBase64)\".")
        }
        let blobID = context.blobs.newID()
        var replacedBlob: String?
        let stored: StoredObject = try context.store.write { db in
            let bucket = try bucketRow(db, new.bucket).body
            let current = try db.storageObject(bucket: new.bucket, name: new.name)
            try preconditions.check(current)
            let now = context.clock.nowMicros()
            if let current {
                try checkRetention(bucket: bucket, object: current, now: now)
                if bucket["versioning"]?["enabled"]?.boolValue == true {
                    try db.putStorageObject(current.retired(at: now))
                } else {
                    try db.deleteStorageObject(current)
                    replacedBlob = current.blob
                }
            }
            let generation = try db.nextStorageGeneration(now: now)
            var body = new.metadata.filtered(Self.writableObjectFields).objectValue ?? [:]
            body = body.filter { $0.value != .null }
            let time = JSON.string(Timestamp.rfc3339(micros: now))
            body["contentType"] = body["contentType"] ?? new.fallbackContentType.map(JSON.string) ?? "application/octet-stream"
            body["kind"] = "storage#object"
            body["id"] = .string("\(new.bucket)/\(new.name)/\(generation)")
            body["name"] = .string(new.name)
            body["bucket"] = .string(new.bucket)
            body["generation"] = .string(String(generation))
            body["metageneration"] = "1"
            body["size"] = .string(String(new.digest.size))
            if new.componentCount == nil { body["md5Hash"] = .string(new.digest.md5Base64) }  // composites have none
            body["crc32c"] = .string(new.digest.crc32cBase64)
            body["etag"] = .string(Self.etag([generation, 1]))
            body["storageClass"] = new.metadata["storageClass"]?.stringValue.map { JSON.string($0.uppercased()) }
                ?? bucket["storageClass"] ?? "STANDARD"
            for key in ["timeCreated", "updated", "timeStorageClassUpdated", "timeFinalized"] { body[key] = time }
            if let count = new.componentCount { body["componentCount"] = .int(count) }
            if let period = bucket["retentionPolicy"]?["retentionPeriod"]?.intValue, period > 0 {
                body["retentionExpirationTime"] = .string(Timestamp.rfc3339(micros: now + period * 1_000_000))
            }
            let row = StoredObject(bucket: new.bucket, name: new.name, generation: generation, live: true,
                                   blob: blobID, body: .object(body))
            try db.putStorageObject(row)
            try also(db, row)
            try context.blobs.commit(temporary: temporary, as: blobID)
            return row
        }
        if let replacedBlob { context.blobs.remove(replacedBlob) }
        context.consistency.recordCreation(path: "storage/v1/b/\(new.bucket)/o/" + PercentEncoding.encode(new.name))
        return stored
    }

    /// 403 while a retention policy or a hold protects `object` from deletion or overwrite.
    func checkRetention(bucket: JSON, object: StoredObject, now: Int64) throws {
        let held = object.body["temporaryHold"]?.boolValue == true || object.body["eventBasedHold"]?.boolValue == true
        var until: Int64?
        if let period = bucket["retentionPolicy"]?["retentionPeriod"]?.intValue, period > 0,
           let created = object.body["timeCreated"]?.stringValue.flatMap(Timestamp.parseRFC3339) {
            until = created + period * 1_000_000
        }
        if held || (until.map { $0 > now } ?? false) {
            let when = until.map { " until \(Timestamp.rfc3339(micros: $0))" } ?? ""
            throw GCPError(code: 403, reason: "retentionPolicyNotMet",
                           message: "Object '\(object.bucket)/\(object.name)' is subject to bucket's retention policy or object retention and cannot be deleted or overwritten\(when).")
        }
    }

    func renderObject(_ object: StoredObject, _ request: ServiceRequest) -> JSON {
        var out = object.body
        let path = "/b/\(PercentEncoding.encode(object.bucket))/o/\(PercentEncoding.encode(object.name))"
        out["selfLink"] = .string(baseURL(request) + "/storage/v1" + path)
        out["mediaLink"] = .string(baseURL(request) + "/download/storage/v1" + path + "?generation=\(object.generation)&alt=media")
        return out
    }

    // MARK: Reads

    func getObject(_ request: ServiceRequest, media: Bool = false) async throws -> Response {
        let (bucket, name) = (request.param("bucket"), request.param("object"))
        let generation = try request.query.int("generation")
        let preconditions = try Preconditions(request.query)
        let object = try context.store.read { db in
            try requireBucket(db, bucket)
            return try db.requireStorageObject(bucket: bucket, name: name, generation: generation)
        }
        guard preconditions.hold(for: object) else {
            // Reads answer 304 when only a *NotMatch condition fails, as GCS does.
            var matchOnly = preconditions
            matchOnly.generationNotMatch = nil
            matchOnly.metagenerationNotMatch = nil
            if matchOnly.hold(for: object) { return Response(status: .notModified) }
            throw GCPError.preconditionFailed()
        }
        guard media || request.query["alt"] == "media" else {
            if let alt = request.query["alt"], alt != "json" { throw GCPError.invalid("Invalid value for parameter 'alt': \(alt)") }
            return .json(renderObject(object, request))
        }
        let size = object.size
        let range = try Self.parseRange(request.header("Range"), size: size)
        let reader = try BlobReader(path: context.blobs.path(object.blob))
        var headers: [(String, String)] = [
            ("Content-Type", object.body["contentType"]?.stringValue ?? "application/octet-stream"),
            ("x-goog-generation", String(object.generation)), ("x-goog-metageneration", String(object.metageneration)),
            ("x-goog-hash", ["crc32c": object.body["crc32c"], "md5": object.body["md5Hash"]].sorted { $0.key < $1.key }
                .compactMap { key, value in value?.stringValue.map { "\(key)=\($0)" } }.joined(separator: ",")),
            ("x-goog-stored-content-length", String(size)), ("ETag", object.body["etag"]?.stringValue ?? ""),
            ("Accept-Ranges", "bytes"),
        ]
        if let cache = object.body["cacheControl"]?.stringValue { headers.append(("Cache-Control", cache)) }
        if let disposition = object.body["contentDisposition"]?.stringValue { headers.append(("Content-Disposition", disposition)) }
        guard let (start, end) = range else {
            headers.append(("Content-Length", String(size)))
            return Response(status: .ok, headers: Self.headers(headers), body: try reader.responseBody(offset: 0, length: size))
        }
        headers.append(("Content-Length", String(end - start + 1)))
        headers.append(("Content-Range", "bytes \(start)-\(end)/\(size)"))
        return Response(status: .partialContent, headers: Self.headers(headers),
                        body: try reader.responseBody(offset: start, length: end - start + 1))
    }

    /// The inclusive byte range a `Range` header asks of an object of `size` bytes; nil for the
    /// whole object. A header that is not a valid single byte range is ignored, as RFC 9110
    /// §14.2 requires and Cloud Storage does; a valid one past the end is 416.
    static func parseRange(_ header: String?, size: Int64) throws -> (Int64, Int64)? {
        guard let header, header.hasPrefix("bytes=") else { return nil }
        let spec = header.dropFirst("bytes=".count)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !spec.contains(",") else { return nil }
        var unsatisfiable = GCPError(code: 416, reason: "requestedRangeNotSatisfiable",
                                     message: "The requested range cannot be satisfied: \(header) of an object of \(size) bytes.")
        unsatisfiable.headers = [("Content-Range", "bytes */\(size)")]
        if parts[0].isEmpty {
            guard let suffix = Int64(parts[1]), suffix >= 0 else { return nil }
            guard suffix > 0, size > 0 else { throw unsatisfiable }
            return (max(0, size - suffix), size - 1)
        }
        guard let first = Int64(parts[0]), first >= 0 else { return nil }
        var last = size - 1
        if !parts[1].isEmpty {
            guard let given = Int64(parts[1]), given >= first else { return nil }
            last = min(given, size - 1)
        }
        guard first < size else { throw unsatisfiable }
        return (first, last)
    }

    func listObjects(_ request: ServiceRequest) async throws -> Response {
        let bucket = request.param("bucket")
        let query = request.query
        if query["matchGlob"] != nil { throw GCPError.notImplemented("the matchGlob parameter of objects.list") }
        let prefix = query["prefix"] ?? ""
        let delimiter = query["delimiter"] ?? ""
        let versions = try query.bool("versions") ?? false
        let maxResults = Int(max(1, min(try query.int("maxResults") ?? 1000, 1000)))
        let endOffset = query["endOffset"].flatMap { $0.isEmpty ? nil : $0 }
        var cursor: (name: String, generation: Int64) = (prefix, -1)
        if let start = query["startOffset"], Array(cursor.name.utf8).lexicographicallyPrecedes(start.utf8) { cursor = (start, -1) }
        if let token = query["pageToken"], !token.isEmpty {
            guard let text = Base64Token.decode(token), let parsed = try? JSON.parse(text),
                  let name = parsed[0]?.stringValue, let generation = parsed[1]?.intValue
            else { throw GCPError.invalid("Invalid pageToken: \(token)") }
            cursor = (name, generation)
        }
        var items: [JSON] = []
        var prefixes: [String] = []
        var more = false
        try context.store.read { db in
            try requireBucket(db, bucket)
            scan: while true {
                var sql = "SELECT * FROM storage_objects WHERE bucket = ? AND (live = 1 OR ?) AND (name > ? OR (name = ? AND generation > ?))"
                var args: [SQLValue] = [.text(bucket), .int(versions ? 1 : 0), .text(cursor.name), .text(cursor.name), .int(cursor.generation)]
                if let endOffset {
                    sql += " AND name < ?"
                    args.append(.text(endOffset))
                }
                let rows = try db.query(sql + " ORDER BY name, generation LIMIT 256", args)
                if rows.isEmpty { break }
                for row in rows {
                    let object = try StoredObject(row: row)
                    guard object.name.utf8.starts(with: prefix.utf8) else { break scan }
                    if items.count + prefixes.count == maxResults {
                        more = true
                        break scan
                    }
                    let rest = Array(object.name.utf8.dropFirst(prefix.utf8.count))
                    if !delimiter.isEmpty, let at = Bytes.find(Array(delimiter.utf8), in: rest) {
                        let common = prefix + String(decoding: rest[..<(at + delimiter.utf8.count)], as: UTF8.self)
                        prefixes.append(common)
                        cursor = (common + "\u{10FFFF}", Int64.max)
                        continue scan
                    }
                    items.append(renderObject(object, request))
                    cursor = (object.name, object.generation)
                }
            }
        }
        var result: [String: JSON] = ["kind": "storage#objects"]
        if !items.isEmpty { result["items"] = .array(items) }
        if !prefixes.isEmpty { result["prefixes"] = .array(prefixes.map(JSON.string)) }
        if more {
            let token = JSON.array([.string(cursor.name), .int(cursor.generation)]).encoded()
            result["nextPageToken"] = .string(Base64Token.encode(token))
        }
        return .json(.object(result))
    }

    // MARK: Writes of metadata

    func deleteObject(_ request: ServiceRequest) async throws -> Response {
        let (bucket, name) = (request.param("bucket"), request.param("object"))
        let generation = try request.query.int("generation")
        let preconditions = try Preconditions(request.query)
        let removedBlob: String? = try context.store.write { db in
            let bucketBody = try bucketRow(db, bucket).body
            let object = try db.requireStorageObject(bucket: bucket, name: name, generation: generation)
            try preconditions.check(object)
            let now = context.clock.nowMicros()
            try checkRetention(bucket: bucketBody, object: object, now: now)
            if object.live && generation == nil && bucketBody["versioning"]?["enabled"]?.boolValue == true {
                try db.putStorageObject(object.retired(at: now))
                return nil
            }
            try db.deleteStorageObject(object)
            return object.blob
        }
        if let removedBlob { context.blobs.remove(removedBlob) }
        return .noContent()
    }

    func updateObject(_ request: ServiceRequest, patch: Bool) async throws -> Response {
        let (bucket, name) = (request.param("bucket"), request.param("object"))
        let body = try await request.jsonBody(allowEmpty: patch)
        try validateObjectMetadata(body)
        let generation = try request.query.int("generation")
        let preconditions = try Preconditions(request.query)
        let updated: StoredObject = try context.store.write { db in
            try requireBucket(db, bucket)
            var object = try db.requireStorageObject(bucket: bucket, name: name, generation: generation)
            try preconditions.check(object)
            var resource = object.body.objectValue ?? [:]
            let given = body.filtered(Self.writableObjectFields)
            if patch {
                let merged = object.body.filtered(Self.writableObjectFields).merging(patch: given)
                for key in Self.writableObjectFields { resource[key] = merged[key] }
            } else {
                for key in Self.writableObjectFields { resource[key] = given[key].flatMap { $0 == .null ? nil : $0 } }
                resource["contentType"] = resource["contentType"] ?? "application/octet-stream"
            }
            if resource["metadata"]?.objectValue?.isEmpty == true { resource["metadata"] = nil }
            let metageneration = object.metageneration + 1
            resource["metageneration"] = .string(String(metageneration))
            resource["etag"] = .string(Self.etag([object.generation, metageneration]))
            resource["updated"] = .string(context.nowRFC3339())
            object.body = .object(resource)
            try db.putStorageObject(object)
            return object
        }
        return .json(renderObject(updated, request))
    }
}

extension StoredObject {
    init(bucket: String, name: String, generation: Int64, live: Bool, blob: String, body: JSON) {
        self.bucket = bucket
        self.name = name
        self.generation = generation
        self.live = live
        self.blob = blob
        self.body = body
    }

    /// This generation made noncurrent at `micros`.
    func retired(at micros: Int64) -> StoredObject {
        var body = self.body
        body["timeDeleted"] = .string(Timestamp.rfc3339(micros: micros))
        return StoredObject(bucket: bucket, name: name, generation: generation, live: false, blob: blob, body: body)
    }
}
