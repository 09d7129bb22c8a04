import Glibc
import TerraceCompression
import TerraceSQLite

/// The objects a load job reads (`gs://bucket/name`, or a prefix ending in `*`), from the local
/// cloud's own storage, streamed in chunks and gunzipped when they are gzip.
struct LoadSource: Sendable {
    let uri: String
    let path: String
    let size: Int64

    /// The live objects `uris` name, in name order; a missing object or an empty wildcard is a
    /// 404 naming the URI.
    static func resolve(_ uris: [String], db: Database, blobs: BlobStore) throws -> [LoadSource] {
        var sources: [LoadSource] = []
        for uri in uris {
            guard uri.hasPrefix("gs://"), let slash = uri.dropFirst(5).firstIndex(of: "/") else {
                throw GCPError.invalid("Invalid source URI \(uri): a load reads gs://BUCKET/OBJECT.")
            }
            let bucket = String(uri.dropFirst(5)[..<slash])
            let name = String(uri[uri.index(after: slash)...])
            let rows: [Row]
            if name.hasSuffix("*") {
                let prefix = String(name.dropLast())
                rows = try db.query("SELECT name, blob FROM storage_objects WHERE bucket = ? AND live = 1 AND substr(name, 1, ?) = ? ORDER BY name",
                                    [.text(bucket), .int(Int64(prefix.utf8.count)), .text(prefix)])
                if rows.isEmpty { throw GCPError.notFound("Not found: URI \(uri)") }
            } else {
                rows = try db.query("SELECT name, blob FROM storage_objects WHERE bucket = ? AND name = ? AND live = 1", [.text(bucket), .text(name)])
                if rows.isEmpty { throw GCPError.notFound("Not found: URI \(uri)") }
            }
            for row in rows {
                let path = blobs.path(row.string("blob") ?? "")
                sources.append(LoadSource(uri: "gs://\(bucket)/\(row.string("name") ?? "")", path: path, size: FileSystem.fileSize(path) ?? 0))
            }
        }
        return sources
    }

    /// Calls `line` with each line of the object (gunzipped when it starts with gzip's magic
    /// bytes), without its line end; lines are streamed, never the whole file, and found with
    /// `memchr` (only a line split across chunks is copied).
    func forEachLine(_ line: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw GCPError.internal("Cannot read \(uri): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var gzip: GzipReader?
        var decided = false
        var pending: [UInt8] = []
        func emit(_ text: UnsafeBufferPointer<UInt8>) throws {
            try line(text.last == 0x0D ? UnsafeBufferPointer(rebasing: text.dropLast()) : text)
        }
        func feed(_ chunk: ArraySlice<UInt8>) throws {
            try chunk.withUnsafeBufferPointer { bytes in
                guard let base = bytes.baseAddress else { return }
                var start = 0
                while start < bytes.count, let found = memchr(base + start, 0x0A, bytes.count - start) {
                    let end = found.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base)
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    if pending.isEmpty {
                        try emit(text)
                    } else {
                        pending.append(contentsOf: text)
                        try pending.withUnsafeBufferPointer { try emit($0) }
                        pending.removeAll(keepingCapacity: true)
                    }
                    start = end + 1
                }
                pending.append(contentsOf: bytes[start...])
            }
        }
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 { throw GCPError.internal("Cannot read \(uri): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            let chunk = buffer[0..<count]
            if !decided {
                decided = true
                if count >= 2 && chunk[0] == 0x1F && chunk[1] == 0x8B {
                    do { gzip = try GzipReader() } catch { throw GCPError.internal("Cannot read \(uri): \(error)") }
                }
            }
            if gzip != nil {
                var output: [UInt8] = []
                do { try gzip!.write(chunk, into: &output) } catch {
                    throw GCPError.invalid("Error while reading data, error message: \(uri) is not valid gzip (\(error)).")
                }
                try feed(output[...])
            } else {
                try feed(chunk)
            }
        }
        if !pending.isEmpty { try pending.withUnsafeBufferPointer { try emit($0) } }
    }
}
