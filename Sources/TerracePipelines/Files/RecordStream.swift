import Glibc
import TerraceJSON

/// Where parsers put records: batches of at most `batchSize` go to `deliver` as they fill, bad
/// records to `reject` at once (so a throwing callback stops the read where it happened). When
/// it takes text, a JSON record goes on as its own bytes (``addText(_:)``) for the bronze sink
/// to land as it is when the schema settles it; batches keep the records' order.
struct RecordSink {
    let batchSize: Int
    let deliver: (RecordBatch) throws -> Void
    let reject: (BadRecord) throws -> Void
    /// Whether JSON records may be handed over as their text.
    let takesText: Bool
    private var pending: [JSON] = []
    private var text: [UInt8] = []
    private var ranges: [Range<Int>] = []

    init(batchSize: Int, takesText: Bool = false, deliver: @escaping (RecordBatch) throws -> Void, reject: @escaping (BadRecord) throws -> Void) {
        self.batchSize = max(batchSize, 1)
        self.takesText = takesText
        self.deliver = deliver
        self.reject = reject
        pending.reserveCapacity(self.batchSize)
    }

    mutating func add(_ record: JSON) throws {
        if !ranges.isEmpty { try flush() }
        pending.append(record)
        if pending.count >= batchSize { try flush() }
    }

    /// A record given as the text of a valid JSON object (only when ``takesText``).
    mutating func addText(_ record: UnsafeBufferPointer<UInt8>) throws {
        if !pending.isEmpty { try flush() }
        let start = text.count
        text.append(contentsOf: record)
        ranges.append(start..<text.count)
        if ranges.count >= batchSize { try flush() }
    }

    func bad(line: Int, _ message: String) throws {
        try reject(BadRecord(line: line, message: message))
    }

    mutating func flush() throws {
        if !pending.isEmpty {
            try deliver(.parsed(pending))
            pending.removeAll(keepingCapacity: true)
        }
        if !ranges.isEmpty {
            try deliver(.raw(RawRecords(bytes: text, ranges: ranges)))
            text.removeAll(keepingCapacity: true)
            ranges.removeAll(keepingCapacity: true)
        }
    }
}

/// A line or array element that should hold one JSON object, into `sink`: as its text when the
/// sink takes text and the scanner accepts it as an object, else parsed (a bad record with
/// jansson's words when it does not parse, or with `notAnObject` when it is another value).
func addJSONRecord(_ text: UnsafeBufferPointer<UInt8>, line: Int, into sink: inout RecordSink, notAnObject: (String) -> String) throws {
    if sink.takesText, JSONScanner.validate(text) == .object { return try sink.addText(text) }
    let value: JSON
    do {
        value = try JSON.parse(text)
    } catch {
        return try sink.bad(line: line, describeParseError(error))
    }
    guard case .object = value else { return try sink.bad(line: line, notAnObject(article(value.typeName))) }
    try sink.add(value)
}

/// A streaming parser of one format: fed the decompressed text in chunks of any size.
protocol RecordParser {
    mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, into sink: inout RecordSink) throws
    /// The text has ended: the last record (one without a line end) and any unfinished structure.
    mutating func finish(into sink: inout RecordSink) throws
}

/// A file-level problem a parser or stage found, before the reader adds the path.
struct RecordStreamError: Error {
    var kind: FileReadError.Kind
    var line: Int?
    var message: String
}

let lineFeed: UInt8 = 0x0A
let carriageReturn: UInt8 = 0x0D

/// A bad record's message for JSON that jansson could not parse.
func describeParseError(_ error: any Error) -> String {
    guard let error = error as? JSONParseError else { return "invalid JSON: \(error)" }
    return "invalid JSON: \(error.message) (column \(error.column))"
}

/// A file open for reading, closed when released.
final class InputFile {
    let path: String
    let descriptor: Int32
    let size: Int64

    init(path: String) throws {
        self.path = path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR {
                throw FileReadError(.missing, path: path, message: "no such file")
            }
            throw FileReadError(.unreadable, path: path, message: "cannot open: \(String(cString: strerror(code)))")
        }
        var status = stat()
        guard fstat(fd, &status) == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw FileReadError(.unreadable, path: path, message: "cannot read: \(message)")
        }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw FileReadError(.unreadable, path: path, message: "is a directory, not a file")
        }
        descriptor = fd
        size = Int64(status.st_size)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    deinit { close(descriptor) }

    /// Reads up to `buffer.count` bytes at `offset`; fewer only at the end of the file.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = pread(descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset) + off_t(total))
            if count < 0 {
                if errno == EINTR { continue }
                throw FileReadError(.unreadable, path: path, message: "cannot read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// `count` bytes at `offset` (fewer at the end of the file).
    func bytes(at offset: Int64, count: Int) throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        let read = try result.withUnsafeMutableBytes { try self.read(at: offset, into: $0) }
        result.removeLast(count - read)
        return result
    }

    /// Calls `body` with the bytes from `offset` in chunks of `chunkSize`: `length` bytes (a
    /// shorter file is truncated), or to the end of the file.
    func forEachChunk(from offset: Int64, length: Int64?, chunkSize: Int, member: String?,
                      _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        var position = offset
        var remaining = length ?? Int64.max
        while remaining > 0 {
            let want = Int(min(Int64(chunkSize), remaining))
            let count = try read(at: position, into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<want]))
            if count == 0 {
                if length != nil {
                    throw FileReadError(.truncated, path: path, member: member,
                                        message: "the file ends inside the zip member (\(remaining) bytes missing)")
                }
                return
            }
            try body(UnsafeBufferPointer(start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count))
            position += Int64(count)
            remaining -= Int64(count)
        }
    }
}
