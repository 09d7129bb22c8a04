/// Canonical GoogleSQL text of syntax trees: keywords in uppercase, names quoted only when needed,
/// and every operator expression in parentheses so that the tree's grouping shows (`-2 * 3 + 4`
/// renders as `(((-2) * 3) + 4)`). Parsing the rendering gives back the same tree shape.
extension Statement {
    public var sql: String { SQLRenderer.statement(self) }
}

extension Query {
    public var sql: String { SQLRenderer.query(self) }
}

extension Expression {
    public var sql: String { SQLRenderer.expression(self) }
}

extension TableExpression {
    public var sql: String { SQLRenderer.tableExpression(self) }
}

extension TypeName {
    public var sql: String { SQLRenderer.type(self) }
}

enum SQLRenderer {
    static func list<T>(_ items: [T], _ render: (T) -> String) -> String {
        items.map(render).joined(separator: ", ")
    }

    static func identifier(_ identifier: Identifier) -> String {
        name(identifier.name)
    }

    /// A name, in backticks unless it is a plain identifier that is not a reserved keyword.
    static func name(_ name: String) -> String {
        let bytes = Array(name.utf8)
        let isPlain = bytes.first.map(Lexer.isIdentifierStart) == true && bytes.allSatisfy(Lexer.isIdentifierPart)
        if isPlain && Keywords.reserved[name.uppercased()] == nil { return name }
        return "`" + escaped(name, quote: "`") + "`"
    }

    static func path(_ path: PathExpression) -> String {
        path.components.map(identifier).joined(separator: ".")
    }

    /// Escapes a string for a quoted literal or identifier.
    static func escaped(_ text: String, quote: Character) -> String {
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case Unicode.Scalar(String(quote))!: result += "\\" + String(quote)
            case _ where character.value < 0x20 || character.value == 0x7F:
                result += "\\x" + hex(UInt8(character.value))
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }

    static func stringLiteral(_ text: String) -> String {
        "'" + escaped(text, quote: "'") + "'"
    }

    static func bytesLiteral(_ bytes: [UInt8]) -> String {
        var result = "b'"
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): result += "\\\\"
            case UInt8(ascii: "'"): result += "\\'"
            case 0x20...0x7E: result += String(Unicode.Scalar(byte))
            default: result += "\\x" + hex(byte)
            }
        }
        return result + "'"
    }
}
