/// Query expressions, set operations and SELECT.
extension Parser {
    /// `[WITH …] body [ORDER BY …] [LIMIT n [OFFSET m]]`.
    mutating func parseQuery() throws(GoogleSQLSyntaxError) -> Query {
        try enterNesting()
        defer { nesting -= 1 }
        let location = current.location
        let with = isKeyword(.with) ? try parseWithClause() : nil
        let body = try parseSetOperationChain()
        var orderBy: [OrderingTerm] = []
        if accept(.order) {
            try expect(.by)
            orderBy = try parseOrderingTerms()
        }
        var limit: LimitClause?
        if accept(.limit) {
            let count = try parseExpression()
            limit = LimitClause(count: count, offset: accept(word: "OFFSET") ? try parseExpression() : nil)
        }
        return Query(with: with, body: body, orderBy: orderBy, limit: limit, location: location)
    }

    /// `WITH [RECURSIVE] name AS (query), …`.
    mutating func parseWithClause() throws(GoogleSQLSyntaxError) -> WithClause {
        let location = advance().location
        let isRecursive = accept(.recursive)
        let tables = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
            let name = try parser.parseIdentifier()
            try parser.expect(.as)
            return CommonTableExpression(name: name, query: try parser.parseParenthesizedQuery())
        }
        return WithClause(isRecursive: isRecursive, tables: tables, location: location)
    }

    /// Operands joined by one set operator; mixing operators needs parentheses.
    mutating func parseSetOperationChain() throws(GoogleSQLSyntaxError) -> QueryBody {
        let first = try parseQueryPrimary()
        var operands = [first]
        var chainOperator: SetOperation.Operator?
        while let (next, location) = try parseSetOperator() {
            if let chainOperator, chainOperator != next {
                let message = "Different set operations cannot be used in the same query without using parentheses for grouping"
                throw error("Syntax error: " + message, at: location)
            }
            chainOperator = next
            operands.append(try parseQueryPrimary())
        }
        guard let chainOperator else { return first }
        return .setOperation(SetOperation(operator: chainOperator, operands: operands, location: first.location))
    }

    /// `UNION ALL|DISTINCT`, `INTERSECT DISTINCT`, `EXCEPT DISTINCT`, or nil when no set operator is next.
    mutating func parseSetOperator() throws(GoogleSQLSyntaxError) -> (SetOperation.Operator, SourceLocation)? {
        let token = current
        guard [.keyword(.union), .keyword(.intersect), .keyword(.except)].contains(token.kind) else { return nil }
        advance()
        let isDistinct: Bool
        if accept(.distinct) {
            isDistinct = true
        } else if accept(.all) {
            isDistinct = false
        } else {
            throw expected("keyword ALL", "keyword DISTINCT")
        }
        switch (token.kind, isDistinct) {
        case (.keyword(.union), true): return (.unionDistinct, token.location)
        case (.keyword(.union), false): return (.unionAll, token.location)
        case (.keyword(.intersect), true): return (.intersectDistinct, token.location)
        case (.keyword(.except), true): return (.exceptDistinct, token.location)
        default: throw error("\(token.text.uppercased()) ALL is not supported", at: token.location)
        }
    }

    /// `SELECT …` or `(query)`.
    mutating func parseQueryPrimary() throws(GoogleSQLSyntaxError) -> QueryBody {
        if isKeyword(.select) { return .select(try parseSelect()) }
        guard isSymbol(.leftParen) else { throw expected("\"(\"", "keyword SELECT") }
        return .parenthesized(try parseParenthesizedQuery())
    }

    mutating func parseSelect() throws(GoogleSQLSyntaxError) -> Select {
        let location = advance().location
        var select = Select(isDistinct: false, asKind: nil, items: [], from: nil, whereCondition: nil, groupBy: nil,
                            having: nil, qualify: nil, windows: [], location: location)
        if accept(.distinct) {
            select.isDistinct = true
        } else {
            _ = accept(.all)
        }
        if accept(.as) {
            if accept(.struct) {
                select.asKind = .struct
            } else if accept(word: "VALUE") {
                select.asKind = .value
            } else {
                throw expected("keyword STRUCT", "keyword VALUE")
            }
        }
        if isKeyword(.from) { throw error("Syntax error: SELECT list must not be empty", at: current.location) }
        select.items = try parseSelectList()
        if accept(.from) { select.from = try parseFromClause() }
        if accept(.where) { select.whereCondition = try parseExpression() }
        if isKeyword(.group) { select.groupBy = try parseGroupBy() }
        if accept(.having) { select.having = try parseExpression() }
        if accept(.qualify) { select.qualify = try parseExpression() }
        if accept(.window) { select.windows = try parseWindowClause() }
        return select
    }

    /// Select items; BigQuery allows a trailing comma.
    mutating func parseSelectList() throws(GoogleSQLSyntaxError) -> [SelectItem] {
        var items = [try parseSelectItem()]
        while accept(.comma) {
            if isSymbol(.comma) { throw unexpected() }
            guard startsSelectItem else { break }
            items.append(try parseSelectItem())
        }
        return items
    }

    var startsSelectItem: Bool { isSymbol(.star) || startsExpression }

    /// Whether the current token can begin an expression.
    var startsExpression: Bool {
        switch current.kind {
        case .identifier, .quotedIdentifier, .integerLiteral, .floatLiteral, .stringLiteral, .bytesLiteral:
            return true
        case .symbol(let symbol):
            return [.leftParen, .leftBracket, .at, .question, .minus, .plus, .tilde].contains(symbol)
        case .keyword(let keyword):
            return [.not, .null, .true, .false, .case, .cast, .exists, .extract, .array, .struct, .interval,
                    .if, .left, .right, .grouping, .collate, .range].contains(keyword)
        case .endOfInput:
            return false
        }
    }

    mutating func parseSelectItem() throws(GoogleSQLSyntaxError) -> SelectItem {
        let location = current.location
        if accept(.star) {
            return SelectItem(kind: .star(try parseStarModifiers()), location: location)
        }
        let expression = try parseExpression()
        if isSymbol(.dot) && isSymbol(.star, at: 1) {
            advance()
            advance()
            return SelectItem(kind: .qualifiedStar(expression, try parseStarModifiers()), location: location)
        }
        return SelectItem(kind: .expression(expression, alias: try parseOptionalAlias()), location: location)
    }

    /// `[EXCEPT (a, b)] [REPLACE (expression [AS] name, …)]`.
    mutating func parseStarModifiers() throws(GoogleSQLSyntaxError) -> StarModifiers {
        var modifiers = StarModifiers.none
        if isKeyword(.except) && isSymbol(.leftParen, at: 1) {
            advance()
            modifiers.except = try parseIdentifierList()
        }
        if isWord("REPLACE") && isSymbol(.leftParen, at: 1) {
            advance()
            advance()
            modifiers.replace = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
                let expression = try parser.parseExpression()
                _ = parser.accept(.as)
                return StarModifiers.Replacement(expression: expression, name: try parser.parseIdentifier())
            }
            try expectListEnd()
        }
        return modifiers
    }

    /// `GROUP BY ALL` or `GROUP BY item, …` with ROLLUP, CUBE and GROUPING SETS.
    mutating func parseGroupBy() throws(GoogleSQLSyntaxError) -> GroupByClause {
        let location = advance().location
        try expect(.by)
        if accept(.all) { return GroupByClause(kind: .all, location: location) }
        let items = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseGroupingItem(inGroupingSets: false) }
        return GroupByClause(kind: .items(items), location: location)
    }

    mutating func parseGroupingItem(inGroupingSets: Bool) throws(GoogleSQLSyntaxError) -> GroupingItem {
        let location = current.location
        if isKeyword(.rollup) || isKeyword(.cube), isSymbol(.leftParen, at: 1) {
            let isRollup = advance().kind == .keyword(.rollup)
            try expect(.leftParen)
            let expressions = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseExpression() }
            try expectListEnd()
            return GroupingItem(kind: isRollup ? .rollup(expressions) : .cube(expressions), location: location)
        }
        if !inGroupingSets && isKeyword(.grouping) && isWord("SETS", at: 1) {
            advance()
            advance()
            try expect(.leftParen)
            let sets = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseGroupingItem(inGroupingSets: true) }
            try expectListEnd()
            return GroupingItem(kind: .groupingSets(sets), location: location)
        }
        if isSymbol(.leftParen) && isSymbol(.rightParen, at: 1) {
            advance()
            advance()
            return GroupingItem(kind: .set([]), location: location)
        }
        if inGroupingSets && isSymbol(.leftParen) {
            advance()
            let expressions = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseExpression() }
            try expectListEnd()
            return GroupingItem(kind: .set(expressions), location: location)
        }
        return GroupingItem(kind: .expression(try parseExpression()), location: location)
    }
}
