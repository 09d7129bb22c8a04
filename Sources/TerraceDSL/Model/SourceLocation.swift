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

    /// `fileID:line`.
    public var description: String { "\(fileID):\(line)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.fileID, lhs.line) < (rhs.fileID, rhs.line)
    }
}
