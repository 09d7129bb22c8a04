import TerraceCompression
import TerraceJSON

/// Reads the records of a local file, CSV, NDJSON or a JSON array, gzip or not, or a member of a
/// zip archive, in constant memory: the file is read in chunks (``chunkSize``) through the
/// decompressors (whose output is bounded too) into a streaming parser, and records are handed
/// out in batches of at most ``batchSize`` as they are parsed. Memory is bounded by the chunk
/// size, the batch and the largest record (``maxRecordBytes``), not by the file.
///
/// The stages, in order: the file (or the zip member's bytes, inflated, with its CRC-32 and size
/// checked at the end) → ``FileCompression`` (gzip or not, sniffed for `.auto`) → a UTF-8 byte
/// order mark at the very start is dropped → the format's parser.
///
/// Records that cannot be read go to `bad` with their line and the read goes on: a malformed
/// NDJSON line, a CSV record with the wrong number of fields or an unclosed quote, a JSON array
/// element that is not an object. Problems with the whole file stop the read with a
/// ``FileReadError``: a missing file, a file declared gzip that is not, corrupt or truncated
/// compressed data, a missing zip member (the error lists the members), a `.jsonArray` file that
/// is not one array.
///
///     let reader = FileRecordReader(format: .csv(), batchSize: 10_000)
///     try reader.read(path: "data/orders.csv.gz") { records in
///         try lake.write(records)
///     } bad: { record in
///         log("\(record)")
///     }
public struct FileRecordReader: Sendable {
    public var format: FileFormat
    public var compression: FileCompression
    /// The member to read when the file is a zip archive (its path inside the archive, as
    /// `unzip -l` shows it; a leading `./` or `/` is ignored).
    public var zipMember: String?
    /// The most records handed to `batch` in one call.
    public var batchSize: Int
    /// How many bytes are read from the file at a time (and the most one decompression step yields).
    public var chunkSize: Int = 256 << 10
    /// The largest record (a CSV record, an NDJSON line, a JSON array element) read; a larger
    /// one stops the read (it is most likely an unclosed quote or bracket swallowing the file).
    public var maxRecordBytes: Int = 64 << 20

    public init(format: FileFormat, compression: FileCompression = .auto, zipMember: String? = nil, batchSize: Int = 5_000) {
        self.format = format
        self.compression = compression
        self.zipMember = zipMember
        self.batchSize = max(batchSize, 1)
    }

    /// Reads the local file at `path`: calls `batch` with up to ``batchSize`` records (JSON
    /// objects) at a time, in file order, and `bad` for each record that cannot be read.
    /// Throwing from either stops the read (the error propagates unchanged). File-level
    /// problems throw ``FileReadError``.
    public func read(path: String, batch: ([JSON]) throws -> Void, bad: (BadRecord) throws -> Void) throws {
        try read(path: path, takesText: false, batches: { records in
            if case .parsed(let records) = records { try batch(records) }
        }, bad: bad)
    }

    /// ``read(path:batch:bad:)`` with batches of ``RecordBatch``: JSON records (NDJSON lines,
    /// array elements) that are valid objects as their text when `takesText`.
    func read(path: String, takesText: Bool, batches: (RecordBatch) throws -> Void, bad: (BadRecord) throws -> Void) throws {
        switch format {
        case .csv(let options):
            var parser = CSVRecordParser(options: options, maxRecordBytes: maxRecordBytes)
            try read(path: path, parser: &parser, takesText: takesText, batch: batches, bad: bad)
        case .ndjson:
            var parser = NDJSONRecordParser(maxRecordBytes: maxRecordBytes)
            try read(path: path, parser: &parser, takesText: takesText, batch: batches, bad: bad)
        case .jsonArray:
            var parser = JSONArrayRecordParser(maxRecordBytes: maxRecordBytes)
            try read(path: path, parser: &parser, takesText: takesText, batch: batches, bad: bad)
        }
    }

    private func read<Parser: RecordParser>(path: String, parser: inout Parser, takesText: Bool,
                                            batch: (RecordBatch) throws -> Void, bad: (BadRecord) throws -> Void) throws {
        let file = try InputFile(path: path)
        let member = try self.member(of: file)
        var start: Int64 = 0
        var length: Int64?
        if let member {
            start = try ZipArchive.dataOffset(of: member, in: file)
            length = member.compressedSize
        }
        var unpack = try MemberDecoder(member, path: path)
        var content = ContentDecoder(compression)
        var bom = BOMStripper()
        let chunkSize = max(self.chunkSize, 16)
        do {
            try withoutActuallyEscaping(batch) { batch in
                try withoutActuallyEscaping(bad) { bad in
                    var sink = RecordSink(batchSize: batchSize, takesText: takesText, deliver: batch, reject: bad)
                    try file.forEachChunk(from: start, length: length, chunkSize: chunkSize, member: member?.name) { raw in
                        try unpack.write(raw) { bytes in
                            try content.write(bytes, chunkSize: chunkSize) { text in
                                try bom.write(text) { try parser.feed($0, into: &sink) }
                            }
                        }
                    }
                    try unpack.finish()
                    try content.finish { text in
                        try bom.write(text) { try parser.feed($0, into: &sink) }
                    }
                    try bom.finish { try parser.feed($0, into: &sink) }
                    try parser.finish(into: &sink)
                    try sink.flush()
                }
            }
        } catch let error as RecordStreamError {
            throw FileReadError(error.kind, path: path, member: member?.name, line: error.line, message: error.message)
        }
    }

    /// The zip member to read: the one named, or for `.auto` the only file of an archive.
    private func member(of file: InputFile) throws -> ZipArchive.Entry? {
        let entry: ZipArchive.Entry
        if let zipMember {
            let archive = try ZipArchive.read(file)
            guard let found = archive.entry(named: zipMember) else {
                let names = archive.fileNames
                throw FileReadError(.zipMemberNotFound(members: names), path: file.path,
                                    message: "the zip archive has no member \(zipMember); \(ZipArchive.list(names))")
            }
            entry = found
        } else {
            guard compression == .auto else { return nil }
            let magic = try file.bytes(at: 0, count: 4)
            guard magic == [0x50, 0x4B, 0x03, 0x04] || magic == [0x50, 0x4B, 0x05, 0x06] else { return nil }
            let archive = try ZipArchive.read(file)
            // macOS's Finder adds resource forks under __MACOSX/: they are not candidates.
            let names = archive.fileNames.filter { !$0.hasPrefix("__MACOSX/") }
            guard names.count == 1, let only = archive.entry(named: names[0]) else {
                throw FileReadError(.zipMemberNotFound(members: names), path: file.path,
                                    message: "the file is a zip archive with \(names.count) files: name the member to read; \(ZipArchive.list(names))")
            }
            entry = only
        }
        if entry.isEncrypted {
            throw FileReadError(.unsupported, path: file.path, member: entry.name, message: "the member is encrypted")
        }
        guard entry.method == 0 || entry.method == 8 else {
            throw FileReadError(.unsupported, path: file.path, member: entry.name,
                                message: "the member's compression method (\(entry.method)) is not supported: only stored (0) and deflate (8)")
        }
        return entry
    }
}

/// The zip member's bytes from its stored data: inflated when deflated, with the CRC-32 and
/// size checked once all are read. Without a member, the bytes pass through.
private struct MemberDecoder {
    let entry: ZipArchive.Entry?
    let inflater: Inflater?
    var crc = CRC32()
    var produced: Int64 = 0

    init(_ entry: ZipArchive.Entry?, path: String) throws {
        self.entry = entry
        if let entry, entry.method == 8 {
            do { inflater = try Inflater(.rawDeflate) } catch {
                throw FileReadError(.unreadable, path: path, member: entry.name, message: error.description)
            }
        } else {
            inflater = nil
        }
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>, _ next: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard entry != nil else { return try next(bytes) }
        guard let inflater else {
            crc.update(bytes)
            produced += Int64(bytes.count)
            return try next(bytes)
        }
        do {
            try inflater.write(UnsafeRawBufferPointer(bytes)) { output in
                crc.update(output)
                produced += Int64(output.count)
                try next(output)
            }
        } catch let error as GzipError {
            throw RecordStreamError(kind: .corrupt, line: nil, message: "the member's deflate data is corrupt: \(error.description)")
        }
    }

    func finish() throws {
        guard let entry else { return }
        if let inflater, !inflater.isFinished {
            throw RecordStreamError(kind: .truncated, line: nil, message: "the member's deflate data ends early")
        }
        guard produced == entry.size else {
            throw RecordStreamError(kind: .corrupt, line: nil,
                                    message: "the member has \(produced) bytes but the archive says \(entry.size)")
        }
        guard crc.value == entry.crc32 else {
            throw RecordStreamError(kind: .corrupt, line: nil,
                                    message: "CRC-32 mismatch: the archive says \(hex(entry.crc32)), the data gives \(hex(crc.value))")
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// The file's (or member's) compression: gzip inflated (concatenated members too), plain
/// passed through; for `.auto` the first two bytes decide.
private struct ContentDecoder {
    private enum Mode { case undecided, plain, gzip }
    private var mode: Mode
    private let requireGzip: Bool
    private var inflater: Inflater?
    /// The first byte when it came alone.
    private var sniffed: [UInt8] = []

    init(_ compression: FileCompression) {
        mode = compression == .none ? .plain : .undecided
        requireGzip = compression == .gzip
    }

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>, chunkSize: Int, _ next: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !bytes.isEmpty else { return }
        switch mode {
        case .plain:
            try next(bytes)
        case .gzip:
            do {
                try inflater!.write(UnsafeRawBufferPointer(bytes), next)
            } catch let error as GzipError {
                throw RecordStreamError(kind: .corrupt, line: nil, message: "not valid gzip: \(error.description)")
            }
        case .undecided:
            if sniffed.isEmpty && bytes.count >= 2 {
                try decide(bytes[0], bytes[1], chunkSize: chunkSize)
                return try write(bytes, chunkSize: chunkSize, next)
            }
            sniffed.append(contentsOf: bytes)
            guard sniffed.count >= 2 else { return }
            try decide(sniffed[0], sniffed[1], chunkSize: chunkSize)
            let held = sniffed
            sniffed = []
            try held.withUnsafeBufferPointer { try write($0, chunkSize: chunkSize, next) }
        }
    }

    private mutating func decide(_ first: UInt8, _ second: UInt8, chunkSize: Int) throws {
        if first == 0x1F && second == 0x8B {
            do { inflater = try Inflater(.gzip, outputChunkSize: chunkSize) } catch {
                throw RecordStreamError(kind: .unreadable, line: nil, message: error.description)
            }
            mode = .gzip
        } else if requireGzip {
            throw RecordStreamError(kind: .notGzip, line: nil, message: "not gzip (it does not start with gzip's magic bytes 1f 8b)")
        } else {
            mode = .plain
        }
    }

    mutating func finish(_ next: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        switch mode {
        case .undecided:
            if requireGzip {
                throw RecordStreamError(kind: .notGzip, line: nil, message: "not gzip (it is \(sniffed.isEmpty ? "empty" : "one byte long"))")
            }
            mode = .plain
            let held = sniffed
            sniffed = []
            try held.withUnsafeBufferPointer { try next($0) }
        case .gzip:
            if !inflater!.isFinished {
                throw RecordStreamError(kind: .truncated, line: nil, message: "the gzip stream is truncated (it ends before its end marker)")
            }
        case .plain:
            break
        }
    }
}

/// Drops a UTF-8 byte order mark (EF BB BF) at the very start of the text.
private struct BOMStripper {
    private var decided = false
    private var held: [UInt8] = []

    mutating func write(_ bytes: UnsafeBufferPointer<UInt8>, _ next: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if decided { return try next(bytes) }
        if held.isEmpty && bytes.count >= 3 {
            decided = true
            return try next(Self.isBOM(bytes) ? UnsafeBufferPointer(rebasing: bytes[3...]) : bytes)
        }
        held.append(contentsOf: bytes)
        guard held.count >= 3 else { return }
        try finish(next)
    }

    mutating func finish(_ next: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard !decided else { return }
        decided = true
        let text = held
        held = []
        try text.withUnsafeBufferPointer { buffer in
            try next(Self.isBOM(buffer) ? UnsafeBufferPointer(rebasing: buffer[3...]) : buffer)
        }
    }

    private static func isBOM(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }
}
