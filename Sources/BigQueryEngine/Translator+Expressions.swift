import BigQueryFunctions
import GoogleSQL

extension Translator {
    /// Translates `expression` where `context` says what it may use.
    func expression(_ expression: Expression, _ context: inout ExpressionContext) throws(QueryError) -> Typed {
        let mark = context.hoisting?.entries.count ?? 0
        var value = try translate(expression, &context)
        if context.hoisting != nil { value = context.hoisting!.hoist(value, since: mark) }
        // A GROUP BY key is grouped, whatever columns it reads.
        if let keys = context.keys, keys.contains(value.sql) { value.ungrouped = nil }
        return value
    }

    private func translate(_ expression: Expression, _ context: inout ExpressionContext) throws(QueryError) -> Typed {
        let location = expression.location
        switch expression.kind {
        case .literal(let literal):
            return try self.literal(literal, at: location)
        case .parameter(let reference):
            return try parameter(reference, at: location)
        case .path(let path):
            return try column(path, &context)
        case .fieldAccess(let base, let field):
            let value = try self.expression(base, &context)
            return try self.field(value, field.name, at: field.location)
        case .subscripted(let base, let access):
            let value = try self.expression(base, &context)
            return try subscripted(value, access, &context, at: location)
        case .unary(let op, let operand):
            let value = try self.expression(operand, &context)
            if op == .not {
                guard value.type == .bool || value.isNullLiteral else {
                    throw .at(location, "No matching signature for operator NOT for argument types: \(value.type). Supported signature: NOT (BOOL)")
                }
                return combine("(NOT \(value.sql))", .bool, [value])
            }
            return try resolved(FunctionLibrary.unary(op, value.type), [value], at: location)
        case .binary(let op, let lhs, let rhs):
            let left = try self.expression(lhs, &context)
            let right = try self.expression(rhs, &context)
            if op == .and || op == .or {
                for (side, e) in [(left, lhs), (right, rhs)] where side.type != .bool && !side.isNullLiteral {
                    throw .at(e.location, "No matching signature for operator \(op.rawValue) for argument types: \(left.type), \(right.type). "
                                  + "Supported signature: BOOL \(op.rawValue) BOOL")
                }
                return combine("(\(left.sql) \(op.rawValue) \(right.sql))", .bool, [left, right])
            }
            let (l, r) = Self.coerceLiterals(left, right)
            return try resolved(FunctionLibrary.binary(op, leftType: l.resolutionType, rightType: r.resolutionType), [l, r], at: location)
        case .between(let value, let lower, let upper, let negated):
            let v = try self.expression(value, &context)
            let l = Self.coerceLiterals(v, try self.expression(lower, &context)).1
            let u = Self.coerceLiterals(v, try self.expression(upper, &context)).1
            let low = try resolved(FunctionLibrary.binary(.greaterOrEqual, leftType: v.resolutionType, rightType: l.resolutionType), [v, l], at: location)
            let high = try resolved(FunctionLibrary.binary(.lessOrEqual, leftType: v.resolutionType, rightType: u.resolutionType), [v, u], at: location)
            let sql = "(\(low.sql) AND \(high.sql))"
            return combine(negated ? "(NOT \(sql))" : sql, .bool, [v, l, u])
        case .inList(let value, let list, let negated):
            let v = try self.expression(value, &context)
            var items: [Typed] = []
            for item in list {
                let t = Self.coerceLiterals(v, try self.expression(item, &context)).1
                _ = try resolved(FunctionLibrary.binary(.equal, leftType: v.resolutionType, rightType: t.resolutionType), [v, t], at: item.location)
                items.append(t)
            }
            guard v.type.isNativelyOrdered || v.isNullLiteral else { throw .unsupported("IN on \(v.type)", at: location) }
            return combine("(\(v.sql) \(negated ? "NOT IN" : "IN") (\(items.map(\.sql).joined(separator: ", "))))", .bool, [v] + items)
        case .inSubquery(let value, let query, let negated):
            let v = try self.expression(value, &context)
            let (sql, columns) = try self.query(query, outer: context.scope)
            guard columns.count == 1 else { throw .at(query.location, "Subquery of type IN must have only one output column") }
            return combine("(\(v.sql) \(negated ? "NOT IN" : "IN") (SELECT c0 FROM (\(sql))))", .bool, [v])
        case .inUnnest(let value, let array, let negated):
            let v = try self.expression(value, &context)
            return try inUnnest(v, array, negated: negated, &context, at: location)
        case .isTest(let value, let test, let negated):
            let v = try self.expression(value, &context)
            if test != .null && v.type != .bool && !v.isNullLiteral {
                throw .at(location, "No matching signature for operator IS \(negated ? "NOT " : "")\(test.rawValue) for argument types: \(v.type)")
            }
            let check = switch test {
            case .null: "IS NULL"
            case .true: "IS TRUE"
            case .false: "IS FALSE"
            }
            return combine("(\(v.sql) \(check))".replacingFirstIS(negated), .bool, [v])
        case .isDistinctFrom(let a, let b, let negated):
            let l = try self.expression(a, &context), r = try self.expression(b, &context)
            _ = try resolved(FunctionLibrary.binary(.equal, leftType: l.resolutionType, rightType: r.resolutionType), [l, r], at: location)
            return combine("(\(l.sql) \(negated ? "IS" : "IS NOT") \(r.sql))", .bool, [l, r])
        case .caseWhen(let caseExpression):
            return try self.caseWhen(caseExpression, &context, at: location)
        case .cast(let cast):
            if cast.format != nil { throw .unsupported("CAST … FORMAT", at: location) }
            let value = try self.expression(cast.expression, &context)
            let target = try sqlType(cast.type)
            if value.isNullLiteral { return combine("NULL", target, [value]) }
            if value.type == target { return value }
            return try resolved(FunctionLibrary.cast(from: value.type, to: target, safe: cast.isSafe), [value], at: location)
        case .function(let call):
            return try function(call, &context, at: location)
        case .extract(let extract):
            let source = try self.expression(extract.source, &context)
            var arguments = [source]
            if let zone = extract.timeZone { arguments.append(try self.expression(zone, &context)) }
            let part = extract.part.weekday.map { "\(extract.part.name.name.uppercased())(\($0.name.uppercased()))" } ?? extract.part.name.name.uppercased()
            return try resolved(FunctionLibrary.extract(part, from: source.type, timeZone: extract.timeZone != nil), arguments, at: location)
        case .interval:
            throw .unsupported("INTERVAL outside DATE_ADD and its family", at: location)
        case .array(let literal):
            return try arrayLiteral(literal, &context, at: location)
        case .arraySubquery(let query):
            return try arraySubquery(query, &context, at: location)
        case .structConstructor(let constructor):
            return try structConstructor(constructor, &context, at: location)
        case .exists(let query):
            let (sql, _) = try self.query(query, outer: context.scope)
            return Typed("(EXISTS (\(sql)))", .bool)
        case .scalarSubquery(let query):
            let (sql, columns) = try self.query(query, outer: context.scope)
            guard columns.count == 1 else { throw .at(query.location, "Scalar subquery cannot have more than one column unless using SELECT AS STRUCT to build STRUCT values") }
            return Typed("(SELECT c0 FROM (\(sql)))", columns[0].type)
        case .star:
            throw .at(location, "Syntax error: Unexpected \"*\"")
        case .defaultValue:
            throw .at(location, "DEFAULT is only allowed in INSERT and UPDATE")
        }
    }

    /// A STRING literal compared with a DATE, DATETIME, TIME or TIMESTAMP is one, as BigQuery coerces it.
    static func coerceLiterals(_ left: Typed, _ right: Typed) -> (Typed, Typed) {
        func coerce(_ literal: Typed, to other: Typed) -> Typed {
            guard let text = literal.stringLiteral, [.date, .datetime, .time, .timestamp].contains(other.type),
                  let sql = FunctionLibrary.coerceStringLiteral(text, to: other.type)
            else { return literal }
            return Typed(sql, other.type)
        }
        return (coerce(left, to: right), coerce(right, to: left))
    }

    /// A value built from `parts`: ungrouped if any part is, aggregate if any part is.
    func combine(_ sql: String, _ type: SQLType, _ parts: [Typed]) -> Typed {
        var value = Typed(sql, type)
        value.ungrouped = parts.lazy.compactMap(\.ungrouped).first
        value.hasAggregate = parts.contains(where: \.hasAggregate)
        return value
    }

    /// A library resolution applied to `arguments`.
    func resolved(_ resolution: FunctionResolution, _ arguments: [Typed], at location: SourceLocation) throws(QueryError) -> Typed {
        switch resolution {
        case .call(let type, let build): return combine(build(arguments.map(\.sql)), type, arguments)
        case .noMatch(let message): throw .at(location, message)
        }
    }

    // MARK: Names

    /// A column, a range variable's column, or a struct field path.
    func column(_ path: PathExpression, _ context: inout ExpressionContext) throws(QueryError) -> Typed {
        let components = path.components
        var found: ScopeColumn?
        var rest = components.dropFirst()
        if components.count >= 2, let range = context.scope.range(components[0].name) {
            let name = components[1].name
            guard let column = range.first(where: { $0.name.lowercased() == name.lowercased() }) else {
                throw .at(components[1].location, "Name \(name) not found inside \(components[0].name)")
            }
            found = column
            rest = components.dropFirst(2)
        } else if let column = try context.scope.column(components[0].name, at: components[0].location) {
            found = column
        } else if components.count == 1, let alias = context.aliases[components[0].name.lowercased()] {
            return alias
        } else if components.count == 1, context.scope.range(components[0].name) != nil {
            throw .unsupported("A table alias used as a value", at: path.location)
        }
        guard let column = found else { throw .at(path.location, "Unrecognized name: \(components[0].name)") }
        var value = Typed(column.sql, column.type)
        if let keys = context.keys, !context.inAggregate, !keys.contains(column.sql) {
            value.ungrouped = (column.name, path.location)
        }
        for field in rest { value = try self.field(value, field.name, at: field.location) }
        return value
    }

    /// `value.name` on a STRUCT.
    func field(_ value: Typed, _ name: String, at location: SourceLocation) throws(QueryError) -> Typed {
        guard case .struct(let fields) = value.type else {
            throw .at(location, "Cannot access field \(name) on a value with type \(value.type)")
        }
        guard let index = fields.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) else {
            throw .at(location, "Field name \(name) does not exist in \(value.type)")
        }
        let key = FunctionLibrary.Runtime.key(fields[index], at: index)
        let sql = "json_extract(\(value.sql), \(SQLText.quote("$.\"\(key)\"")))"
        let repeatable = FunctionLibrary.isColumnReference(value.sql)
        return combine(fromNested(sql, fields[index].type, repeatable: repeatable), fields[index].type, [value])
    }

    // MARK: Literals and types

    func literal(_ literal: Literal, at location: SourceLocation) throws(QueryError) -> Typed {
        switch literal {
        case .null: return Typed("NULL", .int64, isNullLiteral: true)
        case .boolean(let flag): return Typed(flag ? "1" : "0", .bool)
        case .integer(let text):
            let value = text.lowercased().hasPrefix("0x") ? Int64(text.dropFirst(2), radix: 16) : Int64(text)
            guard let value else { throw .at(location, "Invalid integer literal: \(text)") }
            return Typed(String(value), .int64)
        case .float(let text):
            guard let value = Double(text), value.isFinite else { throw .at(location, "Invalid floating point literal: \(text)") }
            return Typed("\(value)", .float64)
        case .string(let text):
            var value = Typed(SQLText.quote(text), .string)
            value.stringLiteral = text
            return value
        case .bytes(let bytes):
            return Typed("X'" + bytes.map { String($0, radix: 16).leftPadded(2) }.joined() + "'", .bytes)
        case .typed(let type, let text):
            switch type {
            case .date:
                guard let date = Conversions.safeCastToDate(text) else { throw .at(location, "Invalid DATE literal") }
                return Typed(SQLText.quote(date.description), .date)
            case .datetime:
                guard let datetime = Conversions.safeCastToDatetime(text) else { throw .at(location, "Invalid DATETIME literal") }
                return Typed(SQLText.quote("\(datetime.date)T\(datetime.time)"), .datetime)
            case .time:
                guard let time = Conversions.safeCastToTime(text) else { throw .at(location, "Invalid TIME literal") }
                return Typed(SQLText.quote(time.description), .time)
            case .timestamp:
                guard let timestamp = Conversions.safeCastToTimestamp(text) else { throw .at(location, "Invalid TIMESTAMP literal") }
                return Typed(String(timestamp.unixMicros), .timestamp)
            case .numeric, .bignumeric, .json, .range:
                throw .unsupported("\(type) literals", at: location)
            }
        }
    }

    /// The GoogleSQL type a type name denotes.
    func sqlType(_ name: TypeName) throws(QueryError) -> SQLType {
        switch name.kind {
        case .named(let text, _):
            guard let type = SQLType(schemaType: text), !type.isNested else { throw .at(name.location, "Type not found: \(text)") }
            return type
        case .array(let element): return .array(try sqlType(element))
        case .struct(let fields):
            var result: [SQLType.StructField] = []
            for field in fields { result.append(.init(field.name?.name ?? "", try sqlType(field.type))) }
            return .struct(result)
        case .range: throw .unsupported("RANGE", at: name.location)
        }
    }

    // MARK: CASE

    func caseWhen(_ expression: CaseExpression, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        var parts: [Typed] = []
        var sql = "CASE"
        if let operand = expression.operand {
            let value = try self.expression(operand, &context)
            parts.append(value)
            sql += " \(value.sql)"
        }
        var resultType: SQLType?
        var results: [Typed] = []
        for branch in expression.branches {
            let condition = try self.expression(branch.condition, &context)
            if expression.operand == nil { try requireBool(condition, branch.condition, "WHEN clause") }
            let result = try self.expression(branch.result, &context)
            parts += [condition, result]
            results.append(result)
            sql += " WHEN \(condition.sql) THEN \(result.sql)"
        }
        if let elseResult = expression.elseResult {
            let value = try self.expression(elseResult, &context)
            parts.append(value)
            results.append(value)
            sql += " ELSE \(value.sql)"
        }
        for result in results where !result.isNullLiteral {
            guard let type = resultType else { resultType = result.type; continue }
            guard let merged = Self.supertype(type, result.type) else {
                throw .at(location, "No matching signature for operator CASE; all THEN/ELSE arguments must be coercible to a common type but found: \(type), \(result.type)")
            }
            resultType = merged
        }
        let value = combine(sql + " END", resultType ?? .int64, parts)
        return value
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }

    /// `(x IS NULL)` → `(x IS NOT NULL)` when negated.
    func replacingFirstIS(_ negated: Bool) -> String {
        guard negated, let range = self.range(ofLast: " IS ") else { return self }
        return String(self[..<range.upperBound]) + "NOT " + self[range.upperBound...]
    }

    func range(ofLast needle: String) -> Range<String.Index>? {
        var index = endIndex
        while index > startIndex {
            index = self.index(before: index)
            if self[index...].hasPrefix(needle) { return index..<self.index(index, offsetBy: needle.count) }
        }
        return nil
    }
}
