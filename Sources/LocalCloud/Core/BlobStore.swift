#if canImport(Glibc)
import Glibc
#endif
import TerraceCrypto

/// Object bodies as files under `<data>/blobs/`, named by generated ids, never by object name,
/// so no object name can reach outside the data directory.
public final class BlobStore: Sendable {
    public let directory: String
    public let temporaryDirectory: String

    public init(dataDirectory: String) throws {
        directory = dataDirectory + "/blobs"
        temporaryDirectory = dataDirectory + "/tmp"
        try FileSystem.makeDirectory(directory)
        try FileSystem.makeDirectory(temporaryDirectory)
    }

    /// A new, unique blob id (hex).
    public func newID() -> String {
        RandomBytes.make(16).hexString
    }

    /// The file that holds blob `id`; ids are generated hex, checked here anyway.
    public func path(_ id: String) -> String {
        precondition(id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }, "blob ids are hex")
        return directory + "/" + id
    }

    public func temporaryPath(_ id: String) -> String { temporaryDirectory + "/" + id }

    public func remove(_ id: String) {
        unlink(path(id))
    }

    /// Moves a finished temporary file into place as blob `id`.
    public func commit(temporary: String, as id: String) throws {
        guard rename(temporary, path(id)) == 0 else {
            throw GCPError.internal("cannot store object body: \(String(cString: strerror(errno)))")
        }
    }
}

/// Small POSIX file helpers.
public enum FileSystem {
    public static func makeDirectory(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw GCPError.internal("cannot create directory \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    public static func fileSize(_ path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }
}

/// Random bytes from the system generator, eight at a time.
public enum RandomBytes {
    public static func make(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count + 8)
        while bytes.count < count {
            let word: UInt64 = generator.next()
            for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Array(bytes.prefix(count))
    }
}
