/// Scripts and statement dispatch.
extension Parser {
    /// Statements separated by `;`, a final `;` optional.
    mutating func parseScript() throws(GoogleSQLSyntaxError) -> [Statement] {
        var statements: [Statement] = []
        while !isAtEndOfInput {
            statements.append(try parseStatement())
            if !accept(.semicolon) { break }
        }
        try expectEndOfInput()
        return statements
    }

    mutating func parseStatement() throws(GoogleSQLSyntaxError) -> Statement {
        let location = current.location
        let kind: Statement.Kind
        switch current.kind {
        case .keyword(.select), .keyword(.with), .symbol(.leftParen):
            kind = .query(try parseQuery())
        case .keyword(.create):
            kind = try parseCreate()
        case .keyword(.merge):
            kind = .merge(try parseMerge())
        case .identifier(let word):
            switch word.uppercased() {
            case "INSERT": kind = .insert(try parseInsert())
            case "UPDATE": kind = .update(try parseUpdate(at: location))
            case "DELETE": kind = .delete(try parseDelete(at: location))
            case "TRUNCATE": kind = .truncateTable(try parseTruncate())
            case "DROP": kind = try parseDrop()
            case let other where Self.unsupportedStatements.contains(other):
                throw GoogleSQLSyntaxError("Unsupported statement: \(other)", at: location, kind: .unsupported)
            default:
                throw unexpected()
            }
        case .keyword(let keyword) where [.if, .set, .for].contains(keyword):
            throw GoogleSQLSyntaxError("Unsupported statement: \(keyword.rawValue)", at: location, kind: .unsupported)
        default:
            throw unexpected()
        }
        return Statement(kind: kind, location: location)
    }

    /// Statements BigQuery has that this parser does not cover yet (scripting, DCL, other DDL).
    static let unsupportedStatements: Set<String> = [
        "ALTER", "ASSERT", "BEGIN", "BREAK", "CALL", "COMMIT", "CONTINUE", "DECLARE", "EXECUTE", "EXPORT", "GRANT",
        "ITERATE", "LEAVE", "LOAD", "LOOP", "RAISE", "REPEAT", "RETURN", "REVOKE", "ROLLBACK", "UNDROP", "WHILE",
    ]

    /// An unsupported form named by the words from `start` up to (not including) the current token.
    func unsupportedForm(from start: Int) -> GoogleSQLSyntaxError {
        let words = tokens[start...index].map { $0.text.uppercased() }.joined(separator: " ")
        return GoogleSQLSyntaxError("Unsupported statement: \(words)", at: tokens[start].location, kind: .unsupported)
    }
}
