import CZlib

/// A gzip stream that could not be read or written.
public struct GzipError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// Streaming gzip compression: feed chunks, collect compressed chunks; constant memory.
public struct GzipWriter: ~Copyable {
    // zlib's state points back at its z_stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var finished = false

    /// `level` from 1 (fastest) to 9 (smallest); 6 is zlib's default.
    public init(level: Int32 = 6) throws(GzipError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard terrace_deflate_init_gzip(stream, level) == Z_OK else {
            stream.deallocate()
            throw GzipError(description: "cannot start gzip compression")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    /// Compresses `input`, appending whatever compressed bytes are ready to `output`.
    public mutating func write(_ input: some Collection<UInt8>, into output: inout [UInt8]) throws(GzipError) {
        try run(Array(input), flush: Z_NO_FLUSH, into: &output)
    }

    /// Ends the stream, appending the remaining bytes and the gzip trailer to `output`.
    public mutating func finish(into output: inout [UInt8]) throws(GzipError) {
        guard !finished else { return }
        try run([], flush: Z_FINISH, into: &output)
        finished = true
    }

    private mutating func run(_ input: [UInt8], flush: Int32, into output: inout [UInt8]) throws(GzipError) {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var status: Int32 = Z_OK
        input.withUnsafeBufferPointer { inputBuffer in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
            stream.pointee.avail_in = UInt32(inputBuffer.count)
            repeat {
                chunk.withUnsafeMutableBufferPointer { out in
                    stream.pointee.next_out = out.baseAddress
                    stream.pointee.avail_out = UInt32(out.count)
                    status = deflate(stream, flush)
                }
                output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.pointee.avail_out))])
            } while stream.pointee.avail_out == 0 && status != Z_STREAM_ERROR
            stream.pointee.next_in = nil
        }
        if status == Z_STREAM_ERROR { throw GzipError(description: "gzip compression failed") }
    }

    /// The gzip of `bytes` in one call.
    public static func compress(_ bytes: some Collection<UInt8>, level: Int32 = 6) throws(GzipError) -> [UInt8] {
        var writer = try GzipWriter(level: level)
        var out: [UInt8] = []
        try writer.write(bytes, into: &out)
        try writer.finish(into: &out)
        return out
    }
}

/// Streaming gzip decompression (also reads zlib streams and concatenated gzip members).
public struct GzipReader: ~Copyable {
    // zlib's state points back at its z_stream, so the stream lives at a fixed address.
    private let stream: UnsafeMutablePointer<z_stream>
    /// Whether the compressed stream has ended.
    public private(set) var isFinished = false

    public init() throws(GzipError) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        guard terrace_inflate_init_gzip(stream) == Z_OK else {
            stream.deallocate()
            throw GzipError(description: "cannot start gzip decompression")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
    }

    /// Decompresses `input`, appending the bytes it yields to `output`.
    public mutating func write(_ input: some Collection<UInt8>, into output: inout [UInt8]) throws(GzipError) {
        var remaining = Array(input)[...]
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !remaining.isEmpty {
            if isFinished {
                // Another gzip member follows (as `cat a.gz b.gz` makes): start over.
                guard inflateReset(stream) == Z_OK else { throw GzipError(description: "cannot restart gzip decompression") }
                isFinished = false
            }
            var status: Int32 = Z_OK
            var consumed = 0
            remaining.withUnsafeBufferPointer { inputBuffer in
                stream.pointee.next_in = UnsafeMutablePointer(mutating: inputBuffer.baseAddress)
                stream.pointee.avail_in = UInt32(inputBuffer.count)
                repeat {
                    chunk.withUnsafeMutableBufferPointer { out in
                        stream.pointee.next_out = out.baseAddress
                        stream.pointee.avail_out = UInt32(out.count)
                        status = inflate(stream, Z_NO_FLUSH)
                    }
                    output.append(contentsOf: chunk[0..<(chunk.count - Int(stream.pointee.avail_out))])
                } while status == Z_OK && (stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0)
                consumed = inputBuffer.count - Int(stream.pointee.avail_in)
                stream.pointee.next_in = nil
            }
            switch status {
            case Z_STREAM_END: isFinished = true
            case Z_OK, Z_BUF_ERROR: break
            default:
                let detail = stream.pointee.msg.map { String(cString: $0) } ?? "corrupt data"
                throw GzipError(description: "not a valid gzip stream: \(detail)")
            }
            remaining = remaining.dropFirst(consumed)
            if consumed == 0 && !isFinished { break }
        }
    }

    /// The bytes of a whole gzip text; a truncated one is an error.
    public static func decompress(_ bytes: some Collection<UInt8>) throws(GzipError) -> [UInt8] {
        var reader = try GzipReader()
        var out: [UInt8] = []
        try reader.write(bytes, into: &out)
        guard reader.isFinished else { throw GzipError(description: "the gzip stream is truncated") }
        return out
    }
}
