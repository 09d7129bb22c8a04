import GoogleSQL
import Testing

/// Shortcuts for the GoogleSQL tests: parse, render canonically, capture errors.
enum GoogleSQLFixture {
    /// The canonical rendering of one statement.
    static func canonical(_ sql: String) throws -> String {
        try GoogleSQLParser.parseStatement(sql).sql
    }

    /// The canonical rendering of one expression.
    static func canonical(expression sql: String) throws -> String {
        try GoogleSQLParser.parseExpression(sql).sql
    }

    static func expression(_ sql: String) throws -> Expression {
        try GoogleSQLParser.parseExpression(sql)
    }

    static func query(_ sql: String) throws -> Query {
        let statement = try GoogleSQLParser.parseStatement(sql)
        guard case .query(let query) = statement.kind else { throw FixtureError.unexpectedShape("\(statement.kind)") }
        return query
    }

    static func select(_ sql: String) throws -> Select {
        let query = try query(sql)
        guard case .select(let select) = query.body else { throw FixtureError.unexpectedShape("\(query.body)") }
        return select
    }

    /// The FROM clause of a one-SELECT query.
    static func from(_ sql: String) throws -> TableExpression {
        guard let from = try select(sql).from else { throw FixtureError.unexpectedShape("no FROM") }
        return from
    }

    /// The error parsing `sql` as a script raises, or nil when it parses.
    static func error(_ sql: String) -> GoogleSQLSyntaxError? {
        do {
            _ = try GoogleSQLParser.parseScript(sql)
            return nil
        } catch {
            return error
        }
    }

    /// The error's `message at [line:column]` text.
    static func errorText(_ sql: String) -> String? {
        error(sql)?.description
    }

    static func tokens(_ sql: String) throws -> [Token.Kind] {
        try GoogleSQLLexer.tokenize(sql).map(\.kind).dropLast()
    }

    static func lexError(_ sql: String) -> String? {
        do {
            _ = try GoogleSQLLexer.tokenize(sql)
            return nil
        } catch {
            return error.description
        }
    }

    enum FixtureError: Error {
        case unexpectedShape(String)
    }
}
