#if canImport(Glibc)
import Glibc
#endif
import HTTPTypes
import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Uploads: `uploadType=media`, `multipart` and `resumable`, every body streamed to `tmp/`
/// (never held whole in memory) while its checksums are computed.
extension StorageService {
    func insertObject(_ request: ServiceRequest) async throws -> Response {
        let bucket = request.param("bucket")
        let isUpload = !request.path.hasPrefix("/storage/")
        let uploadType = request.query["uploadType"] ?? (isUpload ? "media" : "json")
        let preconditions = try Preconditions(request.query)
        switch uploadType {
        case "media":
            guard let name = request.query["name"], !name.isEmpty else {
                throw GCPError.required("Required parameter: name (the object name of a media upload).")
            }
            try Names.checkObject(name)
            _ = try context.store.read { try bucketRow($0, bucket) }
            return try await receive(request, bucket: bucket, name: name, metadata: .object([:]),
                                     contentType: request.header("Content-Type"), preconditions: preconditions) { file, hasher in
                for try await buffer in request.body { try file.write(buffer, hasher: &hasher) }
            }
        case "multipart":
            let boundary = try Self.boundary(request.header("Content-Type"))
            _ = try context.store.read { try bucketRow($0, bucket) }
            var parts = MultipartReader(boundary: boundary)
            var name = ""
            var metadata = JSON.object([:])
            return try await receive(request, bucket: bucket, name: { name }, metadata: { metadata },
                                     contentType: { parts.mediaType }, preconditions: preconditions) { file, hasher in
                for try await buffer in request.body {
                    try parts.consume(buffer, file: file, hasher: &hasher) { given in
                        try validateObjectMetadata(given)
                        name = given["name"]?.stringValue ?? request.query["name"] ?? ""
                        try Names.checkObject(name)
                        metadata = given
                    }
                }
                try parts.finish()
            }
        case "resumable":
            return try await startResumable(request, bucket: bucket, preconditions: preconditions)
        case "json":
            let metadata = try await request.jsonBody()
            try validateObjectMetadata(metadata)
            guard let name = metadata["name"]?.stringValue ?? request.query["name"] else {
                throw GCPError.required("Required: object name")
            }
            try Names.checkObject(name)
            _ = try context.store.read { try bucketRow($0, bucket) }
            return try await receive(request, bucket: bucket, name: name, metadata: metadata, contentType: nil,
                                     preconditions: preconditions) { _, _ in }
        default:
            throw GCPError.invalid("Invalid value for parameter 'uploadType': \"\(uploadType)\"; use media, multipart or resumable.")
        }
    }

    private func receive(_ request: ServiceRequest, bucket: String, name: String, metadata: JSON, contentType: String?,
                         preconditions: Preconditions,
                         write: (TemporaryFile, inout BodyHasher) async throws -> Void) async throws -> Response {
        try await receive(request, bucket: bucket, name: { name }, metadata: { metadata }, contentType: { contentType },
                          preconditions: preconditions, write: write)
    }

    /// Streams a body into a new temporary file with `write`, then commits it as an object whose
    /// name, metadata and content type are read once the body has been consumed.
    private func receive(_ request: ServiceRequest, bucket: String, name: () -> String, metadata: () -> JSON,
                         contentType: () -> String?, preconditions: Preconditions,
                         write: (TemporaryFile, inout BodyHasher) async throws -> Void) async throws -> Response {
        let file = try TemporaryFile(blobs: context.blobs, id: context.blobs.newID())
        defer { file.discard() }
        var hasher = BodyHasher()
        try await write(file, &hasher)
        file.close()
        let new = NewObject(bucket: bucket, name: name(), metadata: metadata(), fallbackContentType: contentType(),
                            digest: hasher.finish())
        let stored = try commitObject(new, temporary: file.path, preconditions: preconditions)
        return .json(renderObject(stored, request))
    }

    /// The boundary of a `multipart/related` Content-Type.
    static func boundary(_ contentType: String?) throws -> String {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/") else {
            throw GCPError.invalid("A multipart upload needs Content-Type: multipart/related; boundary=….")
        }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces() }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
                if !value.isEmpty { return value }
            }
        }
        throw GCPError.invalid("The multipart Content-Type \"\(contentType)\" has no boundary parameter.")
    }

    // MARK: Resumable

    private func startResumable(_ request: ServiceRequest, bucket: String, preconditions: Preconditions) async throws -> Response {
        var metadata = try await request.optionalJSONBody()
        try validateObjectMetadata(metadata)
        guard let name = metadata["name"]?.stringValue ?? request.query["name"], !name.isEmpty else {
            throw GCPError.required("Required: object name (in the metadata or the name parameter).")
        }
        try Names.checkObject(name)
        if metadata["contentType"] == nil, let type = request.header("X-Upload-Content-Type") { metadata["contentType"] = .string(type) }
        let id = context.blobs.newID()
        _ = try TemporaryFile(blobs: context.blobs, id: id)
        try context.store.write { db in
            try requireBucket(db, bucket)
            try db.run("INSERT INTO storage_uploads (id, bucket, name, metadata, conditions, received) VALUES (?, ?, ?, ?, ?, 0)",
                       [.text(id), .text(bucket), .text(name), .text(metadata.encoded()), .text(preconditions.json.encoded())])
        }
        let location = baseURL(request) + "/upload/storage/v1/b/\(PercentEncoding.encode(bucket))/o?uploadType=resumable&upload_id=\(id)"
        return Response(status: .ok, headers: Self.headers([("Location", location), ("X-GUploader-UploadID", id)]))
    }

    /// What a PUT to a session's URL says with its Content-Range.
    enum ChunkRange: Equatable {
        /// `bytes */TOTAL` or `bytes */*`: how much is stored?
        case status(total: Int64?)
        /// `bytes FIRST-LAST/TOTAL` or `bytes FIRST-LAST/*`.
        case chunk(first: Int64, last: Int64, total: Int64?)
        /// No Content-Range: the whole object in one request.
        case whole
    }

    static func parseContentRange(_ header: String?) throws -> ChunkRange {
        guard let header else { return .whole }
        let bad = GCPError.invalid("Invalid Content-Range \"\(header)\": expected bytes FIRST-LAST/TOTAL, bytes FIRST-LAST/* or bytes */TOTAL.")
        guard header.hasPrefix("bytes ") else { throw bad }
        let parts = header.dropFirst("bytes ".count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw bad }
        var total: Int64?
        if parts[1] != "*" {
            guard let value = Int64(parts[1]), value >= 0 else { throw bad }
            total = value
        }
        if parts[0] == "*" { return .status(total: total) }
        let bounds = parts[0].split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first >= 0, last >= first else { throw bad }
        if let total, last >= total { throw bad }
        return .chunk(first: first, last: last, total: total)
    }

    func resumableChunk(_ request: ServiceRequest) async throws -> Response {
        guard let id = request.query["upload_id"], !id.isEmpty,
              id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        else { throw GCPError.notFound("No such resumable upload session.") }
        let range = try Self.parseContentRange(request.header("Content-Range"))
        let row = try context.store.read { db in
            try db.queryOne("SELECT * FROM storage_uploads WHERE id = ? AND bucket = ?", [.text(id), .text(request.param("bucket"))])
        }
        guard let row else { throw GCPError.notFound("No such resumable upload session: \(id).") }
        if let result = row.string("result") {
            for try await _ in request.body {}
            let body = try JSON.parse(result)
            let object = StoredObject(bucket: body["bucket"]?.stringValue ?? "", name: body["name"]?.stringValue ?? "",
                                      generation: body["generation"]?.intValue ?? 0, live: true, blob: "", body: body)
            return .json(renderObject(object, request))
        }
        let received = row.int("received") ?? 0
        switch range {
        case .status(let total):
            for try await _ in request.body {}
            if let total, total == received { return try await finishResumable(request, row: row) }
            if let total, total < received {
                throw GCPError.invalid("Content-Range total \(total) is less than the \(received) bytes already stored.")
            }
            return Self.incomplete(received)
        case .chunk(let first, _, _) where first != received:
            // Like GCS: a chunk that does not continue the stored bytes stores nothing; the
            // answer says where to resume.
            for try await _ in request.body {}
            return Self.incomplete(received)
        case .chunk(let first, let last, let total):
            try await appendChunk(request, id: id, received: received, expected: last - first + 1)
            let now = received + last - first + 1
            if let total, total == now { return try await finishResumable(request, row: try refreshed(id)) }
            return Self.incomplete(now)
        case .whole:
            guard received == 0 else {
                for try await _ in request.body {}
                return Self.incomplete(received)
            }
            try await appendChunk(request, id: id, received: 0, expected: nil)
            return try await finishResumable(request, row: try refreshed(id))
        }
    }

    /// DELETE on a session URI cancels the upload: Cloud Storage answers 499 and forgets the
    /// session and its bytes; a finished or unknown session is 404.
    func cancelResumable(_ request: ServiceRequest) async throws -> Response {
        guard let id = request.query["upload_id"], !id.isEmpty,
              id.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) })
        else { throw GCPError.notFound("No such resumable upload session.") }
        let removed = try context.store.write { db in
            try db.run("DELETE FROM storage_uploads WHERE id = ? AND bucket = ? AND result IS NULL",
                       [.text(id), .text(request.param("bucket"))])
        }
        guard removed == 1 else { throw GCPError.notFound("No such resumable upload session: \(id).") }
        unlink(context.blobs.temporaryPath(id))
        return Response(status: HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"))
    }

    private func refreshed(_ id: String) throws -> Row {
        guard let row = try context.store.read({ try $0.queryOne("SELECT * FROM storage_uploads WHERE id = ?", [.text(id)]) }) else {
            throw GCPError.notFound("No such resumable upload session: \(id).")
        }
        return row
    }

    /// 308 with the stored range (none when nothing is stored).
    static func incomplete(_ received: Int64) -> Response {
        Response(status: HTTPResponse.Status(code: 308, reasonPhrase: "Resume Incomplete"),
                 headers: headers(received > 0 ? [("Range", "bytes=0-\(received - 1)")] : []))
    }

    /// Appends the request body to the session file after its `received` bytes; `expected`
    /// (when known) must match the body's length, or nothing is kept.
    private func appendChunk(_ request: ServiceRequest, id: String, received: Int64, expected: Int64?) async throws {
        let file = try TemporaryFile(blobs: context.blobs, id: id, append: true)
        defer { file.close() }
        try file.truncate(to: received)
        var count: Int64 = 0
        do {
            for try await buffer in request.body {
                count += Int64(buffer.readableBytes)
                try buffer.withUnsafeReadableBytes { try file.write($0) }
            }
            if let expected, expected != count {
                throw GCPError.invalid("The chunk has \(count) bytes but its Content-Range says \(expected).")
            }
        } catch {
            try? file.truncate(to: received)
            throw error
        }
        try context.store.write { db in
            try db.run("UPDATE storage_uploads SET received = ? WHERE id = ? AND received = ?",
                       [.int(received + count), .text(id), .int(received)])
        }
    }

    private func finishResumable(_ request: ServiceRequest, row: Row) async throws -> Response {
        let id = row.string("id") ?? ""
        let path = context.blobs.temporaryPath(id)
        let digest = try BlobReader.digest(path: path)
        let metadata = try JSON.parse(row.string("metadata") ?? "{}")
        let conditions = Preconditions(json: try JSON.parse(row.string("conditions") ?? "{}"))
        let new = NewObject(bucket: row.string("bucket") ?? "", name: row.string("name") ?? "", metadata: metadata,
                            fallbackContentType: nil, digest: digest)
        let stored = try commitObject(new, temporary: path, preconditions: conditions) { db, object in
            try db.run("UPDATE storage_uploads SET result = ?, received = ? WHERE id = ?",
                       [.text(object.body.encoded()), .int(digest.size), .text(id)])
        }
        return .json(renderObject(stored, request))
    }
}
