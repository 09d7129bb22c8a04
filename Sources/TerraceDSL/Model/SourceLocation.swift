#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a declaration was written: captured from `#fileID`/`#filePath` and `#line` default
/// arguments, so every error can print `file:line`.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file as `#fileID` spells it (`Module/File.swift`): short and stable across machines.
    public let fileID: String
    /// The absolute path of the file, for editors that want to jump to it.
    public let filePath: String
    /// The 1-based line.
    public let line: Int

    public init(fileID: String, filePath: String, line: Int) {
        self.fileID = fileID
        self.filePath = filePath
        self.line = line
    }

    /// `path:line`, the path relative to the current directory when the file is under it (what
    /// an editor or terminal can open: `infra/Platform.swift:51`), else `fileID:line`.
    public var description: String { "\(displayPath):\(line)" }

    /// The file as the user can open it from here, else its `#fileID`.
    public var displayPath: String {
        guard let directory = Self.currentDirectory, filePath.hasPrefix(directory + "/") else { return fileID }
        return String(filePath.dropFirst(directory.count + 1))
    }

    private static let currentDirectory: String? = {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        return String(cString: buffer)
    }()

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.fileID, lhs.line) < (rhs.fileID, rhs.line)
    }
}
