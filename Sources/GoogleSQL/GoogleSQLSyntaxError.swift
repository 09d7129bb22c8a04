/// A GoogleSQL text that cannot be lexed or parsed, worded as BigQuery words it.
///
/// `message` is BigQuery's sentence without the location (`Syntax error: Unexpected identifier "foo"`);
/// `description` appends it the way BigQuery does (`… at [1:8]`).
public struct GoogleSQLSyntaxError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// BigQuery would reject the text too.
        case invalid
        /// Valid GoogleSQL this parser does not cover yet (a statement kind it does not know).
        case unsupported
    }

    public var kind: Kind
    public var message: String
    public var location: SourceLocation

    public init(_ message: String, at location: SourceLocation, kind: Kind = .invalid) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    public var description: String { "\(message) at \(location)" }
}
