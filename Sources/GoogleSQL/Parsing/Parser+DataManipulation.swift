/// INSERT, UPDATE, DELETE and MERGE.
extension Parser {
    /// `INSERT [INTO] target [(columns)] VALUES (…), … | query`.
    mutating func parseInsert() throws(GoogleSQLSyntaxError) -> Insert {
        advance()
        _ = accept(.into)
        let target = try parseTablePath()
        var columns: [Identifier]?
        if isSymbol(.leftParen) && !startsQuery(at: 1) { columns = try parseIdentifierList() }
        if accept(word: "VALUES") {
            let rows = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseValuesRow() }
            return Insert(target: target, columns: columns, source: .values(rows))
        }
        guard startsQuery() else { throw expected("\"(\"", "keyword SELECT", "keyword VALUES", "keyword WITH") }
        return Insert(target: target, columns: columns, source: .query(try parseQuery()))
    }

    /// `(value, …)` where a value may be DEFAULT.
    mutating func parseValuesRow() throws(GoogleSQLSyntaxError) -> [Expression] {
        try expect(.leftParen)
        let values = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseValueOrDefault() }
        try expectListEnd()
        return values
    }

    mutating func parseValueOrDefault() throws(GoogleSQLSyntaxError) -> Expression {
        if isKeyword(.default) { return Expression(.defaultValue, at: advance().location) }
        return try parseExpression()
    }

    /// `UPDATE target [[AS] alias] SET … [FROM …] WHERE …`; BigQuery requires the WHERE.
    mutating func parseUpdate(at location: SourceLocation) throws(GoogleSQLSyntaxError) -> Update {
        advance()
        let target = try parseTablePath()
        let alias = try parseOptionalAlias()
        try expect(.set)
        let assignments = try parseAssignments()
        let from = accept(.from) ? try parseFromClause() : nil
        guard accept(.where) else {
            if isAtEndOfInput || isSymbol(.semicolon) { throw error("UPDATE must have a WHERE clause", at: location) }
            throw expected("keyword WHERE")
        }
        return Update(target: target, alias: alias, assignments: assignments, from: from, whereCondition: try parseExpression())
    }

    /// `path = value, …`.
    mutating func parseAssignments() throws(GoogleSQLSyntaxError) -> [Assignment] {
        try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
            let target = try parser.parsePath()
            try parser.expect(.equal)
            return Assignment(target: target, value: try parser.parseValueOrDefault())
        }
    }

    /// `DELETE [FROM] target [[AS] alias] WHERE …`; BigQuery requires the WHERE.
    mutating func parseDelete(at location: SourceLocation) throws(GoogleSQLSyntaxError) -> Delete {
        advance()
        _ = accept(.from)
        let target = try parseTablePath()
        let alias = try parseOptionalAlias()
        guard accept(.where) else {
            if isAtEndOfInput || isSymbol(.semicolon) { throw error("DELETE must have a WHERE clause", at: location) }
            throw expected("keyword WHERE")
        }
        return Delete(target: target, alias: alias, whereCondition: try parseExpression())
    }

    /// `MERGE [INTO] target [[AS] alias] USING source ON condition WHEN … THEN …`.
    mutating func parseMerge() throws(GoogleSQLSyntaxError) -> Merge {
        advance()
        _ = accept(.into)
        let target = try parseTablePath()
        let alias = try parseOptionalAlias()
        try expect(.using)
        let source = try parseMergeSource()
        try expect(.on)
        let condition = try parseExpression()
        guard isKeyword(.when) else { throw expected("keyword WHEN") }
        var clauses: [MergeClause] = []
        while isKeyword(.when) { clauses.append(try parseMergeClause()) }
        return Merge(target: target, alias: alias, source: source, condition: condition, clauses: clauses)
    }

    /// A table or a parenthesised query, with an optional alias.
    mutating func parseMergeSource() throws(GoogleSQLSyntaxError) -> TableExpression {
        if isSymbol(.leftParen) { return try parseSubqueryItem() }
        let location = current.location
        let path = try parseTablePath()
        let table = TableReference(path: path, alias: try parseOptionalAlias(), withOffset: nil, systemTime: nil)
        return TableExpression(kind: .table(table), location: location)
    }

    /// `WHEN MATCHED [AND …] THEN UPDATE SET …|DELETE`, `WHEN NOT MATCHED [BY TARGET] [AND …] THEN INSERT …`,
    /// `WHEN NOT MATCHED BY SOURCE [AND …] THEN UPDATE SET …|DELETE`.
    mutating func parseMergeClause() throws(GoogleSQLSyntaxError) -> MergeClause {
        let location = advance().location
        let match: MergeClause.Match
        if accept(.not) {
            try expect(word: "MATCHED")
            if accept(.by) {
                if accept(word: "TARGET") {
                    match = .notMatchedByTarget
                } else if accept(word: "SOURCE") {
                    match = .notMatchedBySource
                } else {
                    throw expected("keyword SOURCE", "keyword TARGET")
                }
            } else {
                match = .notMatchedByTarget
            }
        } else {
            try expect(word: "MATCHED")
            match = .matched
        }
        let condition = accept(.and) ? try parseExpression() : nil
        try expect(.then)
        let action = match == .notMatchedByTarget ? try parseMergeInsert() : try parseMergeUpdateOrDelete()
        return MergeClause(match: match, condition: condition, action: action, location: location)
    }

    mutating func parseMergeUpdateOrDelete() throws(GoogleSQLSyntaxError) -> MergeClause.Action {
        if accept(word: "DELETE") { return .delete }
        guard accept(word: "UPDATE") else { throw expected("keyword DELETE", "keyword UPDATE") }
        try expect(.set)
        return .update(try parseAssignments())
    }

    /// `INSERT [(columns)] VALUES (…)` or `INSERT [(columns)] ROW`.
    mutating func parseMergeInsert() throws(GoogleSQLSyntaxError) -> MergeClause.Action {
        try expect(word: "INSERT")
        let columns = isSymbol(.leftParen) ? try parseIdentifierList() : nil
        if accept(word: "ROW") { return .insert(columns: columns, values: .row) }
        guard accept(word: "VALUES") else { throw expected("keyword ROW", "keyword VALUES") }
        return .insert(columns: columns, values: .values(try parseValuesRow()))
    }
}
