/// One problem with a model project, worded for the person who wrote the files: what is wrong,
/// where (file, line, column), and what to do.
///
/// `description` reads `pipelines/gold/fact.sql:4:12: ref('dim_user') names no model; fix: …`.
public struct ModelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem this is, for callers and tests that branch on it.
    public enum Kind: String, Hashable, Sendable {
        /// A file that cannot be read, or whose name cannot be a model's.
        case file
        /// A header line: unknown key, bad value, or a key the materialization does not take.
        case header
        /// Two models (or two tests) with the same name.
        case duplicate
        /// `ref('…')` naming no model, or a malformed `ref`/`source`/`var` call.
        case unknownModel
        /// `source('bronze', '…')` naming no bronze table.
        case unknownSource
        /// `var('…')` with no value in the environment and no default.
        case unknownVariable
        /// Models that refer to each other in a circle.
        case cycle
        /// SQL that BigQuery would reject as a syntax error.
        case syntax
        /// A `--select` selector that is malformed or matches nothing.
        case selection
    }

    public var kind: Kind
    /// The file, as the user named it (`pipelines/gold/fact.sql`); empty for a selection error.
    public var file: String
    /// 1-based; `nil` when the problem is the whole file.
    public var line: Int?
    public var column: Int?
    public var message: String
    /// What to do about it; `nil` when the message already says it.
    public var fix: String?

    public init(_ kind: Kind, file: String, line: Int? = nil, column: Int? = nil, _ message: String, fix: String? = nil) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.fix = fix
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        let head = location.isEmpty ? message : "\(location): \(message)"
        guard let fix else { return head }
        return "\(head); fix: \(fix)"
    }
}

/// Every problem found in a project, in file order: loading and compiling collect them all
/// rather than stopping at the first.
public struct ModelErrors: Error, Hashable, Sendable, CustomStringConvertible {
    public var errors: [ModelError]

    public init(_ errors: [ModelError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
