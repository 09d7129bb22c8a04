#if canImport(Glibc)
import Glibc
#endif
import TerraceEngine

/// Writing a report file (run results): parent directories made as needed, the file replaced
/// atomically (written beside it, then renamed).
enum FileOutput {
    static func write(_ bytes: [UInt8], to path: String) throws {
        var directory = ""
        for component in path.split(separator: "/", omittingEmptySubsequences: false).dropLast() {
            directory += (directory.isEmpty && !path.hasPrefix("/") ? "" : "/") + component
            if directory.isEmpty || directory == "/" { continue }
            if mkdir(directory, 0o755) != 0 && errno != EEXIST {
                throw EngineError("cannot create the directory \(directory) for \(path): \(String(cString: strerror(errno)))")
            }
        }
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw EngineError("cannot write \(path): \(String(cString: strerror(errno)))") }
        var remaining = bytes[...]
        while !remaining.isEmpty {
            let written = remaining.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written <= 0 {
                close(descriptor)
                throw EngineError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            remaining = remaining.dropFirst(written)
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw EngineError("cannot write \(path): \(String(cString: strerror(errno)))") }
    }
}
