/// A 1-based line and column in the SQL text, as BigQuery prints them in `at [line:column]`.
///
/// Columns count characters (Unicode scalars), and a tab advances to the next tab stop of 8, as
/// ZetaSQL's error locations do. Every token and every syntax node carries the location of its first
/// character, so later layers can report an unsupported construct exactly where it was written.
public struct SourceLocation: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `[line:column]`, BigQuery's notation.
    public var description: String { "[\(line):\(column)]" }
}
