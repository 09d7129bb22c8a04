/// FROM clauses: tables, subqueries, UNNEST and joins.
extension Parser {
    /// FROM items joined left to right by commas and JOINs.
    mutating func parseFromClause() throws(GoogleSQLSyntaxError) -> TableExpression {
        var left = try parseTablePrimary()
        while true {
            if isSymbol(.comma) {
                advance()
                let right = try parseTablePrimary()
                if isKeyword(.on) || isKeyword(.using) { throw unexpected() }
                left = TableExpression(kind: .join(Join(kind: .comma, left: left, right: right, condition: nil)), location: left.location)
            } else if let (kind, joinLocation) = try parseJoinOperator() {
                let right = try parseTablePrimary()
                let condition = try parseJoinCondition(for: kind, at: joinLocation, right: right)
                let join = Join(kind: kind, left: left, right: right, condition: condition)
                left = TableExpression(kind: .join(join), location: left.location)
            } else {
                return left
            }
        }
    }

    /// `[INNER] JOIN`, `LEFT|RIGHT|FULL [OUTER] JOIN`, `CROSS JOIN`, or nil.
    mutating func parseJoinOperator() throws(GoogleSQLSyntaxError) -> (Join.Kind, SourceLocation)? {
        let location = current.location
        let kind: Join.Kind
        switch current.kind {
        case .keyword(.join):
            advance()
            return (.inner, location)
        case .keyword(.inner): kind = .inner
        case .keyword(.cross): kind = .cross
        case .keyword(.left): kind = .left
        case .keyword(.right): kind = .right
        case .keyword(.full): kind = .full
        default: return nil
        }
        advance()
        if kind == .left || kind == .right || kind == .full { _ = accept(.outer) }
        try expect(.join)
        return (kind, location)
    }

    /// `ON condition` or `USING (columns)`: required after INNER, LEFT, RIGHT and FULL joins
    /// (except an INNER or LEFT join of an `UNNEST`, which is correlated) and refused after
    /// CROSS JOIN, with BigQuery's messages.
    mutating func parseJoinCondition(for kind: Join.Kind, at location: SourceLocation,
                                     right: TableExpression? = nil) throws(GoogleSQLSyntaxError) -> Join.Condition? {
        let hasCondition = isKeyword(.on) || isKeyword(.using)
        if kind == .cross {
            guard !hasCondition else {
                throw error("CROSS JOIN cannot have an immediately following ON or USING clause", at: location)
            }
            return nil
        }
        if !hasCondition, kind == .inner || kind == .left, case .unnest? = right?.kind { return nil }
        guard hasCondition else {
            let name = kind.rawValue
            throw error("\(name) must have an immediately following ON or USING clause", at: location)
        }
        if accept(.on) { return .on(try parseExpression()) }
        advance()
        return .using(try parseIdentifierList())
    }

    /// One FROM item: a table path, `(subquery)`, `(join)`, or `UNNEST(…)`.
    mutating func parseTablePrimary() throws(GoogleSQLSyntaxError) -> TableExpression {
        try enterNesting()
        defer { nesting -= 1 }
        let location = current.location
        switch current.kind {
        case .symbol(.leftParen):
            if isKeyword(.select, at: 1) || isKeyword(.with, at: 1) { return try parseSubqueryItem() }
            if startsQuery(at: 1) {
                return try either({ parser throws(GoogleSQLSyntaxError) in try parser.parseSubqueryItem() },
                                  or: { parser throws(GoogleSQLSyntaxError) in try parser.parseParenthesizedJoin() })
            }
            return try parseParenthesizedJoin()
        case .keyword(.unnest):
            advance()
            try expect(.leftParen)
            let array = try parseExpression()
            try expect(.rightParen)
            let alias = try parseOptionalAlias()
            let unnest = Unnest(array: array, alias: alias, withOffset: try parseWithOffset())
            return TableExpression(kind: .unnest(unnest), location: location)
        case .identifier, .quotedIdentifier:
            let path = try parseTablePath()
            if isSymbol(.leftParen) {
                throw GoogleSQLSyntaxError("Table-valued function calls are not supported", at: location, kind: .unsupported)
            }
            var table = TableReference(path: path, alias: try parseOptionalAlias(), withOffset: nil, systemTime: nil)
            table.withOffset = try parseWithOffset()
            if isKeyword(.for) && isWord("SYSTEM_TIME", at: 1) {
                advance()
                advance()
                try expect(.as)
                try expect(.of)
                table.systemTime = try parseExpression()
            }
            return TableExpression(kind: .table(table), location: location)
        default:
            throw unexpected()
        }
    }

    mutating func parseSubqueryItem() throws(GoogleSQLSyntaxError) -> TableExpression {
        let location = current.location
        let query = try parseParenthesizedQuery()
        return TableExpression(kind: .subquery(query, alias: try parseOptionalAlias()), location: location)
    }

    /// `(a JOIN b ON …)`: the parentheses must hold a join.
    mutating func parseParenthesizedJoin() throws(GoogleSQLSyntaxError) -> TableExpression {
        let location = try expect(.leftParen).location
        let inner = try parseFromClause()
        guard case .join = inner.kind else { throw expected("keyword JOIN") }
        try expect(.rightParen)
        return TableExpression(kind: .parenthesized(inner), location: location)
    }

    /// `WITH OFFSET [[AS] alias]`.
    mutating func parseWithOffset() throws(GoogleSQLSyntaxError) -> WithOffset? {
        guard isKeyword(.with) && isWord("OFFSET", at: 1) else { return nil }
        let location = advance().location
        advance()
        return WithOffset(alias: try parseOptionalAlias(), location: location)
    }
}
