#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import NIOCore
import TerraceCrypto

/// The checksums and length of an object body, as Cloud Storage reports them.
struct BlobDigest: Sendable {
    let size: Int64
    let md5: [UInt8]
    let crc32c: [UInt8]

    var md5Base64: String { Base64.encode(md5) }
    var crc32cBase64: String { Base64.encode(crc32c) }
}

/// MD5 and CRC32C computed incrementally over a body as it streams past.
struct BodyHasher: ~Copyable {
    private var md5 = Digest(.md5)
    private var crc = CRC32C()
    private(set) var size: Int64 = 0

    init() {}

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        md5.update(bytes)
        crc.update(bytes)
        size += Int64(bytes.count)
    }

    consuming func finish() -> BlobDigest {
        let crcBytes = crc.bigEndianBytes
        let total = size
        return BlobDigest(size: total, md5: md5.finalize(), crc32c: crcBytes)
    }
}

/// A file being written under the blob store's temporary directory (an upload or a copy in
/// progress). It is renamed into place by ``BlobStore/commit(temporary:as:)``, or removed.
final class TemporaryFile {
    let path: String
    private var descriptor: Int32

    /// Creates (or, with `append`, reopens) `tmp/<id>`.
    init(blobs: BlobStore, id: String, append: Bool = false) throws {
        path = blobs.temporaryPath(id)
        descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? 0 : O_TRUNC), 0o644)
        guard descriptor >= 0 else {
            throw GCPError.internal("cannot create upload file: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close() }

    /// Cuts the file to `length` bytes and positions writes at its end.
    func truncate(to length: Int64) throws {
        guard ftruncate(descriptor, off_t(length)) == 0, lseek(descriptor, off_t(length), SEEK_SET) >= 0 else {
            throw GCPError.internal("cannot resize upload file: \(String(cString: strerror(errno)))")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let n = Glibc.write(descriptor, base, remaining)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw GCPError.internal("cannot write upload file: \(String(cString: strerror(errno)))") }
            remaining -= n
            base += n
        }
    }

    /// Writes a buffer and feeds it to `hasher`.
    func write(_ buffer: ByteBuffer, hasher: inout BodyHasher) throws {
        try buffer.withUnsafeReadableBytes { bytes in
            try write(bytes)
            hasher.update(bytes)
        }
    }

    func close() {
        if descriptor >= 0 { Glibc.close(descriptor) }
        descriptor = -1
    }

    /// Closes and deletes the file (a no-op once it has been renamed into place).
    func discard() {
        close()
        unlink(path)
    }
}

/// An open blob file read in chunks; the descriptor stays valid even if the blob is deleted
/// while a download streams.
final class BlobReader: Sendable {
    static let chunkSize = 256 * 1024
    static let smallBody: Int64 = 64 * 1024
    private let descriptor: Int32

    init(path: String) throws {
        descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw GCPError.internal("cannot open object body: \(String(cString: strerror(errno)))")
        }
    }

    deinit { Glibc.close(descriptor) }

    /// Calls `body` with successive chunks of the bytes from `offset` for `length` bytes.
    func forEachChunk(offset: Int64, length: Int64, _ body: (ArraySlice<UInt8>) async throws -> Void) async throws {
        var buffer = [UInt8](repeating: 0, count: Int(min(Int64(Self.chunkSize), max(length, 1))))
        var position = offset
        let end = offset + length
        while position < end {
            let want = Int(min(Int64(Self.chunkSize), end - position))
            let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, want, off_t(position)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw GCPError.internal("object body is shorter than its recorded size") }
            try await body(buffer[0..<n])
            position += Int64(n)
        }
    }

    /// A response body streaming `length` bytes from `offset`, one chunk at a time (the
    /// writer's backpressure paces the reads).
    func responseBody(offset: Int64, length: Int64) throws -> ResponseBody {
        if length <= Self.smallBody {
            // Small bodies (the common case) in one read and one buffer, no streaming machinery.
            var buffer = ByteBufferAllocator().buffer(capacity: Int(length))
            var position = offset
            while position < offset + length {
                let want = Int(offset + length - position)
                let n = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: want) {
                    pread(descriptor, $0.baseAddress, want, off_t(position))
                }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { throw GCPError.internal("object body is shorter than its recorded size") }
                position += Int64(n)
            }
            return ResponseBody(byteBuffer: buffer)
        }
        return ResponseBody(contentLength: Int(length)) { writer in
            try await self.forEachChunk(offset: offset, length: length) { chunk in
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        }
    }

    /// The digest of the whole file, read in chunks.
    static func digest(path: String) throws -> BlobDigest {
        let reader = try BlobReader(path: path)
        let size = FileSystem.fileSize(path) ?? 0
        var hasher = BodyHasher()
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var position: Int64 = 0
        while position < size {
            let want = Int(min(Int64(chunkSize), size - position))
            let n = buffer.withUnsafeMutableBytes { pread(reader.descriptor, $0.baseAddress, want, off_t(position)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw GCPError.internal("cannot read upload file") }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            position += Int64(n)
        }
        return hasher.finish()
    }
}

/// Byte helpers for parsing bodies.
enum Bytes {
    /// The first index of `needle` in `haystack` at or after `from`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int = 0) -> Int? {
        guard let first = needle.first, haystack.count - from >= needle.count else { return nil }
        var index = from
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first {
                var match = true
                for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
                    match = false
                    break
                }
                if match { return index }
            }
            index += 1
        }
        return nil
    }
}
