import HTTPTypes
import Hummingbird
import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// Cloud Storage JSON API v1: buckets, bucket IAM, objects and uploads.
///
/// **Storage in the local cloud.** Buckets are rows of `storage_buckets` (the JSON resource
/// plus its project). Every object generation is a row of `storage_objects` (`live` marks the
/// current one; noncurrent generations are kept only when the bucket has versioning on), whose
/// body lives in `blobs/<generated id>` — never under the object's name, so no name can reach
/// outside the data directory. Bodies stream to `tmp/` while MD5 and CRC32C are computed, and
/// are renamed into place in the same transaction that inserts the row. Resumable upload
/// sessions are rows of `storage_uploads` plus their `tmp/<upload id>` file, so a session
/// survives a restart. Lifecycle rules are stored and returned but not executed; ACLs,
/// notifications, managed folders and HMAC keys answer 501.
public struct StorageService: CloudService {
    public static let schema = """
        CREATE TABLE IF NOT EXISTS storage_buckets (
            name TEXT PRIMARY KEY, project TEXT NOT NULL, body TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS storage_objects (
            bucket TEXT NOT NULL, name TEXT NOT NULL, generation INTEGER NOT NULL,
            live INTEGER NOT NULL, blob TEXT NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY (bucket, name, generation)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS storage_objects_live ON storage_objects (bucket, live, name);
        CREATE TABLE IF NOT EXISTS storage_uploads (
            id TEXT PRIMARY KEY, bucket TEXT NOT NULL, name TEXT NOT NULL, metadata TEXT NOT NULL,
            conditions TEXT NOT NULL, received INTEGER NOT NULL, result TEXT
        ) WITHOUT ROWID;
        """
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        let bucket = "storage/v1/b/{bucket}"
        let object = bucket + "/o/{object}"
        var routes: [Route] = [
            Route(.post, "storage/v1/b") { try await self.insertBucket($0) },
            Route(.get, "storage/v1/b") { try await self.listBuckets($0) },
            Route(.get, bucket) { try await self.getBucket($0) },
            Route(.patch, bucket) { try await self.updateBucket($0, patch: true) },
            Route(.put, bucket) { try await self.updateBucket($0, patch: false) },
            Route(.delete, bucket) { try await self.deleteBucket($0) },
            Route(.post, bucket + "/lockRetentionPolicy") { try await self.lockRetentionPolicy($0) },
            Route(.get, bucket + "/iam") { try await self.getBucketIamPolicy($0) },
            Route(.put, bucket + "/iam") { try await self.setBucketIamPolicy($0) },
            Route(.get, bucket + "/iam/testPermissions") { try await self.testBucketIamPermissions($0) },
            Route(.get, bucket + "/o") { try await self.listObjects($0) },
            Route(.post, bucket + "/o") { try await self.insertObject($0) },
            Route(.get, object) { try await self.getObject($0) },
            Route(.patch, object) { try await self.updateObject($0, patch: true) },
            Route(.put, object) { try await self.updateObject($0, patch: false) },
            Route(.delete, object) { try await self.deleteObject($0) },
            Route(.get, "download/" + object) { try await self.getObject($0, media: true) },
            Route(.post, "storage/v1/b/{sourceBucket}/o/{sourceObject}/copyTo/b/{destinationBucket}/o/{destinationObject}") {
                try await self.copyObject($0, rewrite: false)
            },
            Route(.post, "storage/v1/b/{sourceBucket}/o/{sourceObject}/rewriteTo/b/{destinationBucket}/o/{destinationObject}") {
                try await self.copyObject($0, rewrite: true)
            },
            Route(.post, "storage/v1/b/{destinationBucket}/o/{destinationObject}/compose") { try await self.composeObject($0) },
            Route(.post, "upload/" + bucket + "/o") { try await self.insertObject($0) },
            Route(.put, "upload/" + bucket + "/o") { try await self.resumableChunk($0) },
            Route(.delete, "upload/" + bucket + "/o") { try await self.cancelResumable($0) },
            Route(.post, "resumable/upload/" + bucket + "/o") { try await self.insertObject($0) },
        ]
        let unimplemented: [(HTTPRequest.Method, String, String)] = [
            (.get, bucket + "/acl", "bucket ACLs"), (.post, bucket + "/acl", "bucket ACLs"),
            (.get, bucket + "/defaultObjectAcl", "default object ACLs"), (.get, object + "/acl", "object ACLs"),
            (.get, bucket + "/notificationConfigs", "Pub/Sub notifications"),
            (.post, bucket + "/notificationConfigs", "Pub/Sub notifications"),
            (.get, bucket + "/managedFolders", "managed folders"), (.get, bucket + "/folders", "folders"),
            (.get, "storage/v1/projects/{projectId}/hmacKeys", "HMAC keys"),
            (.get, "storage/v1/projects/{projectId}/serviceAccount", "the project's Cloud Storage service agent"),
        ]
        for (method, path, what) in unimplemented {
            routes.append(Route(method, path) { _ in throw GCPError.notImplemented("Cloud Storage \(what)") })
        }
        return [APIRoutes(name: "storage", style: .legacy, routes: routes)]
    }

    // MARK: Shared helpers

    static let bucketNotFound = GCPError.notFound("The specified bucket does not exist.")

    /// The stored bucket resource (without links) and its project, or 404.
    /// 404 unless bucket `name` exists (without reading its resource).
    func requireBucket(_ db: Database, _ name: String) throws {
        guard try db.queryOne("SELECT 1 FROM storage_buckets WHERE name = ?", [.text(name)]) != nil else {
            throw Self.bucketNotFound
        }
    }

    func bucketRow(_ db: Database, _ name: String) throws -> (body: JSON, project: String) {
        guard let row = try db.queryOne("SELECT body, project FROM storage_buckets WHERE name = ?", [.text(name)]),
              let text = row.string("body")
        else { throw Self.bucketNotFound }
        return (try JSON.parse(text), row.string("project") ?? "")
    }

    /// The base URL clients reached us at (the request's authority, HTTP/1.1's Host), for links
    /// and upload session URLs; empty, so links are relative, when a client sends no Host.
    func baseURL(_ request: ServiceRequest) -> String {
        guard let host = request.header("X-Forwarded-Host") ?? request.authority, !host.isEmpty else { return "" }
        return "http://" + host
    }

    /// Google's etags: base64 of a protobuf message with the given varint fields 1, 2, ….
    static func etag(_ fields: [Int64]) -> String {
        var bytes: [UInt8] = []
        for (index, value) in fields.enumerated() {
            bytes.append(UInt8((index + 1) << 3))
            var v = UInt64(bitPattern: value)
            repeat {
                let low = UInt8(v & 0x7F)
                v >>= 7
                bytes.append(v == 0 ? low : low | 0x80)
            } while v != 0
        }
        return Base64.encode(bytes)
    }

    /// Response headers from name/value pairs.
    static func headers(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs {
            if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
        }
        return fields
    }
}

/// A decoded JSON request body that may be absent.
extension ServiceRequest {
    /// The JSON body, `{}` when the request has none.
    func optionalJSONBody() async throws -> JSON { try await jsonBody(allowEmpty: true) }
}
