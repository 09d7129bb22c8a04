/// ORDER BY terms and window specifications.
extension Parser {
    /// `expression [ASC|DESC] [NULLS FIRST|LAST], …`.
    mutating func parseOrderingTerms() throws(GoogleSQLSyntaxError) -> [OrderingTerm] {
        try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
            var term = OrderingTerm(expression: try parser.parseExpression(), direction: nil, nulls: nil)
            if parser.accept(.asc) {
                term.direction = .ascending
            } else if parser.accept(.desc) {
                term.direction = .descending
            }
            if parser.accept(.nulls) {
                if parser.accept(word: "FIRST") {
                    term.nulls = .first
                } else if parser.accept(word: "LAST") {
                    term.nulls = .last
                } else {
                    throw parser.expected("keyword FIRST", "keyword LAST")
                }
            }
            return term
        }
    }

    /// After OVER: a window name or a parenthesised specification.
    mutating func parseOverClause() throws(GoogleSQLSyntaxError) -> OverClause {
        if isIdentifier() { return .named(try parseIdentifier()) }
        guard isSymbol(.leftParen) else { throw expected("\"(\"") }
        return .specification(try parseWindowSpecification())
    }

    /// `([base] [PARTITION BY …] [ORDER BY …] [ROWS|RANGE …])`.
    mutating func parseWindowSpecification() throws(GoogleSQLSyntaxError) -> WindowSpecification {
        let location = try expect(.leftParen).location
        var specification = WindowSpecification(baseWindow: nil, partitionBy: [], orderBy: [], frame: nil, location: location)
        if isIdentifier() { specification.baseWindow = try parseIdentifier() }
        if accept(.partition) {
            try expect(.by)
            specification.partitionBy = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseExpression() }
        }
        if accept(.order) {
            try expect(.by)
            specification.orderBy = try parseOrderingTerms()
        }
        if isKeyword(.rows) || isKeyword(.range) { specification.frame = try parseWindowFrame() }
        try expect(.rightParen)
        return specification
    }

    mutating func parseWindowFrame() throws(GoogleSQLSyntaxError) -> WindowFrame {
        let token = advance()
        let unit: WindowFrame.Unit = token.kind == .keyword(.rows) ? .rows : .range
        guard accept(.between) else {
            return WindowFrame(unit: unit, start: try parseFrameBound(), end: nil, location: token.location)
        }
        let start = try parseFrameBound()
        try expect(.and)
        let end = try parseFrameBound()
        return WindowFrame(unit: unit, start: start, end: end, location: token.location)
    }

    /// `UNBOUNDED PRECEDING|FOLLOWING`, `CURRENT ROW`, `n PRECEDING|FOLLOWING`.
    mutating func parseFrameBound() throws(GoogleSQLSyntaxError) -> WindowFrame.Bound {
        if accept(.unbounded) {
            if accept(.preceding) { return .unboundedPreceding }
            if accept(.following) { return .unboundedFollowing }
            throw expected("keyword PRECEDING", "keyword FOLLOWING")
        }
        if accept(.current) {
            try expect(word: "ROW")
            return .currentRow
        }
        let offset = try parseAdditive()
        if accept(.preceding) { return .preceding(offset) }
        if accept(.following) { return .following(offset) }
        throw expected("keyword PRECEDING", "keyword FOLLOWING")
    }

    /// `WINDOW name AS (…) | name AS other, …`.
    mutating func parseWindowClause() throws(GoogleSQLSyntaxError) -> [NamedWindow] {
        try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
            let name = try parser.parseIdentifier()
            try parser.expect(.as)
            if parser.isIdentifier() {
                let base = try parser.parseIdentifier()
                let specification = WindowSpecification(baseWindow: base, partitionBy: [], orderBy: [], frame: nil,
                                                        location: base.location)
                return NamedWindow(name: name, specification: specification)
            }
            return NamedWindow(name: name, specification: try parser.parseWindowSpecification())
        }
    }
}
