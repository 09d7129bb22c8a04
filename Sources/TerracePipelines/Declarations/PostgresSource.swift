/// A PostgreSQL table or query, streamed; with an optional incremental cursor column whose
/// high-water mark is kept between runs.
public struct PostgresSource: Sendable {
    /// The environment variable holding the connection string (secrets never live in the
    /// repository); environments may name another (`"sources": {"<name>": {"connection": "VAR"}}`).
    public var connectionVariable: String
    /// `schema.table` or `table`, when not a query.
    public var table: String?
    public var query: String?
    /// The cursor column: only rows above the last run's highest value are read.
    public var cursor: String?

    public static func table(_ table: String, connection variable: String, cursor: String? = nil) -> PostgresSource {
        PostgresSource(connectionVariable: variable, table: table, query: nil, cursor: cursor)
    }

    public static func query(_ query: String, connection variable: String, cursor: String? = nil) -> PostgresSource {
        PostgresSource(connectionVariable: variable, table: nil, query: query, cursor: cursor)
    }
}
