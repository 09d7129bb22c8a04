/// Parses GoogleSQL, BigQuery's SQL dialect, into a located syntax tree.
///
/// The parser only checks syntax: names, types and function signatures are the resolver's business.
/// Errors carry BigQuery's wording and location (`Syntax error: Unexpected keyword FROM at [1:8]`).
public enum GoogleSQLParser {
    /// The statements of a script, separated by `;` (a final `;` is optional). An empty script
    /// (blanks and comments only) has no statements.
    public static func parseScript(_ sql: String) throws(GoogleSQLSyntaxError) -> [Statement] {
        var parser = Parser(Lexer.lex(sql))
        return try parser.parseScript()
    }

    /// Exactly one statement, optionally followed by `;`.
    public static func parseStatement(_ sql: String) throws(GoogleSQLSyntaxError) -> Statement {
        var parser = Parser(Lexer.lex(sql))
        let statement = try parser.parseStatement()
        _ = parser.accept(.semicolon)
        try parser.expectEndOfInput()
        return statement
    }

    /// A standalone expression, such as a column's default value.
    public static func parseExpression(_ sql: String) throws(GoogleSQLSyntaxError) -> Expression {
        var parser = Parser(Lexer.lex(sql))
        let expression = try parser.parseExpression()
        try parser.expectEndOfInput()
        return expression
    }

    /// A standalone type, such as `ARRAY<STRUCT<a INT64, b STRING>>` or `NUMERIC(10, 2)`.
    public static func parseType(_ sql: String) throws(GoogleSQLSyntaxError) -> TypeName {
        var parser = Parser(Lexer.lex(sql))
        let type = try parser.parseType()
        try parser.expectEndOfInput()
        return type
    }
}
