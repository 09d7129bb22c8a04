/// Operator expressions, by BigQuery's precedence, lowest first:
/// OR; AND; NOT; comparisons (`=`, `<`, `LIKE`, `BETWEEN`, `IN`, `IS`…, not associative); `|`; `^`;
/// `&`; `<<` `>>`; `+` `-`; `*` `/` `||`; unary `+` `-` `~`; then field access and subscripts.
/// Binary operators of one level associate to the left. A node's location is where its text starts.
extension Parser {
    mutating func parseExpression() throws(GoogleSQLSyntaxError) -> Expression {
        try enterNesting()
        defer { nesting -= 1 }
        return try parseOr()
    }

    mutating func parseOr() throws(GoogleSQLSyntaxError) -> Expression {
        var left = try parseAnd()
        while accept(.or) {
            left = Expression(.binary(.or, left, try parseAnd()), at: left.location)
        }
        return left
    }

    mutating func parseAnd() throws(GoogleSQLSyntaxError) -> Expression {
        var left = try parseNot()
        while accept(.and) {
            left = Expression(.binary(.and, left, try parseNot()), at: left.location)
        }
        return left
    }

    mutating func parseNot() throws(GoogleSQLSyntaxError) -> Expression {
        guard isKeyword(.not) else { return try parseComparison() }
        try enterNesting()
        defer { nesting -= 1 }
        let not = advance()
        return Expression(.unary(.not, try parseNot()), at: not.location)
    }

    // MARK: Comparisons

    /// One comparison at most: `a = b = c` is an error, as in BigQuery.
    mutating func parseComparison() throws(GoogleSQLSyntaxError) -> Expression {
        let left = try parseBitwiseOr()
        guard startsComparison else { return left }
        let comparison = try parseComparison(after: left)
        if startsComparison { throw unexpected() }
        return comparison
    }

    var startsComparison: Bool {
        switch current.kind {
        case .symbol(.equal), .symbol(.notEqual), .symbol(.lessOrGreater), .symbol(.less), .symbol(.greater),
             .symbol(.lessOrEqual), .symbol(.greaterOrEqual),
             .keyword(.like), .keyword(.between), .keyword(.in), .keyword(.is):
            return true
        case .keyword(.not):
            return isKeyword(.like, at: 1) || isKeyword(.between, at: 1) || isKeyword(.in, at: 1)
        default:
            return false
        }
    }

    mutating func parseComparison(after left: Expression) throws(GoogleSQLSyntaxError) -> Expression {
        if case .symbol(let symbol) = current.kind, let comparison = Self.comparisonOperators[symbol] {
            advance()
            return Expression(.binary(comparison, left, try parseBitwiseOr()), at: left.location)
        }
        if accept(.is) { return try parseIsTest(after: left) }
        let isNegated = accept(.not)
        if accept(.like) {
            return Expression(.binary(isNegated ? .notLike : .like, left, try parseBitwiseOr()), at: left.location)
        }
        if accept(.between) { return try parseBetween(after: left, isNegated: isNegated) }
        try expect(.in)
        return try parseIn(after: left, isNegated: isNegated)
    }

    static let comparisonOperators: [Symbol: BinaryOperator] = [
        .equal: .equal, .notEqual: .notEqual, .lessOrGreater: .notEqual, .less: .less, .greater: .greater,
        .lessOrEqual: .lessOrEqual, .greaterOrEqual: .greaterOrEqual,
    ]

    /// `IS [NOT] NULL|TRUE|FALSE` and `IS [NOT] DISTINCT FROM x`.
    mutating func parseIsTest(after left: Expression) throws(GoogleSQLSyntaxError) -> Expression {
        let isNegated = accept(.not)
        let test: IsTest
        switch current.kind {
        case .keyword(.null): test = .null
        case .keyword(.true): test = .true
        case .keyword(.false): test = .false
        case .keyword(.distinct):
            advance()
            try expect(.from)
            return Expression(.isDistinctFrom(left, try parseBitwiseOr(), isNegated: isNegated), at: left.location)
        default:
            throw expected("keyword NULL", "keyword TRUE", "keyword FALSE", "keyword DISTINCT")
        }
        advance()
        return Expression(.isTest(left, test, isNegated: isNegated), at: left.location)
    }

    /// `x [NOT] BETWEEN lower AND upper`. The bounds are bitwise-or expressions; a comparison, NOT
    /// or OR in the lower bound needs parentheses, with BigQuery's message.
    mutating func parseBetween(after left: Expression, isNegated: Bool) throws(GoogleSQLSyntaxError) -> Expression {
        let lowerStart = current.location
        if isKeyword(.not) { throw error("Syntax error: Expression in BETWEEN must be parenthesized", at: lowerStart) }
        let lower = try parseBitwiseOr()
        guard accept(.and) else {
            if startsComparison || isKeyword(.or) {
                throw error("Syntax error: Expression in BETWEEN must be parenthesized", at: lowerStart)
            }
            throw unexpected()
        }
        let upper = try parseBitwiseOr()
        return Expression(.between(left, lower: lower, upper: upper, isNegated: isNegated), at: left.location)
    }

    /// `x [NOT] IN (a, b)`, `x IN (SELECT …)`, `x IN UNNEST(array)`.
    mutating func parseIn(after left: Expression, isNegated: Bool) throws(GoogleSQLSyntaxError) -> Expression {
        if accept(.unnest) {
            try expect(.leftParen)
            let array = try parseExpression()
            try expect(.rightParen)
            return Expression(.inUnnest(left, array, isNegated: isNegated), at: left.location)
        }
        guard isSymbol(.leftParen) else { throw expected("\"(\"", "keyword UNNEST") }
        let subquery = { (parser: inout Parser) throws(GoogleSQLSyntaxError) -> Expression in
            Expression(.inSubquery(left, try parser.parseParenthesizedQuery(), isNegated: isNegated), at: left.location)
        }
        let list = { (parser: inout Parser) throws(GoogleSQLSyntaxError) -> Expression in
            try parser.expect(.leftParen)
            let values = try parser.parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseExpression() }
            try parser.expectListEnd()
            return Expression(.inList(left, values, isNegated: isNegated), at: left.location)
        }
        if isKeyword(.select, at: 1) || isKeyword(.with, at: 1) { return try subquery(&self) }
        if startsQuery(at: 1) { return try either(subquery, or: list) }
        return try list(&self)
    }

    // MARK: Arithmetic and bitwise levels

    mutating func parseBitwiseOr() throws(GoogleSQLSyntaxError) -> Expression {
        try parseBinaryLevel([.pipe: .bitwiseOr]) { parser throws(GoogleSQLSyntaxError) in try parser.parseBitwiseXor() }
    }

    mutating func parseBitwiseXor() throws(GoogleSQLSyntaxError) -> Expression {
        try parseBinaryLevel([.caret: .bitwiseXor]) { parser throws(GoogleSQLSyntaxError) in try parser.parseBitwiseAnd() }
    }

    mutating func parseBitwiseAnd() throws(GoogleSQLSyntaxError) -> Expression {
        try parseBinaryLevel([.ampersand: .bitwiseAnd]) { parser throws(GoogleSQLSyntaxError) in try parser.parseShift() }
    }

    mutating func parseShift() throws(GoogleSQLSyntaxError) -> Expression {
        try parseBinaryLevel([.shiftLeft: .shiftLeft, .shiftRight: .shiftRight]) { parser throws(GoogleSQLSyntaxError) in
            try parser.parseAdditive()
        }
    }

    mutating func parseAdditive() throws(GoogleSQLSyntaxError) -> Expression {
        try parseBinaryLevel([.plus: .add, .minus: .subtract]) { parser throws(GoogleSQLSyntaxError) in
            try parser.parseMultiplicative()
        }
    }

    mutating func parseMultiplicative() throws(GoogleSQLSyntaxError) -> Expression {
        try parseBinaryLevel([.star: .multiply, .slash: .divide, .concatenate: .concatenate]) { parser throws(GoogleSQLSyntaxError) in
            try parser.parseUnary()
        }
    }

    /// One left-associative level: `operand (op operand)*`.
    mutating func parseBinaryLevel(
        _ operators: [Symbol: BinaryOperator],
        operand: (inout Parser) throws(GoogleSQLSyntaxError) -> Expression
    ) throws(GoogleSQLSyntaxError) -> Expression {
        var left = try operand(&self)
        while case .symbol(let symbol) = current.kind, let op = operators[symbol] {
            advance()
            left = Expression(.binary(op, left, try operand(&self)), at: left.location)
        }
        return left
    }

    mutating func parseUnary() throws(GoogleSQLSyntaxError) -> Expression {
        let op: UnaryOperator
        switch current.kind {
        case .symbol(.minus): op = .minus
        case .symbol(.plus): op = .plus
        case .symbol(.tilde): op = .bitwiseNot
        default: return try parsePostfix(try parsePrimary())
        }
        try enterNesting()
        defer { nesting -= 1 }
        let token = advance()
        return Expression(.unary(op, try parseUnary()), at: token.location)
    }

    // MARK: Field access and subscripts

    /// `.field` and `[subscript]` after an operand.
    mutating func parsePostfix(_ operand: Expression) throws(GoogleSQLSyntaxError) -> Expression {
        var expression = operand
        while true {
            if isSymbol(.dot) && !isSymbol(.star, at: 1) {
                advance()
                expression = Expression(.fieldAccess(expression, try parsePathComponent()), at: expression.location)
            } else if isSymbol(.leftBracket) {
                let bracket = advance()
                let value = try parseExpression()
                try expect(.rightBracket)
                let subscriptValue = Self.positionalSubscript(value, at: bracket.location)
                expression = Expression(.subscripted(expression, subscriptValue), at: expression.location)
            } else {
                return expression
            }
        }
    }

    /// `[OFFSET(i)]`, `[SAFE_OFFSET(i)]`, `[ORDINAL(i)]`, `[SAFE_ORDINAL(i)]` name a position; anything
    /// else is a plain index or key.
    static func positionalSubscript(_ value: Expression, at location: SourceLocation) -> Subscript {
        guard case .function(let call) = value.kind, call.name.components.count == 1, !call.name.components[0].isQuoted,
              !call.isSafe, !call.isDistinct, call.arguments.count == 1, call.over == nil, call.orderBy.isEmpty,
              call.limit == nil, call.nullHandling == nil
        else { return Subscript(position: .index, value: value, location: location) }
        let positions: [String: Subscript.Position] = [
            "OFFSET": .offset, "SAFE_OFFSET": .safeOffset, "ORDINAL": .ordinal, "SAFE_ORDINAL": .safeOrdinal,
        ]
        guard let position = positions[call.name.components[0].name.uppercased()] else {
            return Subscript(position: .index, value: value, location: location)
        }
        return Subscript(position: position, value: call.arguments[0], location: location)
    }
}
