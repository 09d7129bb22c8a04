/// Expressions, types and window specifications.
extension SQLRenderer {
    static func expression(_ expression: Expression) -> String {
        switch expression.kind {
        case .literal(let literal): return self.literal(literal)
        case .parameter(.named(let name)): return "@" + self.name(name)
        case .parameter(.positional): return "?"
        case .path(let path): return self.path(path)
        case .fieldAccess(let base, let field): return self.expression(base) + "." + identifier(field)
        case .subscripted(let base, let subscriptValue): return self.expression(base) + "[" + self.subscriptValue(subscriptValue) + "]"
        case .unary(.not, let operand): return "(NOT " + self.expression(operand) + ")"
        case .unary(let op, let operand): return "(" + op.rawValue + self.expression(operand) + ")"
        case .binary(let op, let left, let right):
            return "(" + self.expression(left) + " " + op.rawValue + " " + self.expression(right) + ")"
        case .between(let value, let lower, let upper, let isNegated):
            return "(\(self.expression(value))\(not(isNegated)) BETWEEN \(self.expression(lower)) AND \(self.expression(upper)))"
        case .inList(let value, let list, let isNegated):
            return "(\(self.expression(value))\(not(isNegated)) IN (\(self.list(list, self.expression))))"
        case .inSubquery(let value, let subquery, let isNegated):
            return "(\(self.expression(value))\(not(isNegated)) IN (\(query(subquery))))"
        case .inUnnest(let value, let array, let isNegated):
            return "(\(self.expression(value))\(not(isNegated)) IN UNNEST(\(self.expression(array))))"
        case .isTest(let value, let test, let isNegated):
            return "(\(self.expression(value)) IS\(not(isNegated)) \(test.rawValue))"
        case .isDistinctFrom(let left, let right, let isNegated):
            return "(\(self.expression(left)) IS\(not(isNegated)) DISTINCT FROM \(self.expression(right)))"
        case .caseWhen(let caseExpression): return self.caseExpression(caseExpression)
        case .cast(let cast): return self.cast(cast)
        case .function(let call): return function(call)
        case .extract(let extract):
            let zone = extract.timeZone.map { " AT TIME ZONE " + self.expression($0) } ?? ""
            return "EXTRACT(\(datePart(extract.part)) FROM \(self.expression(extract.source))\(zone))"
        case .interval(let interval):
            let end = interval.endPart.map { " TO " + datePart($0) } ?? ""
            return "INTERVAL \(self.expression(interval.value)) \(datePart(interval.part))\(end)"
        case .array(let array):
            let prefix = array.elementType.map { "ARRAY<" + type($0) + ">" } ?? ""
            return prefix + "[" + list(array.elements, self.expression) + "]"
        case .arraySubquery(let subquery): return "ARRAY(" + query(subquery) + ")"
        case .structConstructor(let constructor): return structConstructor(constructor)
        case .exists(let subquery): return "EXISTS(" + query(subquery) + ")"
        case .scalarSubquery(let subquery): return "(" + query(subquery) + ")"
        case .star: return "*"
        case .defaultValue: return "DEFAULT"
        }
    }

    static func not(_ isNegated: Bool) -> String { isNegated ? " NOT" : "" }

    static func literal(_ literal: Literal) -> String {
        switch literal {
        case .null: return "NULL"
        case .boolean(let value): return value ? "TRUE" : "FALSE"
        case .integer(let text), .float(let text): return text
        case .string(let text): return stringLiteral(text)
        case .bytes(let bytes): return bytesLiteral(bytes)
        case .typed(let type, let text): return typedLiteralPrefix(type) + " " + stringLiteral(text)
        }
    }

    static func typedLiteralPrefix(_ type: TypedLiteralType) -> String {
        switch type {
        case .date: return "DATE"
        case .datetime: return "DATETIME"
        case .time: return "TIME"
        case .timestamp: return "TIMESTAMP"
        case .numeric: return "NUMERIC"
        case .bignumeric: return "BIGNUMERIC"
        case .json: return "JSON"
        case .range(let element): return "RANGE<" + self.type(element) + ">"
        }
    }

    static func subscriptValue(_ value: Subscript) -> String {
        let inner = expression(value.value)
        switch value.position {
        case .index: return inner
        case .offset: return "OFFSET(" + inner + ")"
        case .safeOffset: return "SAFE_OFFSET(" + inner + ")"
        case .ordinal: return "ORDINAL(" + inner + ")"
        case .safeOrdinal: return "SAFE_ORDINAL(" + inner + ")"
        }
    }

    static func caseExpression(_ value: CaseExpression) -> String {
        var parts = ["CASE"]
        if let operand = value.operand { parts.append(expression(operand)) }
        for branch in value.branches {
            parts.append("WHEN \(expression(branch.condition)) THEN \(expression(branch.result))")
        }
        if let elseResult = value.elseResult { parts.append("ELSE " + expression(elseResult)) }
        parts.append("END")
        return parts.joined(separator: " ")
    }

    static func cast(_ cast: Cast) -> String {
        var text = (cast.isSafe ? "SAFE_CAST(" : "CAST(") + expression(cast.expression) + " AS " + type(cast.type)
        if let format = cast.format { text += " FORMAT " + expression(format) }
        if let zone = cast.timeZone { text += " AT TIME ZONE " + expression(zone) }
        return text + ")"
    }

    static func function(_ call: FunctionCall) -> String {
        var arguments = list(call.arguments, expression)
        if call.isDistinct { arguments = "DISTINCT " + arguments }
        switch call.nullHandling {
        case .ignoreNulls?: arguments += " IGNORE NULLS"
        case .respectNulls?: arguments += " RESPECT NULLS"
        case nil: break
        }
        if !call.orderBy.isEmpty { arguments += " ORDER BY " + list(call.orderBy, orderingTerm) }
        if let limit = call.limit { arguments += " LIMIT " + expression(limit) }
        var text = (call.isSafe ? "SAFE." : "") + functionName(call.name) + "(" + arguments + ")"
        switch call.over {
        case .named(let name)?: text += " OVER " + identifier(name)
        case .specification(let specification)?: text += " OVER " + windowSpecification(specification)
        case nil: break
        }
        return text
    }

    /// Functions named by reserved keywords (`IF`, `LEFT`…) are written without backticks.
    static func functionName(_ name: PathExpression) -> String {
        let first = name.components[0]
        if name.components.count == 1, !first.isQuoted, Keywords.reserved[first.name.uppercased()] != nil { return first.name }
        return path(name)
    }

    static func datePart(_ part: DatePart) -> String {
        identifier(part.name) + (part.weekday.map { "(" + identifier($0) + ")" } ?? "")
    }

    static func structConstructor(_ constructor: StructConstructor) -> String {
        let fields = list(constructor.fields) { field in
            expression(field.value) + (field.alias.map { " AS " + identifier($0) } ?? "")
        }
        switch constructor.style {
        case .tuple: return "(" + fields + ")"
        case .keyword: return (constructor.type.map(type) ?? "STRUCT") + "(" + fields + ")"
        }
    }

    static func type(_ type: TypeName) -> String {
        switch type.kind {
        case .named(let name, let parameters):
            let base = self.name(name).uppercased()
            return parameters.isEmpty ? base : base + "(" + list(parameters) { String($0) } + ")"
        case .array(let element): return "ARRAY<" + self.type(element) + ">"
        case .range(let element): return "RANGE<" + self.type(element) + ">"
        case .struct(let fields):
            return "STRUCT<" + list(fields) { field in
                var text = (field.name.map { identifier($0) + " " } ?? "") + self.type(field.type)
                if field.isNotNull { text += " NOT NULL" }
                if !field.options.isEmpty { text += " " + options(field.options) }
                return text
            } + ">"
        }
    }

    static func options(_ entries: [OptionEntry]) -> String {
        "OPTIONS(" + list(entries) { identifier($0.name) + " = " + expression($0.value) } + ")"
    }

    static func orderingTerm(_ term: OrderingTerm) -> String {
        var text = expression(term.expression)
        if let direction = term.direction { text += " " + direction.rawValue }
        if let nulls = term.nulls { text += " " + nulls.rawValue }
        return text
    }

    static func windowSpecification(_ specification: WindowSpecification) -> String {
        var parts: [String] = []
        if let base = specification.baseWindow { parts.append(identifier(base)) }
        if !specification.partitionBy.isEmpty { parts.append("PARTITION BY " + list(specification.partitionBy, expression)) }
        if !specification.orderBy.isEmpty { parts.append("ORDER BY " + list(specification.orderBy, orderingTerm)) }
        if let frame = specification.frame {
            let bounds = frame.end.map { "BETWEEN \(frameBound(frame.start)) AND \(frameBound($0))" } ?? frameBound(frame.start)
            parts.append(frame.unit.rawValue + " " + bounds)
        }
        return "(" + parts.joined(separator: " ") + ")"
    }

    static func frameBound(_ bound: WindowFrame.Bound) -> String {
        switch bound {
        case .unboundedPreceding: return "UNBOUNDED PRECEDING"
        case .preceding(let offset): return expression(offset) + " PRECEDING"
        case .currentRow: return "CURRENT ROW"
        case .following(let offset): return expression(offset) + " FOLLOWING"
        case .unboundedFollowing: return "UNBOUNDED FOLLOWING"
        }
    }
}
