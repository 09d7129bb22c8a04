/// A data test: a query whose rows are the failures.
public struct DataTest: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Rows where the column is NULL.
        case notNull(column: String)
        /// Values of the (compound) key that occur more than once; rows with a NULL key part are
        /// left to `not_null`.
        case unique(columns: [String])
        /// Non-NULL values outside the list (GoogleSQL literals as written).
        case acceptedValues(column: String, values: [String])
        /// Non-NULL values with no row of `parent` whose `field` equals them.
        case relationships(column: String, parent: NodeID, field: String)
        /// A file under `tests/`: its query's rows are the failures.
        case custom
    }

    /// What `warn` means: the failure is printed but `terrace test` still succeeds.
    public enum Severity: String, Hashable, Sendable, CaseIterable {
        case error, warn
    }

    /// Unique in the project: `MODEL.not_null_COLUMN`, … for header tests, the file name for custom ones.
    public var name: String
    public var kind: Kind
    public var severity: Severity
    /// The model a header test belongs to; `nil` for a custom test.
    public var model: String?
    public var description: String?
    public var tags: [String]
    /// Where it is declared: the header line, or the custom test's file.
    public var file: String
    public var line: Int
    /// A custom test's body and references (empty for header tests).
    var body: SourceFragment?
    public var references: [Reference]
}
