/// A zip archive's central directory (ZIP64 included), read from the end of the file: the
/// members' names, compression, sizes, CRC-32s and where their data is. Reading a member's data
/// is the reader's job (streamed, never loaded).
struct ZipArchive {
    struct Entry {
        var name: String
        var flags: UInt16
        /// 0 stored, 8 deflate.
        var method: UInt16
        var crc32: UInt32
        var compressedSize: Int64
        var size: Int64
        var localHeaderOffset: Int64

        var isDirectory: Bool { name.hasSuffix("/") }
        var isEncrypted: Bool { flags & 1 != 0 }
    }

    var entries: [Entry]

    /// The files (not directories), in archive order.
    var fileNames: [String] { entries.filter { !$0.isDirectory }.map(\.name) }

    /// The largest central directory read (a bound on memory for hostile archives).
    static let maxDirectoryBytes: Int64 = 256 << 20

    static func read(_ file: InputFile) throws -> ZipArchive {
        func notZip(_ why: String) -> FileReadError {
            FileReadError(.notZip, path: file.path, message: "not a zip archive (\(why))")
        }
        // The end-of-central-directory record: 22 bytes and a comment of up to 65,535.
        let tailLength = Int(min(file.size, 22 + 65_535))
        let tailStart = file.size - Int64(tailLength)
        let tail = try file.bytes(at: tailStart, count: tailLength)
        guard tail.count >= 22 else { throw notZip("too short") }
        var found: Int?
        var index = tail.count - 22
        while index >= 0 {
            if tail[index] == 0x50 && tail[index + 1] == 0x4B && tail[index + 2] == 0x05 && tail[index + 3] == 0x06
                && index + 22 + Int(tail.u16(index + 20)) <= tail.count
            {
                found = index
                break
            }
            index -= 1
        }
        guard let end = found else { throw notZip("no end of central directory record; truncated?") }
        if tail.u16(end + 4) != tail.u16(end + 6) {
            throw FileReadError(.unsupported, path: file.path, message: "zip archives spanning several disks are not supported")
        }
        var count = Int64(tail.u16(end + 10))
        var directorySize = Int64(tail.u32(end + 12))
        var directoryOffset = Int64(tail.u32(end + 16))
        if count == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points at the ZIP64 end record.
            let locatorAt = tailStart + Int64(end) - 20
            guard locatorAt >= 0 else { throw notZip("no ZIP64 end of central directory locator") }
            let locator = try file.bytes(at: locatorAt, count: 20)
            guard locator.count == 20, locator.u32(0) == 0x0706_4B50 else {
                throw notZip("no ZIP64 end of central directory locator")
            }
            let recordAt = Int64(bitPattern: locator.u64(8))
            let record = try file.bytes(at: recordAt, count: 56)
            guard recordAt >= 0, record.count == 56, record.u32(0) == 0x0606_4B50 else {
                throw notZip("no ZIP64 end of central directory record")
            }
            count = Int64(bitPattern: record.u64(32))
            directorySize = Int64(bitPattern: record.u64(40))
            directoryOffset = Int64(bitPattern: record.u64(48))
        }
        guard directoryOffset >= 0, directorySize >= 0, directoryOffset + directorySize <= file.size else {
            throw notZip("the central directory lies outside the file; truncated?")
        }
        guard directorySize <= maxDirectoryBytes else {
            throw FileReadError(.unsupported, path: file.path, message: "the zip central directory is larger than \(maxDirectoryBytes) bytes")
        }
        let directory = try file.bytes(at: directoryOffset, count: Int(directorySize))
        var entries: [Entry] = []
        entries.reserveCapacity(Int(min(count, 1 << 20)))
        var at = 0
        while entries.count < count {
            guard at + 46 <= directory.count, directory.u32(at) == 0x0201_4B50 else {
                throw notZip("a central directory entry is malformed")
            }
            let nameLength = Int(directory.u16(at + 28))
            let extraLength = Int(directory.u16(at + 30))
            let commentLength = Int(directory.u16(at + 32))
            let nameStart = at + 46
            guard nameStart + nameLength + extraLength + commentLength <= directory.count else {
                throw notZip("a central directory entry is malformed")
            }
            var entry = Entry(
                name: String(decoding: directory[nameStart..<(nameStart + nameLength)], as: UTF8.self),
                flags: directory.u16(at + 8),
                method: directory.u16(at + 10),
                crc32: directory.u32(at + 16),
                compressedSize: Int64(directory.u32(at + 20)),
                size: Int64(directory.u32(at + 24)),
                localHeaderOffset: Int64(directory.u32(at + 42)))
            // ZIP64 extra field: the 8-byte values whose 4-byte fields are 0xFFFFFFFF, in order.
            var extra = nameStart + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = directory.u16(extra)
                let size = Int(directory.u16(extra + 2))
                let body = extra + 4
                guard body + size <= extraEnd else { break }
                if id == 0x0001 {
                    var field = body
                    func next() -> Int64? {
                        guard field + 8 <= body + size else { return nil }
                        defer { field += 8 }
                        return Int64(bitPattern: directory.u64(field))
                    }
                    if entry.size == 0xFFFF_FFFF, let value = next() { entry.size = value }
                    if entry.compressedSize == 0xFFFF_FFFF, let value = next() { entry.compressedSize = value }
                    if entry.localHeaderOffset == 0xFFFF_FFFF, let value = next() { entry.localHeaderOffset = value }
                }
                extra = body + size
            }
            entries.append(entry)
            at = nameStart + nameLength + extraLength + commentLength
        }
        return ZipArchive(entries: entries)
    }

    /// The entry called `name` (a leading `./` or `/` in `name` is ignored).
    func entry(named name: String) -> Entry? {
        if let exact = entries.first(where: { $0.name == name && !$0.isDirectory }) { return exact }
        var trimmed = Substring(name)
        while trimmed.hasPrefix("./") { trimmed = trimmed.dropFirst(2) }
        while trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
        return entries.first { $0.name == trimmed && !$0.isDirectory }
    }

    /// Where `entry`'s data starts: after its local header, whose name and extra field lengths
    /// may differ from the central directory's.
    static func dataOffset(of entry: Entry, in file: InputFile) throws -> Int64 {
        let header = try file.bytes(at: entry.localHeaderOffset, count: 30)
        guard header.count == 30, header.u32(0) == 0x0403_4B50 else {
            throw FileReadError(.corrupt, path: file.path, member: entry.name, message: "the member's local header is missing or malformed")
        }
        return entry.localHeaderOffset + 30 + Int64(header.u16(26)) + Int64(header.u16(28))
    }

    /// `names` for a message, shortened when there are many.
    static func list(_ names: [String]) -> String {
        if names.isEmpty { return "it has no files" }
        let shown = names.prefix(20).joined(separator: ", ")
        return names.count > 20 ? "it has \(names.count) files: \(shown), …" : "it has: \(shown)"
    }
}

fileprivate extension [UInt8] {
    /// Little-endian integers at `offset`.
    func u16(_ offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(_ offset: Int) -> UInt32 { UInt32(u16(offset)) | UInt32(u16(offset + 2)) << 16 }
    func u64(_ offset: Int) -> UInt64 { UInt64(u32(offset)) | UInt64(u32(offset + 4)) << 32 }
}
