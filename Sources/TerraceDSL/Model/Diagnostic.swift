/// One validation error: `file:line: address: what is wrong (what to do)`.
public struct Diagnostic: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let location: SourceLocation
    public let address: Address
    /// What is wrong, as a sentence fragment without a trailing period.
    public let message: String
    /// What to do about it.
    public let fix: String

    public init(_ location: SourceLocation, _ address: Address, _ message: String, fix: String) {
        self.location = location
        self.address = address
        self.message = message
        self.fix = fix
    }

    public var description: String { "\(location): \(address): \(message) (\(fix))" }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        (lhs.location.fileID, lhs.location.line, lhs.address.rawValue, lhs.message)
            < (rhs.location.fileID, rhs.location.line, rhs.address.rawValue, rhs.message)
    }
}

/// A stack that failed validation: every diagnostic, sorted by file and line.
public struct ValidationError: Error, Sendable, CustomStringConvertible {
    public let diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics.sorted() }

    public var description: String {
        let count = diagnostics.count
        let header = "\(count) error\(count == 1 ? "" : "s") in the declarations; nothing was changed:"
        return ([header] + diagnostics.map(\.description)).joined(separator: "\n")
    }
}
