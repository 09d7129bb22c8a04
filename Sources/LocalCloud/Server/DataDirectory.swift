#if canImport(Glibc)
import Glibc
#endif

/// A data directory held for the life of one server: `<dir>/LOCK` is locked with flock(2), so a
/// second process opening the same directory fails at once with a clear error instead of
/// corrupting it.
final class DataDirectoryLock: Sendable {
    let path: String
    private let descriptor: Int32

    init(directory: String) throws {
        try FileSystem.makeDirectory(directory)
        path = directory + "/LOCK"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LocalCloudError("cannot open \(path): \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            var buffer = [UInt8](repeating: 0, count: 32)
            let n = read(fd, &buffer, 31)
            close(fd)
            let holder = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "" : ""
            let who = holder.isEmpty ? "another process" : "another terrace process (pid \(holder))"
            throw LocalCloudError(
                "the local cloud data directory \(directory) is in use by \(who); stop it, or use another --data directory",
                dataDirectoryBusy: true, holder: who)
        }
        ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        descriptor = fd
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
