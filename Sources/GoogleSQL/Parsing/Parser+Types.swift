/// Types: `INT64`, `STRING(10)`, `NUMERIC(10, 2)`, `ARRAY<T>`, `STRUCT<a INT64, b STRING>`,
/// `RANGE<DATE>`, `INTERVAL`.
extension Parser {
    /// A type; with `allowsFieldAttributes`, STRUCT fields may carry `NOT NULL` and `OPTIONS(…)` as
    /// in column schemas.
    mutating func parseType(allowsFieldAttributes: Bool = false) throws(GoogleSQLSyntaxError) -> TypeName {
        try enterNesting()
        defer { nesting -= 1 }
        let token = current
        switch token.kind {
        case .keyword(.array):
            advance()
            try expect(.less)
            let element = try parseType(allowsFieldAttributes: allowsFieldAttributes)
            try expectClosingAngle()
            return TypeName(kind: .array(element), location: token.location)
        case .keyword(.struct):
            advance()
            try expect(.less)
            var fields: [TypeName.StructField] = []
            if !isSymbol(.greater) && !isSymbol(.shiftRight) {
                fields = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
                    try parser.parseStructField(allowsAttributes: allowsFieldAttributes)
                }
            }
            try expectClosingAngle(orComma: !fields.isEmpty)
            return TypeName(kind: .struct(fields), location: token.location)
        case .keyword(.range):
            advance()
            try expect(.less)
            let element = try parseType()
            try expectClosingAngle()
            return TypeName(kind: .range(element), location: token.location)
        case .keyword(.interval):
            advance()
            return TypeName(kind: .named(token.text, parameters: []), location: token.location)
        case .identifier, .quotedIdentifier:
            let name = try parseIdentifier()
            var parameters: [Int] = []
            if accept(.leftParen) {
                parameters = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseTypeParameter() }
                try expectListEnd()
            }
            return TypeName(kind: .named(name.name, parameters: parameters), location: token.location)
        default:
            throw unexpected()
        }
    }

    mutating func parseTypeParameter() throws(GoogleSQLSyntaxError) -> Int {
        guard case .integerLiteral(let text) = current.kind, let value = Int(text) else { throw unexpected() }
        advance()
        return value
    }

    /// `[name] type [NOT NULL] [OPTIONS(…)]`: a name is present when a type follows it.
    mutating func parseStructField(allowsAttributes: Bool) throws(GoogleSQLSyntaxError) -> TypeName.StructField {
        let location = current.location
        var name: Identifier?
        if isIdentifier() && startsType(at: 1) { name = try parseIdentifier() }
        let type = try parseType(allowsFieldAttributes: allowsAttributes)
        var field = TypeName.StructField(name: name, type: type, isNotNull: false, options: [], location: location)
        if allowsAttributes {
            if isKeyword(.not) && isKeyword(.null, at: 1) {
                advance()
                advance()
                field.isNotNull = true
            }
            if isWord("OPTIONS") { field.options = try parseOptions() }
        }
        return field
    }

    func startsType(at distance: Int) -> Bool {
        switch peek(distance).kind {
        case .identifier, .quotedIdentifier, .keyword(.array), .keyword(.struct), .keyword(.range), .keyword(.interval):
            return true
        default:
            return false
        }
    }
}
