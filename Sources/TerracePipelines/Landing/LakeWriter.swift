import GoogleCloud
import TerraceCompression
import TerraceCrypto
import TerraceJSON

/// One object a run wrote to the lake.
public struct LandedPart: Sendable, Equatable {
    /// The object name (`raw/<source>/dt=…/run=…/part-00000.jsonl.gz`).
    public var name: String
    public var records: Int64
    /// Bytes stored (gzip).
    public var bytes: Int64
    /// The stored bytes' CRC32C, base64 (as Cloud Storage reports `crc32c`).
    public var crc32c: String
}

/// Writes a source's records as gzipped NDJSON parts under the run's prefix, in constant memory:
/// compressed bytes are uploaded as they fill a buffer (a resumable upload in 8 MiB chunks once a
/// part outgrows one chunk; a single request for small parts). A part ends after
/// `recordsPerPart` records.
public final class LakeWriter {
    let storage: GoogleCloudClient
    let upload: GoogleCloudClient
    public let bucket: String
    public let prefix: String
    let recordsPerPart: Int64
    let chunkSize: Int

    private var gzip: GzipWriter
    /// NDJSON not yet compressed (compressed in 256 KiB steps).
    private var pending: [UInt8] = []
    /// Compressed bytes not yet uploaded.
    private var buffer: [UInt8] = []
    private var partRecords: Int64 = 0
    private var partBytes: Int64 = 0
    private var partCRC = CRC32C()
    private var session: String?
    public private(set) var parts: [LandedPart] = []
    public private(set) var records: Int64 = 0
    /// Uncompressed NDJSON bytes written.
    public private(set) var rawBytes: Int64 = 0

    /// `prefix` ends with `/`; `chunkSize` is a multiple of 256 KiB (Cloud Storage's rule for
    /// resumable chunks).
    public init(cloud: GoogleCloud, bucket: String, prefix: String, recordsPerPart: Int64 = 500_000, chunkSize: Int = 8 << 20) throws {
        self.storage = cloud.storage
        self.upload = cloud.storageUpload
        self.bucket = bucket
        self.prefix = prefix
        self.recordsPerPart = recordsPerPart
        self.chunkSize = chunkSize
        self.gzip = try GzipWriter(level: 1)
        pending.reserveCapacity(300 << 10)
    }

    var partName: String { prefix + "part-" + String(parts.count).leftPadded(5) + ".jsonl.gz" }

    /// Appends one record (a JSON object) as a line; `suffix` holds more fields already encoded
    /// (`"_run_id":"…",…`), spliced in before the object's closing brace.
    public func write(_ record: JSON, suffix: [UInt8] = []) async throws {
        let before = pending.count
        record.appendEncoded(to: &pending)
        if pending.last == UInt8(ascii: "}") { splice(suffix, hasMembers: pending.count - before > 2) }
        try await endLine(from: before)
    }

    /// Appends one record given as the JSON text of an object, as it is (it must hold no line
    /// break), with `suffix` spliced in as ``write(_:suffix:)`` does; `hasMembers` says whether
    /// the object has any.
    public func write(objectText text: ArraySlice<UInt8>, hasMembers: Bool, suffix: [UInt8] = []) async throws {
        let before = pending.count
        pending.append(contentsOf: text)
        splice(suffix, hasMembers: hasMembers)
        try await endLine(from: before)
    }

    /// Puts `suffix` before the closing brace that ends `pending`.
    private func splice(_ suffix: [UInt8], hasMembers: Bool) {
        guard !suffix.isEmpty else { return }
        pending.removeLast()
        if hasMembers { pending.append(UInt8(ascii: ",")) }
        pending.append(contentsOf: suffix)
        pending.append(UInt8(ascii: "}"))
    }

    /// Ends the line that started at `before` in `pending`, compressing and uploading as it fills.
    private func endLine(from before: Int) async throws {
        pending.append(0x0A)
        rawBytes += Int64(pending.count - before)
        partRecords += 1
        records += 1
        if pending.count >= 256 << 10 {
            try gzip.write(pending, into: &buffer)
            pending.removeAll(keepingCapacity: true)
            if buffer.count >= chunkSize { try await sendChunk(final: false) }
        }
        if partRecords >= recordsPerPart { try await finishPart() }
    }

    /// Ends the current part (if it has records) and answers every part written.
    public func finish() async throws -> [LandedPart] {
        try await finishPart()
        return parts
    }

    private func finishPart() async throws {
        guard partRecords > 0 else { return }
        try gzip.write(pending, into: &buffer)
        pending.removeAll(keepingCapacity: true)
        try gzip.finish(into: &buffer)
        try await sendChunk(final: true)
        parts.append(LandedPart(name: partName, records: partRecords, bytes: partBytes, crc32c: Base64.encode(partCRC.bigEndianBytes)))
        partRecords = 0
        partBytes = 0
        partCRC = CRC32C()
        session = nil
        gzip = try GzipWriter(level: 1)
    }

    /// Uploads the buffer: whole multiples of 256 KiB while the part goes on, everything at the end.
    private func sendChunk(final: Bool) async throws {
        let name = partName
        if final && session == nil {
            // A part that fits one chunk: one request.
            partCRC.update(buffer)
            partBytes += Int64(buffer.count)
            _ = try await upload.send("POST", "b/\(URLEncoding.component(bucket))/o",
                                      query: [("uploadType", "media"), ("name", name)],
                                      headers: [("Content-Type", "application/gzip")], body: buffer)
            buffer.removeAll(keepingCapacity: true)
            return
        }
        if session == nil {
            let response = try await upload.send("POST", "b/\(URLEncoding.component(bucket))/o",
                                                 query: [("uploadType", "resumable"), ("name", name)],
                                                 headers: [("Content-Type", "application/json"), ("X-Upload-Content-Type", "application/gzip")],
                                                 body: Array("{}".utf8))
            guard let location = response.header("location") else {
                throw PipelineError("gs://\(bucket)/\(name): the resumable upload answer has no session location")
            }
            session = location
        }
        let count = final ? buffer.count : buffer.count - buffer.count % (256 << 10)
        guard count > 0 || final, let session else { return }
        let chunk = Array(buffer[0..<count])
        let start = partBytes
        partCRC.update(chunk)
        partBytes += Int64(count)
        let range = count == 0 ? "bytes */\(partBytes)" : "bytes \(start)-\(partBytes - 1)/\(final ? String(partBytes) : "*")"
        _ = try await upload.send("PUT", session, headers: [("Content-Range", range)], body: chunk)
        buffer.removeFirst(count)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
