#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import TerraceCrypto
import TerraceJSON

/// copyTo, rewriteTo and compose: new objects made from stored ones, their bodies streamed
/// (or hard-linked, for a plain copy) into a temporary file and committed like an upload.
extension StorageService {
    func copyObject(_ request: ServiceRequest, rewrite: Bool) async throws -> Response {
        let (sourceBucket, sourceName) = (request.param("sourceBucket"), request.param("sourceObject"))
        let (bucket, name) = (request.param("destinationBucket"), request.param("destinationObject"))
        try Names.checkObject(name)
        if rewrite, let token = request.query["rewriteToken"], !token.isEmpty {
            throw GCPError.invalid("Invalid rewriteToken: every rewrite of the local cloud finishes in one call.")
        }
        let overrides = try await request.optionalJSONBody()
        try validateObjectMetadata(overrides)
        let sourceGeneration = try request.query.int("sourceGeneration")
        let sourceConditions = try Preconditions(request.query, prefix: "Source")
        let preconditions = try Preconditions(request.query)
        let source = try context.store.read { db in
            try requireBucket(db, sourceBucket)
            try requireBucket(db, bucket)
            return try db.requireStorageObject(bucket: sourceBucket, name: sourceName, generation: sourceGeneration)
        }
        try sourceConditions.check(source)
        // Without metadata in the body the copy keeps the source's; with some, the body's. The
        // storage class is the body's when given (rewriting in place is how objects change class),
        // else the destination bucket's default.
        let hasOverrides = !(overrides.filtered(Self.writableObjectFields).objectValue ?? [:]).isEmpty
        var metadata = hasOverrides ? overrides : source.body.filtered(Self.writableObjectFields)
        metadata["storageClass"] = overrides["storageClass"]
        let temporary = context.blobs.temporaryPath(context.blobs.newID())
        defer { unlink(temporary) }
        guard link(context.blobs.path(source.blob), temporary) == 0 else {
            throw GCPError.internal("cannot copy object body: \(String(cString: strerror(errno)))")
        }
        let digest = BlobDigest(size: source.size, md5: Base64.decode(source.body["md5Hash"]?.stringValue ?? "") ?? [],
                                crc32c: Base64.decode(source.body["crc32c"]?.stringValue ?? "") ?? [])
        var new = NewObject(bucket: bucket, name: name, metadata: metadata, fallbackContentType: nil, digest: digest)
        new.componentCount = source.body["componentCount"]?.intValue
        let stored = try commitObject(new, temporary: temporary, preconditions: preconditions)
        let resource = renderObject(stored, request)
        guard rewrite else { return .json(resource) }
        let size = JSON.string(String(stored.size))
        return .json(["kind": "storage#rewriteResponse", "totalBytesRewritten": size, "objectSize": size,
                      "done": true, "resource": resource])
    }

    func composeObject(_ request: ServiceRequest) async throws -> Response {
        let (bucket, name) = (request.param("destinationBucket"), request.param("destinationObject"))
        try Names.checkObject(name)
        let body = try await request.jsonBody()
        try SchemaValidator.shared.validate(body, schema: "storage.ComposeRequest", root: "composeRequest", rejectUnknown: false)
        if body["deleteSourceObjects"]?.boolValue == true {
            throw GCPError.notImplemented("deleteSourceObjects in objects.compose")
        }
        let destination = body["destination"] ?? .object([:])
        try validateObjectMetadata(destination)
        let sources = body["sourceObjects"]?.arrayValue ?? []
        guard (1...32).contains(sources.count) else {
            throw GCPError.invalid("A compose request needs 1 to 32 source objects; got \(sources.count).")
        }
        let preconditions = try Preconditions(request.query)
        let objects = try context.store.read { db in
            try requireBucket(db, bucket)
            return try sources.enumerated().map { index, source in
                guard let sourceName = source["name"]?.stringValue, !sourceName.isEmpty else {
                    throw GCPError.required("Required: composeRequest.sourceObjects[\(index)].name")
                }
                let object = try db.requireStorageObject(bucket: bucket, name: sourceName, generation: source["generation"]?.intValue)
                if let match = source["objectPreconditions"]?["ifGenerationMatch"]?.intValue, match != object.generation {
                    throw GCPError.preconditionFailed()
                }
                return object
            }
        }
        let components = objects.reduce(Int64(0)) { $0 + ($1.body["componentCount"]?.intValue ?? 1) }
        guard components <= 1024 else {
            throw GCPError.invalid("The composed object would have \(components) components; at most 1024 are allowed.")
        }
        let readers = try objects.map { try BlobReader(path: context.blobs.path($0.blob)) }
        let file = try TemporaryFile(blobs: context.blobs, id: context.blobs.newID())
        defer { file.discard() }
        var hasher = BodyHasher()
        for (object, reader) in zip(objects, readers) {
            try await reader.forEachChunk(offset: 0, length: object.size) { chunk in
                try chunk.withUnsafeBytes { raw in
                    try file.write(raw)
                    hasher.update(raw)
                }
            }
        }
        file.close()
        let digest = hasher.finish()
        var metadata = destination
        if metadata["contentType"] == nil { metadata["contentType"] = objects[0].body["contentType"] }
        var new = NewObject(bucket: bucket, name: name, metadata: metadata, fallbackContentType: nil, digest: digest)
        new.componentCount = components
        let stored = try commitObject(new, temporary: file.path, preconditions: preconditions)
        return .json(renderObject(stored, request))
    }
}
