/// One lexical token of GoogleSQL, with its source text and location.
public struct Token: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// An unquoted identifier, including every non-reserved keyword (`DATE`, `TABLE`, `INSERT`…);
        /// the parser recognises those by their text where the grammar gives them a meaning.
        case identifier(String)
        /// A backtick-quoted identifier, unescaped. It may hold dots and dashes (`my-project.dataset.t`)
        /// that the resolver splits.
        case quotedIdentifier(String)
        /// A reserved keyword, which can only be an identifier when quoted.
        case keyword(Keyword)
        /// An integer literal as written: decimal digits or `0x` hex. Kept as text so that values
        /// beyond INT64 (and the sign folding of `-9223372036854775808`) stay the next layer's call.
        case integerLiteral(String)
        /// A floating-point literal as written (`1.5`, `.5`, `58.`, `4e2`).
        case floatLiteral(String)
        /// A string literal, quotes removed and escapes decoded (raw strings keep their backslashes).
        case stringLiteral(String)
        /// A bytes literal, decoded.
        case bytesLiteral([UInt8])
        case symbol(Symbol)
        case endOfInput
    }

    public var kind: Kind
    /// The token's text in the source, verbatim.
    public var text: String
    public var location: SourceLocation
    /// UTF-8 offsets of the token in the source, for adjacency checks (`my-project` is three
    /// adjacent tokens, `my - project` is not a dashed name).
    var start: Int
    var end: Int

    init(_ kind: Kind, text: String, location: SourceLocation, start: Int, end: Int) {
        self.kind = kind
        self.text = text
        self.location = location
        self.start = start
        self.end = end
    }
}

/// Punctuation and operators.
public enum Symbol: String, Hashable, Sendable, CaseIterable {
    case leftParen = "(", rightParen = ")", leftBracket = "[", rightBracket = "]", leftBrace = "{", rightBrace = "}"
    case comma = ",", dot = ".", semicolon = ";", colon = ":"
    case star = "*", plus = "+", minus = "-", slash = "/", percent = "%", tilde = "~"
    case caret = "^", ampersand = "&", pipe = "|", concatenate = "||"
    case equal = "=", notEqual = "!=", lessOrGreater = "<>", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case shiftLeft = "<<", shiftRight = ">>"
    case at = "@", doubleAt = "@@", question = "?", exclamation = "!"
    case namedArgument = "=>", arrow = "->"
}

extension Token {
    /// How BigQuery names this token in a syntax error: `keyword FROM`, `identifier "foo"`,
    /// `integer literal "5"`, `string literal 'x'`, `"("`, `end of script`.
    var errorDescription: String {
        switch kind {
        case .endOfInput:
            return "end of script"
        case .keyword(let keyword):
            return "keyword \(keyword.rawValue)"
        case .identifier(let name):
            if Keywords.nonReserved.contains(name.uppercased()) { return "keyword \(name.uppercased())" }
            return "identifier \"\(text)\""
        case .quotedIdentifier:
            return "identifier \(text)"
        case .integerLiteral:
            return "integer literal \"\(text)\""
        case .floatLiteral:
            return "floating point literal \"\(text)\""
        case .stringLiteral:
            return "string literal \(Self.shortened(Self.escapingNewlines(text)))"
        case .bytesLiteral:
            return "bytes literal \(Self.shortened(Self.escapingNewlines(text)))"
        case .symbol:
            return "\"\(text)\""
        }
    }

    private static func escapingNewlines(_ text: String) -> String {
        text.replacing("\r", with: "\\r").replacing("\n", with: "\\n")
    }

    /// ZetaSQL cuts a literal longer than 64 bytes to 64, marking the cut with `...` before the
    /// closing quotes.
    private static func shortened(_ literal: String) -> String {
        let limit = 64
        let bytes = Array(literal.utf8)
        guard bytes.count >= limit else { return literal }
        let lowered = literal.lowercased()
        let tripleQuoted = ["'''", "\"\"\""].contains { quote in
            ["", "r", "b", "rb", "br"].contains { lowered.hasPrefix($0 + quote) }
        }
        let closing = tripleQuoted ? 3 : 1
        var excerpt = limit - closing
        guard excerpt <= bytes.count - closing - 4 else { return literal }
        while excerpt > 0, String(validating: bytes[..<excerpt], as: UTF8.self) == nil { excerpt -= 1 }
        let head = String(decoding: bytes[..<excerpt], as: UTF8.self)
        let tail = String(decoding: bytes[(bytes.count - closing)...], as: UTF8.self)
        return head + "..." + tail
    }
}
