/// Numbers, string and bytes literals, and backtick-quoted identifiers.
extension Lexer {
    // MARK: Numbers

    /// `123`, `0x1F`, `1.5`, `.5`, `58.`, `4e2`, `1.2E-3`. A letter right after a number is BigQuery's
    /// "Missing whitespace between literal and alias" (`123abc`), except after a trailing dot (`123.abc`).
    mutating func number() throws(GoogleSQLSyntaxError) -> Token {
        let start = cursor
        if current == UInt8(ascii: "0"), let x = peek(), x | 0x20 == UInt8(ascii: "x"), peek(2).map(Self.isHexDigit) == true {
            advance(2)
            while let next = current, Self.isHexDigit(next) { advance() }
            try rejectAdjacentLetter()
            let literal = text(start.offset, cursor.offset)
            return Token(.integerLiteral(literal), text: literal, location: start.location, start: start.offset, end: cursor.offset)
        }
        var isFloat = false
        while let next = current, Self.isDigit(next) { advance() }
        if current == UInt8(ascii: ".") {
            isFloat = true
            advance()
            while let next = current, Self.isDigit(next) { advance() }
        }
        if let e = current, e | 0x20 == UInt8(ascii: "e") {
            let sign = peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") ? 1 : 0
            if peek(1 + sign).map(Self.isDigit) == true {
                isFloat = true
                advance(1 + sign)
                while let next = current, Self.isDigit(next) { advance() }
            }
        }
        let literal = text(start.offset, cursor.offset)
        if !isFloat || literal.last?.isNumber == true { try rejectAdjacentLetter() }
        let kind: Token.Kind = isFloat ? .floatLiteral(literal) : .integerLiteral(literal)
        return Token(kind, text: literal, location: start.location, start: start.offset, end: cursor.offset)
    }

    func rejectAdjacentLetter() throws(GoogleSQLSyntaxError) {
        if let next = current, Self.isIdentifierStart(next) {
            throw GoogleSQLSyntaxError("Syntax error: Missing whitespace between literal and alias", at: cursor.location)
        }
    }

    // MARK: Strings and bytes

    /// The length of an `r`, `b`, `rb` or `br` prefix (any case) at the cursor, if one is there.
    func stringPrefixLength() -> Int? {
        func letter(_ offset: Int) -> UInt8? { byte(at: cursor.offset + offset).map { $0 | 0x20 } }
        let r = UInt8(ascii: "r"), b = UInt8(ascii: "b")
        switch (letter(0), letter(1)) {
        case (r, b), (b, r): return 2
        case (r, _), (b, _): return 1
        default: return nil
        }
    }

    /// A quoted literal, its prefix (r, b, rb, br) included: `'…'`, `"…"`, `'''…'''`, `"""…"""`.
    mutating func quotedLiteral(prefixLength: Int) throws(GoogleSQLSyntaxError) -> Token {
        let start = cursor
        let prefix = text(start.offset, start.offset + prefixLength).lowercased()
        let isRaw = prefix.contains("r")
        let isBytes = prefix.contains("b")
        advance(prefixLength)
        let quote = current!
        let isTriple = peek() == quote && peek(2) == quote
        let delimiter = isTriple ? 3 : 1
        advance(delimiter)
        let bodyStart = cursor.offset
        while true {
            guard let next = current else { throw unclosed(isTriple: isTriple, isRaw: isRaw, isBytes: isBytes, at: start.location) }
            if next == UInt8(ascii: "\\") {
                guard cursor.offset + 1 < bytes.count else {
                    throw unclosed(isTriple: isTriple, isRaw: isRaw, isBytes: isBytes, at: start.location)
                }
                advance(2)
            } else if next == quote && (!isTriple || (peek() == quote && peek(2) == quote)) {
                break
            } else if !isTriple && (next == 0x0A || next == 0x0D) {
                throw unclosed(isTriple: isTriple, isRaw: isRaw, isBytes: isBytes, at: start.location)
            } else {
                advance()
            }
        }
        let bodyEnd = cursor.offset
        advance(delimiter)
        var decoder = EscapeDecoder(bytes: bytes, range: bodyStart..<bodyEnd, isRaw: isRaw, isBytes: isBytes)
        let decoded: [UInt8]
        do throws(EscapeDecoder.Failure) {
            decoded = try decoder.decode()
        } catch {
            throw GoogleSQLSyntaxError("Syntax error: \(error.message)", at: location(of: error.offset, from: start))
        }
        let literal = text(start.offset, cursor.offset)
        let kind: Token.Kind = isBytes ? .bytesLiteral(decoded) : .stringLiteral(String(decoding: decoded, as: UTF8.self))
        return Token(kind, text: literal, location: start.location, start: start.offset, end: cursor.offset)
    }

    func unclosed(isTriple: Bool, isRaw: Bool, isBytes: Bool, at location: SourceLocation) -> GoogleSQLSyntaxError {
        let words = [isTriple ? "triple-quoted" : nil, isRaw ? "raw" : nil, isBytes ? "bytes" : "string"].compactMap { $0 }
        return GoogleSQLSyntaxError("Syntax error: Unclosed \(words.joined(separator: " ")) literal", at: location)
    }

    // MARK: Quoted identifiers

    /// `` `my-project.dataset.table` ``: any characters but a line break, with string escapes.
    mutating func quotedIdentifier() throws(GoogleSQLSyntaxError) -> Token {
        let start = cursor
        advance()
        let bodyStart = cursor.offset
        while true {
            guard let next = current, next != 0x0A, next != 0x0D else {
                throw GoogleSQLSyntaxError("Syntax error: Unclosed identifier literal", at: start.location)
            }
            if next == UInt8(ascii: "`") { break }
            if next == UInt8(ascii: "\\") {
                guard cursor.offset + 1 < bytes.count else {
                    throw GoogleSQLSyntaxError("Syntax error: Unclosed identifier literal", at: start.location)
                }
                advance(2)
            } else {
                advance()
            }
        }
        let bodyEnd = cursor.offset
        advance()
        guard bodyEnd > bodyStart else {
            throw GoogleSQLSyntaxError("Syntax error: Invalid empty identifier", at: start.location)
        }
        var decoder = EscapeDecoder(bytes: bytes, range: bodyStart..<bodyEnd, isRaw: false, isBytes: false)
        let decoded: [UInt8]
        do throws(EscapeDecoder.Failure) {
            decoded = try decoder.decode()
        } catch {
            throw GoogleSQLSyntaxError("Syntax error: \(error.message)", at: location(of: error.offset, from: start))
        }
        let literal = text(start.offset, cursor.offset)
        let name = String(decoding: decoded, as: UTF8.self)
        return Token(.quotedIdentifier(name), text: literal, location: start.location, start: start.offset, end: cursor.offset)
    }
}
