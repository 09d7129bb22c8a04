/// A recursive-descent parser over the lexer's tokens. The grammar is split by topic across the
/// `Parser+…` files; this one holds the cursor, the error wording and the shared small rules.
struct Parser {
    private(set) var tokens: [Token]
    /// Why lexing stopped early, raised only when the parser reaches that point.
    let lexError: GoogleSQLSyntaxError?
    var index = 0
    /// `?` parameters seen so far, which numbers them.
    var positionalParameterCount = 0
    /// How deeply the rules being parsed nest (parentheses, subqueries, types, unary chains).
    var nesting = 0

    /// Recursion depth beyond which the parser refuses the text rather than risk the stack of the
    /// thread it runs on (a few hundred kilobytes on a Swift concurrency thread).
    static let maximumNesting = 100

    init(_ source: LexedSource) {
        tokens = source.tokens
        lexError = source.error
    }

    // MARK: Cursor

    var current: Token { tokens[index] }

    func peek(_ distance: Int = 1) -> Token { tokens[min(index + distance, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return token
    }

    func isKeyword(_ keyword: Keyword, at distance: Int = 0) -> Bool {
        peek(distance).kind == .keyword(keyword)
    }

    /// Whether the token is the unquoted non-reserved keyword `word` (given in uppercase).
    func isWord(_ word: String, at distance: Int = 0) -> Bool {
        guard case .identifier(let name) = peek(distance).kind else { return false }
        return name.uppercased() == word
    }

    func isSymbol(_ symbol: Symbol, at distance: Int = 0) -> Bool {
        peek(distance).kind == .symbol(symbol)
    }

    var isAtEndOfInput: Bool { current.kind == .endOfInput }

    mutating func accept(_ keyword: Keyword) -> Bool {
        guard isKeyword(keyword) else { return false }
        advance()
        return true
    }

    mutating func accept(word: String) -> Bool {
        guard isWord(word) else { return false }
        advance()
        return true
    }

    mutating func accept(_ symbol: Symbol) -> Bool {
        guard isSymbol(symbol) else { return false }
        advance()
        return true
    }

    @discardableResult
    mutating func expect(_ keyword: Keyword) throws(GoogleSQLSyntaxError) -> Token {
        guard isKeyword(keyword) else { throw expected("keyword \(keyword.rawValue)") }
        return advance()
    }

    @discardableResult
    mutating func expect(word: String) throws(GoogleSQLSyntaxError) -> Token {
        guard isWord(word) else { throw expected("keyword \(word)") }
        return advance()
    }

    @discardableResult
    mutating func expect(_ symbol: Symbol) throws(GoogleSQLSyntaxError) -> Token {
        guard isSymbol(symbol) else { throw expected("\"\(symbol.rawValue)\"") }
        return advance()
    }

    /// Closes `ARRAY<…>`, `STRUCT<…>` or `RANGE<…>`, splitting a `>>` that closes two of them.
    mutating func expectClosingAngle(orComma: Bool = false) throws(GoogleSQLSyntaxError) {
        if accept(.greater) { return }
        guard isSymbol(.shiftRight) else { throw orComma ? expected("\">\"", "\",\"") : expected("\">\"") }
        var rest = current
        rest.kind = .symbol(.greater)
        rest.text = ">"
        rest.location.column += 1
        rest.start += 1
        tokens[index] = rest
    }

    mutating func expectEndOfInput() throws(GoogleSQLSyntaxError) {
        guard isAtEndOfInput else { throw expected("end of input") }
        if let lexError { throw lexError }
    }

    /// Enters one nesting level; pair with `defer { nesting -= 1 }`.
    mutating func enterNesting() throws(GoogleSQLSyntaxError) {
        nesting += 1
        guard nesting <= Self.maximumNesting else {
            throw GoogleSQLSyntaxError("Nesting is too deep: more than \(Self.maximumNesting) levels of parentheses, subqueries or types",
                                       at: current.location, kind: .unsupported)
        }
    }

    // MARK: Errors

    /// `Syntax error: Unexpected <token>` at the current token.
    func unexpected() -> GoogleSQLSyntaxError {
        if let pending = pendingLexError { return pending }
        if current.kind == .keyword(.over) {
            return GoogleSQLSyntaxError("Syntax error: OVER keyword must follow a function call", at: current.location)
        }
        return GoogleSQLSyntaxError("Syntax error: Unexpected \(current.errorDescription)", at: current.location)
    }

    /// `Syntax error: Expected A or B but got <token>`, the expectations sorted as ZetaSQL sorts them.
    func expected(_ expectations: String...) -> GoogleSQLSyntaxError {
        if let pending = pendingLexError { return pending }
        if current.kind == .keyword(.over) { return unexpected() }
        let list = Set(expectations).sorted().joined(separator: " or ")
        return GoogleSQLSyntaxError("Syntax error: Expected \(list) but got \(current.errorDescription)", at: current.location)
    }

    func error(_ message: String, at location: SourceLocation) -> GoogleSQLSyntaxError {
        pendingLexError ?? GoogleSQLSyntaxError(message, at: location)
    }

    /// The lexer's error, once the parser stands where lexing stopped.
    var pendingLexError: GoogleSQLSyntaxError? {
        isAtEndOfInput ? lexError : nil
    }

    // MARK: Backtracking

    /// Runs `body`; on failure, rewinds to where it started and returns the error instead.
    mutating func attempt<T>(_ body: (inout Parser) throws(GoogleSQLSyntaxError) -> T) -> Result<T, GoogleSQLSyntaxError> {
        let saved = self
        do throws(GoogleSQLSyntaxError) {
            return .success(try body(&self))
        } catch {
            self = saved
            return .failure(error)
        }
    }

    /// Tries `first`, then `second`; if both fail, the error that got further into the text wins.
    mutating func either<T>(
        _ first: (inout Parser) throws(GoogleSQLSyntaxError) -> T,
        or second: (inout Parser) throws(GoogleSQLSyntaxError) -> T
    ) throws(GoogleSQLSyntaxError) -> T {
        switch attempt(first) {
        case .success(let value):
            return value
        case .failure(let firstError):
            switch attempt(second) {
            case .success(let value): return value
            case .failure(let secondError): throw secondError.location >= firstError.location ? secondError : firstError
            }
        }
    }

    // MARK: Identifiers and paths

    /// Whether the token can be a name: an unquoted identifier (non-reserved keywords included) or a
    /// quoted one.
    func isIdentifier(at distance: Int = 0) -> Bool {
        switch peek(distance).kind {
        case .identifier, .quotedIdentifier: return true
        default: return false
        }
    }

    mutating func parseIdentifier() throws(GoogleSQLSyntaxError) -> Identifier {
        let token = current
        switch token.kind {
        case .identifier(let name):
            advance()
            return Identifier(name, at: token.location)
        case .quotedIdentifier(let name):
            advance()
            return Identifier(name, isQuoted: true, at: token.location)
        default:
            throw unexpected()
        }
    }

    /// A name after a `.`: reserved keywords are names there too (`t.select`, `abc5.GROUP`).
    mutating func parsePathComponent() throws(GoogleSQLSyntaxError) -> Identifier {
        if case .keyword = current.kind {
            let token = advance()
            return Identifier(token.text, at: token.location)
        }
        return try parseIdentifier()
    }

    /// `a`, `a.b.c`.
    mutating func parsePath() throws(GoogleSQLSyntaxError) -> PathExpression {
        var components = [try parseIdentifier()]
        while isSymbol(.dot) && !isSymbol(.star, at: 1) {
            advance()
            components.append(try parsePathComponent())
        }
        return PathExpression(components)
    }

    /// A table name: a path whose first component may be an unquoted dashed name, BigQuery's way of
    /// writing project ids (`my-project.dataset.table`, `my-project-123.dataset.table`).
    mutating func parseTablePath() throws(GoogleSQLSyntaxError) -> PathExpression {
        guard case .identifier = current.kind, isSymbol(.minus, at: 1) else { return try parsePath() }
        let first = advance()
        var name = first.text
        var end = first.end
        var continuesWithDot = false
        while isSymbol(.minus), current.start == end, peek().start == current.end {
            let part = peek()
            switch part.kind {
            case .identifier, .integerLiteral:
                name += "-" + part.text
            case .floatLiteral(let text) where text.hasSuffix(".") && text.dropLast().allSatisfy(\.isNumber):
                name += "-" + text.dropLast()
                continuesWithDot = true
            default:
                throw error("Syntax error: Unexpected \(part.errorDescription)", at: part.location)
            }
            advance()
            end = advance().end
            if continuesWithDot { break }
        }
        var components = [Identifier(name, at: first.location)]
        if continuesWithDot { components.append(try parsePathComponent()) }
        while isSymbol(.dot) {
            advance()
            components.append(try parsePathComponent())
        }
        return PathExpression(components)
    }

    /// `[AS] alias`: without AS, only an identifier token is an alias.
    mutating func parseOptionalAlias() throws(GoogleSQLSyntaxError) -> Identifier? {
        if accept(.as) { return try parseIdentifier() }
        return isIdentifier() ? try parseIdentifier() : nil
    }

    /// `(a, b, c)`: a parenthesised, non-empty list of names.
    mutating func parseIdentifierList() throws(GoogleSQLSyntaxError) -> [Identifier] {
        try expect(.leftParen)
        var names = [try parseIdentifier()]
        while accept(.comma) { names.append(try parseIdentifier()) }
        try expectListEnd()
        return names
    }

    /// The `)` closing a comma-separated list.
    mutating func expectListEnd() throws(GoogleSQLSyntaxError) {
        guard accept(.rightParen) else { throw expected("\")\"", "\",\"") }
    }

    /// `item, item, …` with at least one item and no trailing comma.
    mutating func parseCommaSeparated<T>(_ item: (inout Parser) throws(GoogleSQLSyntaxError) -> T) throws(GoogleSQLSyntaxError) -> [T] {
        var items = [try item(&self)]
        while accept(.comma) { items.append(try item(&self)) }
        return items
    }

    /// Whether a query starts here, possibly behind opening parentheses: `SELECT`, `WITH`, `((SELECT`.
    func startsQuery(at distance: Int = 0) -> Bool {
        var offset = distance
        while isSymbol(.leftParen, at: offset) { offset += 1 }
        return isKeyword(.select, at: offset) || isKeyword(.with, at: offset)
    }
}
