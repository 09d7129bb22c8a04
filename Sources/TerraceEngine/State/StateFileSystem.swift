import Glibc

/// The POSIX file operations the local backend needs: whole-file reads, atomic replacement
/// (temp file in the same directory, fsync, rename, fsync of the directory), directories.
enum StateFileSystem {
    /// Largest state file read (hostile files must not exhaust memory).
    static let maxBytes = 512 * 1024 * 1024

    /// The file's bytes, or `nil` when it does not exist.
    static func readIfExists(_ path: String, location: String) throws(StateError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let code = errno
            if code == ENOENT { return nil }
            throw StateError(.unreadable, location, "\(location): cannot be read: \(message(code)) (check its permissions)")
        }
        defer { close(fd) }
        return try readAll(fd, location: location)
    }

    /// Everything from `fd`'s current offset to its end.
    static func readAll(_ fd: Int32, location: String) throws(StateError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StateError(.unreadable, location, "\(location): cannot be read: \(message(errno))")
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > maxBytes {
                throw StateError(.unreadable, location, "\(location): is larger than \(maxBytes / 1024 / 1024) MB; it is not a state file")
            }
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress?.advanced(by: offset), $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Replaces `path` with `bytes` (mode 0600) so that a reader sees the old file or the new one,
    /// never a part. `beforeRename` runs after the temp file is durable (a test seam).
    static func replaceAtomically(_ path: String, with bytes: [UInt8], location: String,
                                  beforeRename: () throws -> Void = {}) throws {
        let directory = directoryName(path)
        let base = String(path.split(separator: "/").last ?? "state")
        let temp = "\(directory)/.\(base).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(location, "cannot create \(temp)", errno) }
        var ok = fchmod(fd, 0o600) == 0 && writeAll(fd, bytes) && fsync(fd) == 0
        let code = errno
        ok = close(fd) == 0 && ok
        guard ok else {
            unlink(temp)
            throw failure(location, "cannot write \(temp)", code)
        }
        do {
            try beforeRename()
        } catch {
            unlink(temp)
            throw error
        }
        guard rename(temp, path) == 0 else {
            let code = errno
            unlink(temp)
            throw failure(location, "cannot rename \(temp) to \(path)", code)
        }
        let dirFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }

    /// Creates `path` and its parents (mode 0700) when missing.
    static func makeDirectories(_ path: String, location: String) throws(StateError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, 0o700) != 0 && errno != EEXIST {
                throw failure(location, "cannot create directory \(current)", errno)
            }
        }
    }

    static func directoryName(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    static func failure(_ location: String, _ what: String, _ code: Int32) -> StateError {
        StateError(.writeFailed, location, "\(location): \(what): \(message(code)) (the previous state is intact)")
    }

    static func message(_ code: Int32) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }
}
