/// Operands: literals, parameters, names, calls, parentheses and the keyword-led forms.
extension Parser {
    mutating func parsePrimary() throws(GoogleSQLSyntaxError) -> Expression {
        let token = current
        let location = token.location
        switch token.kind {
        case .integerLiteral(let text):
            advance()
            return Expression(.literal(.integer(text)), at: location)
        case .floatLiteral(let text):
            advance()
            return Expression(.literal(.float(text)), at: location)
        case .stringLiteral(let value):
            advance()
            return Expression(.literal(.string(value)), at: location)
        case .bytesLiteral(let value):
            advance()
            return Expression(.literal(.bytes(value)), at: location)
        case .keyword(.null):
            advance()
            return Expression(.literal(.null), at: location)
        case .keyword(.true), .keyword(.false):
            advance()
            return Expression(.literal(.boolean(token.kind == .keyword(.true))), at: location)
        case .keyword(.case):
            return try parseCase()
        case .keyword(.cast):
            return try parseCast(isSafe: false)
        case .keyword(.extract):
            return try parseExtract()
        case .keyword(.interval):
            return try parseInterval()
        case .keyword(.array):
            return try parseArrayConstructor()
        case .keyword(.struct):
            return try parseStructConstructor()
        case .keyword(.exists):
            advance()
            return Expression(.exists(try parseParenthesizedQuery()), at: location)
        case .keyword(.range) where isSymbol(.less, at: 1):
            return try parseRangeLiteral()
        case .keyword(.if), .keyword(.left), .keyword(.right), .keyword(.grouping), .keyword(.collate), .keyword(.range):
            guard isSymbol(.leftParen, at: 1) else { throw unexpected() }
            advance()
            return try parseFunctionCall(named: PathExpression([Identifier(token.text, at: location)]))
        case .symbol(.leftParen):
            return try parseParenthesized()
        case .symbol(.leftBracket):
            return Expression(.array(ArrayLiteral(elementType: nil, elements: try parseArrayElements())), at: location)
        case .symbol(.at):
            return try parseNamedParameter()
        case .symbol(.question):
            advance()
            positionalParameterCount += 1
            return Expression(.parameter(.positional(positionalParameterCount - 1)), at: location)
        case .identifier(let name):
            return try parseNameLed(name.uppercased())
        case .quotedIdentifier:
            return try parsePathOrCall()
        default:
            throw unexpected()
        }
    }

    /// Operands led by an unquoted word: typed literals (`DATE '…'`), `SAFE_CAST(…)`, the
    /// parenthesis-free `CURRENT_DATE` family, names and calls.
    mutating func parseNameLed(_ word: String) throws(GoogleSQLSyntaxError) -> Expression {
        let location = current.location
        if case .stringLiteral(let value) = peek().kind, let type = Self.typedLiteralTypes[word] {
            advance()
            advance()
            return Expression(.literal(.typed(type, value)), at: location)
        }
        if word == "SAFE_CAST" && isSymbol(.leftParen, at: 1) { return try parseCast(isSafe: true) }
        if Self.parenthesisFreeFunctions.contains(word) && !isSymbol(.leftParen, at: 1) && !isSymbol(.dot, at: 1) {
            let name = try parseIdentifier()
            let call = FunctionCall(name: PathExpression([name]), isSafe: false, isDistinct: false, arguments: [],
                                    nullHandling: nil, orderBy: [], limit: nil, over: nil)
            return Expression(.function(call), at: location)
        }
        return try parsePathOrCall()
    }

    static let typedLiteralTypes: [String: TypedLiteralType] = [
        "DATE": .date, "DATETIME": .datetime, "TIME": .time, "TIMESTAMP": .timestamp,
        "NUMERIC": .numeric, "DECIMAL": .numeric, "BIGNUMERIC": .bignumeric, "BIGDECIMAL": .bignumeric, "JSON": .json,
    ]

    /// Functions BigQuery lets you call without parentheses.
    static let parenthesisFreeFunctions: Set<String> = ["CURRENT_DATE", "CURRENT_DATETIME", "CURRENT_TIME", "CURRENT_TIMESTAMP"]

    /// `a.b.c` or `a.b(…)`.
    mutating func parsePathOrCall() throws(GoogleSQLSyntaxError) -> Expression {
        let path = try parsePath()
        if isSymbol(.leftParen) { return try parseFunctionCall(named: path) }
        return Expression(.path(path), at: path.location)
    }

    /// `@name`; the name may be a reserved keyword or quoted.
    mutating func parseNamedParameter() throws(GoogleSQLSyntaxError) -> Expression {
        let at = advance()
        let name: String
        switch current.kind {
        case .identifier(let text), .quotedIdentifier(let text): name = text
        case .keyword: name = current.text
        default: throw unexpected()
        }
        advance()
        return Expression(.parameter(.named(name)), at: at.location)
    }

    /// `(expression)`, a tuple `(a, b)`, or a scalar subquery `(SELECT …)`.
    mutating func parseParenthesized() throws(GoogleSQLSyntaxError) -> Expression {
        let location = current.location
        if isKeyword(.select, at: 1) || isKeyword(.with, at: 1) {
            return Expression(.scalarSubquery(try parseParenthesizedQuery()), at: location)
        }
        if startsQuery(at: 1) {
            return try either({ parser throws(GoogleSQLSyntaxError) in
                Expression(.scalarSubquery(try parser.parseParenthesizedQuery()), at: location)
            }, or: { parser throws(GoogleSQLSyntaxError) in
                try parser.parseParenthesizedExpression()
            })
        }
        return try parseParenthesizedExpression()
    }

    mutating func parseParenthesizedExpression() throws(GoogleSQLSyntaxError) -> Expression {
        let open = try expect(.leftParen)
        let first = try parseExpression()
        guard accept(.comma) else {
            try expectListEnd()
            return first
        }
        var fields = [StructConstructor.Field(value: first, alias: nil)]
        repeat {
            fields.append(StructConstructor.Field(value: try parseExpression(), alias: nil))
        } while accept(.comma)
        try expectListEnd()
        return Expression(.structConstructor(StructConstructor(style: .tuple, type: nil, fields: fields)), at: open.location)
    }

    /// `(query)`, as after EXISTS and ARRAY and in scalar subqueries.
    mutating func parseParenthesizedQuery() throws(GoogleSQLSyntaxError) -> Query {
        try expect(.leftParen)
        let query = try parseQuery()
        try expect(.rightParen)
        return query
    }

    // MARK: Function calls

    /// `name(…)` with BigQuery's aggregate modifiers, then an optional `OVER`. A leading `SAFE.`
    /// component becomes `isSafe`.
    mutating func parseFunctionCall(named path: PathExpression) throws(GoogleSQLSyntaxError) -> Expression {
        var name = path
        var isSafe = false
        if name.components.count > 1, !name.components[0].isQuoted, name.components[0].name.uppercased() == "SAFE" {
            isSafe = true
            name.components.removeFirst()
        }
        try expect(.leftParen)
        var call = FunctionCall(name: name, isSafe: isSafe, isDistinct: false, arguments: [], nullHandling: nil,
                                orderBy: [], limit: nil, over: nil)
        if isSymbol(.star) && isSymbol(.rightParen, at: 1) {
            call.arguments = [Expression(.star, at: advance().location)]
        } else if !isSymbol(.rightParen) {
            call.isDistinct = accept(.distinct)
            call.arguments = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseExpression() }
            if accept(.ignore) {
                try expect(.nulls)
                call.nullHandling = .ignoreNulls
            } else if accept(.respect) {
                try expect(.nulls)
                call.nullHandling = .respectNulls
            }
            if accept(.order) {
                try expect(.by)
                call.orderBy = try parseOrderingTerms()
            }
            if accept(.limit) { call.limit = try parseExpression() }
        }
        try expectListEnd()
        if accept(.over) { call.over = try parseOverClause() }
        return Expression(.function(call), at: path.location)
    }
}
