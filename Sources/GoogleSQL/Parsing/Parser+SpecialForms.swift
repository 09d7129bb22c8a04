/// Keyword-led expression forms with their own syntax.
extension Parser {
    /// `CASE [operand] WHEN … THEN … [ELSE …] END`.
    mutating func parseCase() throws(GoogleSQLSyntaxError) -> Expression {
        let location = advance().location
        let operand = isKeyword(.when) ? nil : try parseExpression()
        var branches: [CaseExpression.Branch] = []
        repeat {
            try expect(.when)
            let condition = try parseExpression()
            try expect(.then)
            branches.append(CaseExpression.Branch(condition: condition, result: try parseExpression()))
        } while isKeyword(.when)
        let elseResult = accept(.else) ? try parseExpression() : nil
        try expect(.end)
        return Expression(.caseWhen(CaseExpression(operand: operand, branches: branches, elseResult: elseResult)), at: location)
    }

    /// `CAST(x AS type [FORMAT f [AT TIME ZONE tz]])`, `SAFE_CAST(…)`.
    mutating func parseCast(isSafe: Bool) throws(GoogleSQLSyntaxError) -> Expression {
        let location = advance().location
        try expect(.leftParen)
        let expression = try parseExpression()
        try expect(.as)
        let type = try parseType()
        var format: Expression?
        var timeZone: Expression?
        if accept(word: "FORMAT") {
            format = try parseExpression()
            if isKeyword(.at) { timeZone = try parseAtTimeZone() }
        }
        try expect(.rightParen)
        let cast = Cast(expression: expression, type: type, isSafe: isSafe, format: format, timeZone: timeZone)
        return Expression(.cast(cast), at: location)
    }

    /// `AT TIME ZONE expression`.
    mutating func parseAtTimeZone() throws(GoogleSQLSyntaxError) -> Expression {
        try expect(Keyword.at)
        try expect(word: "TIME")
        try expect(word: "ZONE")
        return try parseExpression()
    }

    /// `EXTRACT(part FROM source [AT TIME ZONE tz])`.
    mutating func parseExtract() throws(GoogleSQLSyntaxError) -> Expression {
        let location = advance().location
        try expect(.leftParen)
        let part = try parseDatePart()
        try expect(.from)
        let source = try parseExpression()
        let timeZone = isKeyword(.at) ? try parseAtTimeZone() : nil
        try expect(.rightParen)
        return Expression(.extract(Extract(part: part, source: source, timeZone: timeZone)), at: location)
    }

    /// `DAY`, `WEEK(MONDAY)`, `DATE`…
    mutating func parseDatePart() throws(GoogleSQLSyntaxError) -> DatePart {
        let name = try parseIdentifier()
        guard accept(.leftParen) else { return DatePart(name: name, weekday: nil) }
        let weekday = try parseIdentifier()
        try expect(.rightParen)
        return DatePart(name: name, weekday: weekday)
    }

    /// `INTERVAL value part [TO part]`.
    mutating func parseInterval() throws(GoogleSQLSyntaxError) -> Expression {
        let location = advance().location
        let value = try parseAdditive()
        let part = try parseDatePart()
        let endPart = accept(.to) ? try parseDatePart() : nil
        return Expression(.interval(Interval(value: value, part: part, endPart: endPart)), at: location)
    }

    /// `ARRAY(SELECT …)`, `ARRAY[…]`, `ARRAY<T>[…]`.
    mutating func parseArrayConstructor() throws(GoogleSQLSyntaxError) -> Expression {
        let location = advance().location
        if isSymbol(.leftParen) { return Expression(.arraySubquery(try parseParenthesizedQuery()), at: location) }
        var elementType: TypeName?
        if accept(.less) {
            elementType = try parseType()
            try expectClosingAngle()
        } else if !isSymbol(.leftBracket) {
            throw expected("\"(\"", "\"<\"", "\"[\"")
        }
        let elements = try parseArrayElements()
        return Expression(.array(ArrayLiteral(elementType: elementType, elements: elements)), at: location)
    }

    /// `[a, b, …]`, possibly empty.
    mutating func parseArrayElements() throws(GoogleSQLSyntaxError) -> [Expression] {
        try expect(.leftBracket)
        if accept(.rightBracket) { return [] }
        let elements = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in try parser.parseExpression() }
        guard accept(.rightBracket) else { throw expected("\"]\"", "\",\"") }
        return elements
    }

    /// `STRUCT(a, b AS name)`, `STRUCT<x INT64, y STRING>(1, 'a')`, `STRUCT()`.
    mutating func parseStructConstructor() throws(GoogleSQLSyntaxError) -> Expression {
        let location = current.location
        var type: TypeName?
        if isSymbol(.less, at: 1) {
            type = try parseType()
        } else {
            advance()
        }
        try expect(.leftParen)
        var fields: [StructConstructor.Field] = []
        if !isSymbol(.rightParen) {
            fields = try parseCommaSeparated { parser throws(GoogleSQLSyntaxError) in
                let value = try parser.parseExpression()
                return StructConstructor.Field(value: value, alias: parser.accept(.as) ? try parser.parseIdentifier() : nil)
            }
        }
        try expectListEnd()
        return Expression(.structConstructor(StructConstructor(style: .keyword, type: type, fields: fields)), at: location)
    }

    /// `RANGE<DATE> '[2024-01-01, 2024-02-01)'`.
    mutating func parseRangeLiteral() throws(GoogleSQLSyntaxError) -> Expression {
        let location = current.location
        guard case .range(let elementType) = try parseType().kind else { throw unexpected() }
        guard case .stringLiteral(let value) = current.kind else { throw unexpected() }
        advance()
        return Expression(.literal(.typed(.range(elementType), value)), at: location)
    }
}
