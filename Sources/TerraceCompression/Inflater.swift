import CZlib

/// Streaming decompression with bounded output: raw deflate (a zip member's data) or gzip
/// (concatenated members too). Unlike ``GzipReader``, which appends everything one input
/// yields, the output comes in pieces of at most `outputChunkSize` bytes handed to a closure,
/// so memory stays constant however well the input compresses.
public final class Inflater {
    public enum Format: Sendable {
        /// A bare deflate stream (RFC 1951), as zip archives store members.
        case rawDeflate
        /// gzip (RFC 1952) or zlib (RFC 1950), detected by zlib from the header; a gzip member
        /// followed by another starts over, as `cat a.gz b.gz` expects.
        case gzip
    }

    public let format: Format
    // zlib's state points back at its z_stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableBufferPointer<UInt8>
    /// Whether the compressed stream has ended (for gzip: the last member seen so far ended).
    public private(set) var isFinished = false
    /// Decompressed bytes produced so far.
    public private(set) var totalOut: Int64 = 0

    public init(_ format: Format, outputChunkSize: Int = 256 << 10) throws(GzipError) {
        self.format = format
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(capacity: max(outputChunkSize, 16))
        // inflateInit2 is a macro over the versioned function.
        let bits: Int32 = format == .rawDeflate ? -15 : 15 + 32
        guard inflateInit2_(stream, bits, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            stream.deallocate()
            output.deallocate()
            throw GzipError(description: "cannot start decompression")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    /// Decompresses `input`, calling `body` with each piece of output (valid only during the
    /// call). Bytes after the end of a raw deflate stream are ignored; for gzip they must
    /// start another member.
    public func write(_ input: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard let base = input.baseAddress, input.count > 0 else { return }
        var offset = 0
        while offset < input.count {
            if isFinished {
                if format == .rawDeflate { return }
                guard inflateReset(stream) == Z_OK else { throw GzipError(description: "cannot restart gzip decompression") }
                isFinished = false
            }
            let chunk = min(input.count - offset, Int(UInt32.max >> 1))
            stream.pointee.next_in = UnsafeMutablePointer(mutating: base.advanced(by: offset).assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = UInt32(chunk)
            var status: Int32 = Z_OK
            repeat {
                stream.pointee.next_out = output.baseAddress
                stream.pointee.avail_out = UInt32(output.count)
                status = inflate(stream, Z_NO_FLUSH)
                let produced = output.count - Int(stream.pointee.avail_out)
                if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                    let detail = stream.pointee.msg.map { String(cString: $0) } ?? "corrupt data"
                    stream.pointee.next_in = nil
                    throw GzipError(description: detail)
                }
                if produced > 0 {
                    totalOut += Int64(produced)
                    try body(UnsafeBufferPointer(rebasing: output[0..<produced]))
                }
            } while status == Z_OK && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)
            let consumed = chunk - Int(stream.pointee.avail_in)
            stream.pointee.next_in = nil
            offset += consumed
            if status == Z_STREAM_END {
                isFinished = true
            } else if consumed == 0 {
                break
            }
        }
    }

    /// ``write(_:_:)`` over an array.
    public func write(_ input: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try input.withUnsafeBytes { try write($0, body) }
    }
}

/// CRC-32 (the zip and gzip checksum, IEEE polynomial), computed by zlib.
public struct CRC32: Sendable, Equatable {
    public private(set) var value: UInt32 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        var offset = 0
        var crc = UInt(value)
        while offset < bytes.count {
            let count = min(bytes.count - offset, 1 << 30)
            crc = crc32(crc, base.advanced(by: offset).assumingMemoryBound(to: UInt8.self), UInt32(count))
            offset += count
        }
        value = UInt32(truncatingIfNeeded: crc)
    }

    public mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) { update(UnsafeRawBufferPointer(bytes)) }

    /// The CRC-32 of `bytes` in one call.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc = CRC32()
        bytes.withUnsafeBytes { crc.update($0) }
        return crc.value
    }
}
