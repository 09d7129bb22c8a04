import Glibc

/// Reads `environments/<name>.json` under a project directory and parses it with
/// ``EnvironmentParser``.
public struct EnvironmentLoader: Sendable {
    /// The project directory (the one holding `environments/`).
    public let projectDirectory: String

    public init(projectDirectory: String = ".") { self.projectDirectory = projectDirectory }

    /// The environment `name`, or one ``EnvironmentError`` naming the file and the key.
    public func load(_ name: String) throws(EnvironmentError) -> EnvironmentConfiguration {
        let file = "environments/\(name).json"
        if name.contains("/") || name.hasSuffix(".json") {
            let guess = String(name.split(separator: "/").last ?? "").replacingSuffix(".json")
            throw EnvironmentError(.missingFile, file: name,
                                   "--env takes an environment's name, not a path: `--env \(guess)` reads environments/\(guess).json "
                                       + "in the current directory (the project's root)")
        }
        let validName = !name.isEmpty && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        guard validName, let text = readFile(at: projectDirectory + "/" + file) else {
            let known = available()
            let hint = known.isEmpty ? "create it; terrace looks in environments/ under the current directory"
                : "create it, or use one of: \(known.joined(separator: ", "))"
            throw EnvironmentError(.missingFile, file: file, "\(file): no such environment file (\(hint))")
        }
        return try EnvironmentParser(name: name, file: file).parse(text)
    }

    /// The names of the environment files present, sorted.
    public func available() -> [String] {
        guard let directory = opendir(projectDirectory + "/environments") else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name.hasSuffix(".json"), !name.hasPrefix(".") { names.append(String(name.dropLast(5))) }
        }
        return names.sorted()
    }

    /// The file's text, or `nil` when it cannot be opened.
    private func readFile(at path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
