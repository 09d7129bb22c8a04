/// Splits GoogleSQL text into tokens, following BigQuery's lexical rules (ZetaSQL's tokenizer).
public enum GoogleSQLLexer {
    /// All tokens of `sql`, comments and whitespace dropped, ending with an `.endOfInput` token placed
    /// just after the last token or comment (where BigQuery reports an unexpected end of script).
    public static func tokenize(_ sql: String) throws(GoogleSQLSyntaxError) -> [Token] {
        let lexed = Lexer.lex(sql)
        if let error = lexed.error { throw error }
        return lexed.tokens
    }

    /// The text of `sql` from `location` (a token's start) to the end, without trailing
    /// whitespace and semicolons: what the user wrote there (a view's query as typed).
    public static func text(of sql: String, from location: SourceLocation) -> String {
        let bytes = Array(sql.utf8)
        var cursor = Lexer.Cursor(offset: 0, location: SourceLocation(line: 1, column: 1))
        while cursor.offset < bytes.count, cursor.location < location { cursor = Lexer.step(cursor, over: bytes) }
        var end = bytes.count
        while end > cursor.offset, [0x20, 0x09, 0x0A, 0x0D, 0x3B].contains(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[cursor.offset..<end], as: UTF8.self)
    }
}

/// The lexer's output: the tokens it could read, then an end-of-input token. When the text cannot be
/// lexed, `error` says why and the end-of-input token stands where lexing stopped; the parser raises
/// the error only if it gets that far, so an earlier syntax error is still the one reported, as in
/// BigQuery, whose tokenizer runs lazily.
struct LexedSource {
    var tokens: [Token]
    var error: GoogleSQLSyntaxError?
}

struct Lexer {
    let bytes: [UInt8]
    var cursor = Cursor(offset: 0, location: SourceLocation(line: 1, column: 1))
    var tokens: [Token] = []
    /// Where the last token or comment ended.
    var lastEnd = SourceLocation(line: 1, column: 1)
    /// Set after a `.` that follows an identifier: the next word is an identifier whatever it is
    /// (`abc5.GROUP`, `t.2024_data`), as in ZetaSQL's DOT_IDENTIFIER mode.
    var expectsPathComponent = false

    /// A byte offset together with its line and column.
    struct Cursor {
        var offset: Int
        var location: SourceLocation
    }

    init(_ source: String) {
        bytes = Array(source.utf8)
    }

    static func lex(_ source: String) -> LexedSource {
        var lexer = Lexer(source)
        return lexer.run()
    }

    mutating func run() -> LexedSource {
        do throws(GoogleSQLSyntaxError) {
            while true {
                try skipTrivia()
                guard cursor.offset < bytes.count else { break }
                let token = try nextToken()
                tokens.append(token)
                lastEnd = cursor.location
            }
            tokens.append(Token(.endOfInput, text: "", location: lastEnd, start: bytes.count, end: bytes.count))
            return LexedSource(tokens: tokens, error: nil)
        } catch {
            tokens.append(Token(.endOfInput, text: "", location: error.location, start: cursor.offset, end: cursor.offset))
            return LexedSource(tokens: tokens, error: error)
        }
    }

    // MARK: Reading bytes

    func byte(at offset: Int) -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    var current: UInt8? { byte(at: cursor.offset) }

    func peek(_ distance: Int = 1) -> UInt8? { byte(at: cursor.offset + distance) }

    mutating func advance(_ count: Int = 1) {
        for _ in 0..<count { cursor = Self.step(cursor, over: bytes) }
    }

    /// Moves a cursor over one byte, keeping BigQuery's line and column: tabs stop every 8 columns,
    /// `\r\n`, `\n` and `\r` end lines, UTF-8 continuation bytes do not count.
    static func step(_ cursor: Cursor, over bytes: [UInt8]) -> Cursor {
        var next = cursor
        let byte = bytes[cursor.offset]
        next.offset += 1
        switch byte {
        case 0x0A:
            next.location = SourceLocation(line: cursor.location.line + 1, column: 1)
        case 0x0D where next.offset < bytes.count && bytes[next.offset] == 0x0A:
            break
        case 0x0D:
            next.location = SourceLocation(line: cursor.location.line + 1, column: 1)
        case 0x09:
            next.location.column = ((cursor.location.column - 1) / 8 + 1) * 8 + 1
        case 0x80...0xBF:
            break
        default:
            next.location.column += 1
        }
        return next
    }

    /// The location of a byte offset at or after `start`.
    func location(of offset: Int, from start: Cursor) -> SourceLocation {
        var walker = start
        while walker.offset < offset { walker = Self.step(walker, over: bytes) }
        return walker.location
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func isIdentifierStart(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func isIdentifierPart(_ byte: UInt8) -> Bool { isIdentifierStart(byte) || isDigit(byte) }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    // MARK: Whitespace and comments

    /// The byte length of the whitespace character at `offset`, or 0: ASCII spaces and controls, and
    /// the Unicode spaces ZetaSQL accepts (no-break, en/em and other typographic spaces).
    func whitespaceLength(at offset: Int) -> Int {
        guard let first = byte(at: offset) else { return 0 }
        switch first {
        case 0x20, 0x0A, 0x0D, 0x09, 0x08, 0x0C, 0x0B:
            return 1
        case 0xC2 where byte(at: offset + 1) == 0xA0:
            return 2
        case 0xE2:
            guard let second = byte(at: offset + 1), let third = byte(at: offset + 2) else { return 0 }
            if second == 0x80, (0x80...0x8A).contains(third) || third == 0xAF { return 3 }
            if second == 0x81, third == 0x9F { return 3 }
            return 0
        case 0xE3 where byte(at: offset + 1) == 0x80 && byte(at: offset + 2) == 0x80:
            return 3
        default:
            return 0
        }
    }

    mutating func skipTrivia() throws(GoogleSQLSyntaxError) {
        while let byte = current {
            let space = whitespaceLength(at: cursor.offset)
            if space > 0 {
                advance(space)
            } else if byte == UInt8(ascii: "#") || (byte == UInt8(ascii: "-") && peek() == UInt8(ascii: "-")) {
                skipLineComment()
            } else if byte == UInt8(ascii: "/") && peek() == UInt8(ascii: "*") {
                try skipBlockComment()
            } else {
                return
            }
        }
    }

    /// `#` and `--` comments run to the end of the line; the line break belongs to the comment.
    mutating func skipLineComment() {
        while let byte = current, byte != 0x0A, byte != 0x0D { advance() }
        if current == 0x0D { advance() }
        if current == 0x0A { advance() }
        lastEnd = cursor.location
    }

    /// `/* … */` comments do not nest.
    mutating func skipBlockComment() throws(GoogleSQLSyntaxError) {
        let start = cursor.location
        advance(2)
        while cursor.offset < bytes.count {
            if current == UInt8(ascii: "*") && peek() == UInt8(ascii: "/") {
                advance(2)
                lastEnd = cursor.location
                return
            }
            advance()
        }
        throw GoogleSQLSyntaxError("Syntax error: Unclosed comment", at: start)
    }

    // MARK: Tokens

    mutating func nextToken() throws(GoogleSQLSyntaxError) -> Token {
        let start = cursor
        let byte = bytes[cursor.offset]
        let pathComponent = expectsPathComponent
        expectsPathComponent = false

        if pathComponent && Self.isIdentifierPart(byte) {
            while let next = current, Self.isIdentifierPart(next) { advance() }
            let word = text(start.offset, cursor.offset)
            return Token(.identifier(word), text: word, location: start.location, start: start.offset, end: cursor.offset)
        }
        if Self.isIdentifierStart(byte) {
            if let prefix = stringPrefixLength(), let quote = peek(prefix), quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") {
                return try quotedLiteral(prefixLength: prefix)
            }
            return try word()
        }
        if Self.isDigit(byte) || (byte == UInt8(ascii: ".") && !followsIdentifier && peek().map(Self.isDigit) == true) {
            return try number()
        }
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return try quotedLiteral(prefixLength: 0)
        case UInt8(ascii: "`"):
            return try quotedIdentifier()
        default:
            return try symbol()
        }
    }

    /// Whether the previous token is an identifier, after which `.` starts a path component.
    var followsIdentifier: Bool {
        switch tokens.last?.kind {
        case .identifier?, .quotedIdentifier?: return true
        default: return false
        }
    }

    mutating func word() throws(GoogleSQLSyntaxError) -> Token {
        let start = cursor
        while let next = current, Self.isIdentifierPart(next) { advance() }
        let word = text(start.offset, cursor.offset)
        guard let keyword = Keywords.reserved[word.uppercased()] else {
            return Token(.identifier(word), text: word, location: start.location, start: start.offset, end: cursor.offset)
        }
        if keyword == .except && !exceptIsFollowedByItsContinuation() {
            throw GoogleSQLSyntaxError(#"EXCEPT must be followed by ALL, DISTINCT, or "(""#, at: start.location)
        }
        return Token(.keyword(keyword), text: word, location: start.location, start: start.offset, end: cursor.offset)
    }

    /// ZetaSQL's tokenizer only accepts EXCEPT before `(` (`* EXCEPT (a)`) or before ALL, DISTINCT or
    /// a hint (set operations), and rejects it anywhere else with its own message.
    func exceptIsFollowedByItsContinuation() -> Bool {
        var probe = self
        let before = probe.cursor.offset
        guard (try? probe.skipTrivia()) != nil, let next = probe.current else { return false }
        if next == UInt8(ascii: "(") { return true }
        guard probe.cursor.offset > before else { return false }
        if next == UInt8(ascii: "@") { return true }
        var end = probe.cursor.offset
        while let byte = probe.byte(at: end), Self.isIdentifierPart(byte) { end += 1 }
        let following = probe.text(probe.cursor.offset, end).uppercased()
        return following == "ALL" || following == "DISTINCT"
    }

    mutating func symbol() throws(GoogleSQLSyntaxError) -> Token {
        let start = cursor
        let first = bytes[cursor.offset]
        let second = peek()
        func pair(_ character: Character) -> Bool { second == character.asciiValue }
        let symbol: Symbol
        switch Character(Unicode.Scalar(first)) {
        case "(": symbol = .leftParen
        case ")": symbol = .rightParen
        case "[": symbol = .leftBracket
        case "]": symbol = .rightBracket
        case "{": symbol = .leftBrace
        case "}": symbol = .rightBrace
        case ",": symbol = .comma
        case ";": symbol = .semicolon
        case ":": symbol = .colon
        case "*": symbol = .star
        case "+": symbol = .plus
        case "/": symbol = .slash
        case "%": symbol = .percent
        case "~": symbol = .tilde
        case "^": symbol = .caret
        case "&": symbol = .ampersand
        case "?": symbol = .question
        case ".": symbol = .dot
        case "-": symbol = pair(">") ? .arrow : .minus
        case "|": symbol = pair("|") ? .concatenate : .pipe
        case "=": symbol = pair(">") ? .namedArgument : .equal
        case "!": symbol = pair("=") ? .notEqual : .exclamation
        case "@": symbol = pair("@") ? .doubleAt : .at
        case ">": symbol = pair("=") ? .greaterOrEqual : pair(">") ? .shiftRight : .greater
        case "<":
            if pair("=") {
                symbol = .lessOrEqual
            } else if pair("<") {
                symbol = .shiftLeft
            } else if pair(">") && !followsTypeConstructor {
                symbol = .lessOrGreater
            } else {
                symbol = .less
            }
        default:
            throw GoogleSQLSyntaxError("Syntax error: Illegal input character \"\(Self.cEscaped(first))\"", at: start.location)
        }
        advance(symbol.rawValue.utf8.count)
        if symbol == .dot && followsIdentifier { expectsPathComponent = true }
        return Token(.symbol(symbol), text: symbol.rawValue, location: start.location, start: start.offset, end: cursor.offset)
    }

    /// After ARRAY or STRUCT, `<>` is an empty type parameter list, not "not equal".
    var followsTypeConstructor: Bool {
        tokens.last?.kind == .keyword(.array) || tokens.last?.kind == .keyword(.struct)
    }

    /// A byte as C escapes it, which is how ZetaSQL quotes an illegal character.
    static func cEscaped(_ byte: UInt8) -> String {
        switch byte {
        case 0x0A: return "\\n"
        case 0x0D: return "\\r"
        case 0x09: return "\\t"
        case UInt8(ascii: "\\"): return "\\\\"
        case UInt8(ascii: "\""): return "\\\""
        case UInt8(ascii: "'"): return "\\'"
        case 0x20...0x7E: return String(Unicode.Scalar(byte))
        default:
            let octal = String(byte, radix: 8)
            return "\\" + String(repeating: "0", count: 3 - octal.count) + octal
        }
    }
}
