import NIOCore
import TerraceJSON

/// Reads a `multipart/related` upload body as it streams in: the first part (the object's JSON
/// metadata) is collected and handed over before any media byte is stored; the second part (the
/// media) is written straight to a file, holding back only enough bytes to spot the closing
/// boundary.
struct MultipartReader {
    private enum Phase { case preamble, metadataHeaders, metadata, mediaHeaders, media, epilogue }

    /// The head of the body (preamble, headers, metadata) may be at most this long.
    static let headLimit = 16 << 20
    private let dashBoundary: [UInt8]
    private let delimiter: [UInt8]
    private var phase = Phase.preamble
    private var pending: [UInt8] = []
    /// The media part's Content-Type.
    private(set) var mediaType: String?

    init(boundary: String) {
        dashBoundary = Array("--\(boundary)".utf8)
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Consumes one buffer of the body; `metadata` is called once with the parsed JSON part.
    mutating func consume(_ buffer: ByteBuffer, file: TemporaryFile, hasher: inout BodyHasher,
                          metadata: (JSON) throws -> Void) throws {
        if phase == .epilogue { return }
        pending.append(contentsOf: buffer.readableBytesView)
        loop: while true {
            switch phase {
            case .preamble:
                guard let at = Bytes.find(dashBoundary, in: pending),
                      let end = Bytes.find([13, 10], in: pending, from: at + dashBoundary.count) else { break loop }
                pending.removeFirst(end + 2)
                phase = .metadataHeaders
            case .metadataHeaders, .mediaHeaders:
                guard let headers = takeHeaders() else { break loop }
                if phase == .mediaHeaders {
                    mediaType = headers["content-type"]
                    phase = .media
                } else {
                    phase = .metadata
                }
            case .metadata:
                guard let at = Bytes.find(delimiter + [13, 10], in: pending) else { break loop }
                let value: JSON
                do {
                    value = try JSON.parse(pending[..<at])
                } catch {
                    throw GCPError(code: 400, reason: "parseError", message: "Invalid JSON in the metadata part: \(error.description)",
                                   status: "INVALID_ARGUMENT")
                }
                guard case .object = value else { throw GCPError.invalid("The metadata part must be a JSON object.") }
                try metadata(value)
                pending.removeFirst(at + delimiter.count + 2)
                phase = .mediaHeaders
            case .media:
                if let at = Bytes.find(delimiter, in: pending) {
                    try write(pending[..<at], file: file, hasher: &hasher)
                    pending = []
                    phase = .epilogue
                } else {
                    let keep = min(pending.count, delimiter.count - 1)
                    try write(pending[..<(pending.count - keep)], file: file, hasher: &hasher)
                    pending.removeFirst(pending.count - keep)
                }
                break loop
            case .epilogue:
                break loop
            }
        }
        if phase != .media && pending.count > Self.headLimit {
            throw GCPError.invalid("The multipart body's metadata part is larger than \(Self.headLimit) bytes.")
        }
    }

    /// Throws unless the body ended after the media part's closing boundary.
    func finish() throws {
        guard phase == .epilogue else {
            throw GCPError.invalid("The multipart body ended before its closing boundary; it needs a JSON metadata part and a media part.")
        }
    }

    private func write(_ bytes: ArraySlice<UInt8>, file: TemporaryFile, hasher: inout BodyHasher) throws {
        try bytes.withUnsafeBytes { raw in
            try file.write(raw)
            hasher.update(raw)
        }
    }

    /// A part's headers (lower-cased names) once all of them have arrived.
    private mutating func takeHeaders() -> [String: String]? {
        if pending.starts(with: [13, 10]) {
            pending.removeFirst(2)
            return [:]
        }
        guard let end = Bytes.find([13, 10, 13, 10], in: pending) else { return nil }
        let text = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeFirst(end + 4)
        var headers: [String: String] = [:]
        for line in text.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingSpaces()
        }
        return headers
    }
}
