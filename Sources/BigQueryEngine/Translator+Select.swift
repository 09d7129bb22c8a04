import GoogleSQL

/// What expressions may do where they are translated.
struct ExpressionContext {
    var scope: Scope
    /// GROUP BY keys' SQL when the SELECT aggregates (columns outside aggregates must be keys).
    var keys: Set<String>?
    var allowAggregates = false
    var allowWindows = false
    var inAggregate = false
    var windows: [NamedWindow] = []
    /// SELECT-list aliases visible here (HAVING, QUALIFY, ORDER BY): name (lower case) → value.
    var aliases: [String: Typed] = [:]
    /// Expressions of the rows to the left of an UNNEST, computed once per row there (``Hoisting``).
    var hoisting: Hoisting?
}

/// A translated SELECT: SQL with columns `c0…`, and the columns' names and types.
struct SelectPlan {
    var sql: String
    var columns: [EngineColumn]
    /// Positions of columns without a name of their own (`f0_`, …): anonymous STRUCT fields under `SELECT AS STRUCT`.
    var anonymous: Set<Int> = []
}

extension Translator {
    static let aggregateNames: Set<String> = [
        "COUNT", "SUM", "AVG", "MIN", "MAX", "COUNTIF", "LOGICAL_AND", "LOGICAL_OR", "ANY_VALUE", "STRING_AGG", "ARRAY_AGG",
        "APPROX_COUNT_DISTINCT", "BIT_AND", "BIT_OR", "BIT_XOR",
    ]

    func select(_ select: Select, outer: Scope?, orderBy: [OrderingTerm]) throws(QueryError) -> SelectPlan {
        let plan = try selectRows(select, outer: outer, orderBy: orderBy)
        switch select.asKind {
        case nil:
            return plan
        case .value:
            // A value table: its one column is the row.
            guard plan.columns.count == 1 else { throw .at(select.location, "SELECT AS VALUE query must have exactly one column") }
            return plan
        case .struct:
            // One STRUCT column whose fields are the SELECT list (the rows' order is kept).
            let type = SQLType.struct(plan.columns.enumerated().map { .init(plan.anonymous.contains($0.offset) ? "" : $0.element.name, $0.element.type) })
            guard plan.columns.count < 127 else { throw .unsupported("SELECT AS STRUCT with more than 126 columns", at: select.location) }
            let fields = ([typeCode(type)] + plan.columns.indices.map { "c\($0)" }).joined(separator: ", ")
            return SelectPlan(sql: "SELECT bq_make_struct(\(fields)) AS c0 FROM (\(plan.sql))", columns: [EngineColumn("f0_", type)])
        }
    }

    func selectRows(_ select: Select, outer: Scope?, orderBy: [OrderingTerm]) throws(QueryError) -> SelectPlan {
        let select = Self.rowNumberFilterAsQualify(select)
        let scope = Scope(parent: outer)
        let scopeKey = ObjectIdentifier(scope)
        selectScopes.insert(scopeKey)
        defer {
            selectScopes.remove(scopeKey)
            hoistTargets[scopeKey] = nil
        }
        var sql = "SELECT "
        if select.isDistinct { sql += "DISTINCT " }
        var fromSQL = ""
        if let from = select.from { fromSQL = " FROM " + (try tableExpression(from, scope: scope)) }

        var context = ExpressionContext(scope: scope, windows: select.windows)
        if let target = hoistTargets[scopeKey], Self.rowsAreIndependent(select, orderBy: orderBy) {
            context.hoisting = Hoisting(alias: target.alias)
        }
        var whereSQL = ""
        if let condition = select.whereCondition {
            let value = try expression(condition, &context)
            try requireBool(value, condition, "WHERE clause")
            whereSQL = " WHERE " + value.sql
        }

        // Grouping: explicit GROUP BY, or aggregates in the SELECT list or HAVING.
        let aggregates = select.items.contains { item in
            if case .expression(let expression, _) = item.kind { return Self.containsAggregate(expression) }
            return false
        } || select.having.map(Self.containsAggregate) == true
        var groupSQL = ""
        if let groupBy = select.groupBy {
            guard case .items(let items) = groupBy.kind else { throw .unsupported("GROUP BY ALL", at: groupBy.location) }
            var keys: [String] = []
            for item in items {
                guard case .expression(let expression) = item.kind else {
                    throw .unsupported("ROLLUP, CUBE and GROUPING SETS", at: item.location)
                }
                keys.append(try groupingKey(expression, select: select, context: context))
            }
            context.keys = Set(keys)
            groupSQL = " GROUP BY " + keys.joined(separator: ", ")
        } else if aggregates {
            context.keys = []
        }

        // The SELECT list.
        context.allowAggregates = true
        context.allowWindows = true
        var items: [String] = []
        var columns: [EngineColumn] = []
        var anonymous = 0
        var anonymousColumns: Set<Int> = []
        for item in select.items {
            switch item.kind {
            case .expression(let expression, let alias):
                let value = try self.expression(expression, &context)
                try checkGrouped(value)
                let name: String
                if let alias { name = alias.name } else if case .path(let path) = expression.kind {
                    name = path.components.last!.name
                } else {
                    name = "f\(anonymous)_"
                    anonymousColumns.insert(columns.count)
                    anonymous += 1
                }
                items.append("\(value.sql) AS c\(columns.count)")
                columns.append(EngineColumn(name, value.isNullLiteral ? .int64 : value.type))
                context.aliases[name.lowercased()] = value
            case .star(let modifiers):
                // A USING name once, as the merged column: each side's own is left out.
                for column in try expandStar(scope.columns.filter { !$0.hiddenByUsing }, modifiers, &context, at: item.location) {
                    items.append("\(column.sql) AS c\(columns.count)")
                    columns.append(EngineColumn(column.name, column.type))
                }
            case .qualifiedStar(let expression, let modifiers):
                guard case .path(let path) = expression.kind, path.components.count == 1,
                      let range = scope.range(path.components[0].name)
                else { throw .unsupported("this form of .*", at: item.location) }
                for column in try expandStar(range, modifiers, &context, at: item.location) {
                    items.append("\(column.sql) AS c\(columns.count)")
                    columns.append(EngineColumn(column.name, column.type))
                }
            }
        }
        if items.isEmpty { throw .at(select.location, "SELECT list must not be empty") }
        sql += items.joined(separator: ", ") + fromSQL + whereSQL + groupSQL

        if let having = select.having {
            guard context.keys != nil else { throw .at(having.location, "HAVING clause requires GROUP BY or aggregation to be present") }
            context.allowWindows = false
            let value = try expression(having, &context)
            try requireBool(value, having, "HAVING clause")
            try checkGrouped(value)
            sql += " HAVING " + value.sql
            context.allowWindows = true
        }

        // ORDER BY: output columns by ordinal or alias, or any expression of the FROM clause.
        var order: [String] = []
        for term in orderBy {
            if case .literal(.integer(let text)) = term.expression.kind {
                guard let ordinal = Int(text), ordinal >= 1, ordinal <= columns.count else {
                    throw .at(term.expression.location, "ORDER BY is out of SELECT column number range: \(text)")
                }
                order.append(orderKey("c\(ordinal - 1)", columns[ordinal - 1].type) + orderSuffix(term, columns[ordinal - 1].type))
                continue
            }
            if case .path(let path) = term.expression.kind, path.components.count == 1,
               let index = columns.firstIndex(where: { $0.name.lowercased() == path.components[0].name.lowercased() }) {
                order.append(orderKey("c\(index)", columns[index].type) + orderSuffix(term, columns[index].type))
                continue
            }
            if select.isDistinct {
                throw .at(term.expression.location, "ORDER BY clause expression references a column that is not visible after SELECT DISTINCT")
            }
            let value = try expression(term.expression, &context)
            try checkGrouped(value)
            order.append(orderKey(value.sql, value.type) + orderSuffix(term, value.type))
        }

        if let qualify = select.qualify {
            // Filter on window results: the SELECT (plus the condition) becomes a subquery.
            let value = try expression(qualify, &context)
            try requireBool(value, qualify, "QUALIFY clause")
            let alias = nextAlias()
            let outputs = (0..<columns.count).map { "\(alias).c\($0) AS c\($0)" }.joined(separator: ", ")
            var wrapped: String
            if let plan = Self.latestRowPlan(select), let latest = try latestRowSQL(plan, context) {
                // The first row per partition as a GROUP BY (Translator+LatestRow); the outer WHERE
                // reads q_ so that SQLite keeps the max()/min() that chooses the rows.
                let inner = sql.replacingFirst(" FROM ", with: ", \(latest.pick) AS q_ FROM ", after: items.joined(separator: ", "))
                    + " GROUP BY " + latest.keys
                wrapped = "SELECT \(outputs) FROM (\(inner)) AS \(alias) WHERE (\(alias).q_ IS NULL OR \(alias).q_ IS NOT NULL)"
            } else {
                let inner = sql.replacingFirst(" FROM ", with: ", \(value.sql) AS q_ FROM ", after: items.joined(separator: ", "))
                wrapped = "SELECT \(outputs) FROM (\(inner)) AS \(alias) WHERE \(alias).q_"
            }
            if !order.isEmpty {
                guard order.allSatisfy({ $0.hasPrefix("c") }) else {
                    throw .unsupported("ORDER BY an expression that is not a SELECT column together with QUALIFY", at: qualify.location)
                }
                wrapped += " ORDER BY " + order.map { "\(alias).\($0)" }.joined(separator: ", ")
            }
            return SelectPlan(sql: wrapped, columns: columns, anonymous: anonymousColumns)
        }
        if !order.isEmpty { sql += " ORDER BY " + order.joined(separator: ", ") }
        if let hoisting = context.hoisting, let target = hoistTargets[scopeKey], !hoisting.entries.isEmpty {
            if let range = sql.firstRange(of: target.item) { sql.replaceSubrange(range, with: hoisting.source(target.item)) }
        }
        return SelectPlan(sql: sql, columns: columns, anonymous: anonymousColumns)
    }

    /// A GROUP BY item: a SELECT-list ordinal or alias, or an expression of the FROM clause.
    func groupingKey(_ expression: Expression, select: Select, context: ExpressionContext) throws(QueryError) -> String {
        var context = context
        context.hoisting = nil
        var target = expression
        if case .literal(.integer(let text)) = expression.kind {
            guard let ordinal = Int(text), ordinal >= 1, ordinal <= select.items.count,
                  case .expression(let item, _) = select.items[ordinal - 1].kind
            else { throw .at(expression.location, "GROUP BY is out of SELECT column number range: \(text)") }
            target = item
        } else if case .path(let path) = expression.kind, path.components.count == 1,
                  (try? context.scope.column(path.components[0].name, at: path.location)) == nil {
            for item in select.items {
                if case .expression(let value, let alias?) = item.kind, alias.name.lowercased() == path.components[0].name.lowercased() {
                    target = value
                }
            }
        }
        if Self.containsAggregate(target) { throw .at(target.location, "GROUP BY expression references an aggregate") }
        return try self.expression(target, &context).sql
    }

    func checkGrouped(_ value: Typed) throws(QueryError) {
        if let (name, location) = value.ungrouped {
            throw .at(location, "SELECT list expression references column \(name) which is neither grouped nor aggregated")
        }
    }

    func requireBool(_ value: Typed, _ expression: Expression, _ clause: String) throws(QueryError) {
        guard value.type == .bool || value.isNullLiteral else {
            throw .at(expression.location, "\(clause) should return type BOOL, but returns \(value.type)")
        }
    }

    /// `*` with EXCEPT and REPLACE.
    func expandStar(_ columns: [ScopeColumn], _ modifiers: StarModifiers, _ context: inout ExpressionContext,
                    at location: SourceLocation) throws(QueryError) -> [ScopeColumn] {
        if columns.isEmpty { throw .at(location, "SELECT * must have a FROM clause") }
        let excluded = Set(modifiers.except.map { $0.name.lowercased() })
        for name in modifiers.except where !columns.contains(where: { $0.name.lowercased() == name.name.lowercased() }) {
            throw .at(name.location, "Column \(name.name) in SELECT * EXCEPT list does not exist")
        }
        var result: [ScopeColumn] = []
        for column in columns where column.inStar && !excluded.contains(column.name.lowercased()) {
            if let replacement = modifiers.replace.first(where: { $0.name.name.lowercased() == column.name.lowercased() }) {
                let value = try expression(replacement.expression, &context)
                try checkGrouped(value)
                result.append(ScopeColumn(qualifier: column.qualifier, name: column.name, type: value.type, sql: value.sql))
            } else {
                if let keys = context.keys, !keys.contains(column.sql) {
                    throw .at(location, "SELECT list expression references column \(column.name) which is neither grouped nor aggregated")
                }
                result.append(column)
            }
        }
        return result
    }

    /// Whether `expression` calls an aggregate function outside a window and outside subqueries.
    static func containsAggregate(_ expression: Expression) -> Bool {
        containsCall(expression) { $0.over == nil && aggregateNames.contains($0.dottedName.uppercased()) }
    }

    /// Whether `expression` calls a function `matching` (outside subqueries; a match's own arguments are not searched).
    static func containsCall(_ expression: Expression, matching: (FunctionCall) -> Bool) -> Bool {
        var found = false
        func visit(_ e: Expression) {
            if found { return }
            switch e.kind {
            case .function(let call):
                if matching(call) { found = true; return }
                call.arguments.forEach(visit)
            case .unary(_, let a): visit(a)
            case .binary(_, let a, let b): visit(a); visit(b)
            case .between(let a, let b, let c, _): visit(a); visit(b); visit(c)
            case .inList(let a, let list, _): visit(a); list.forEach(visit)
            case .isTest(let a, _, _): visit(a)
            case .isDistinctFrom(let a, let b, _): visit(a); visit(b)
            case .caseWhen(let c):
                c.operand.map(visit)
                c.branches.forEach { visit($0.condition); visit($0.result) }
                c.elseResult.map(visit)
            case .cast(let c): visit(c.expression)
            case .fieldAccess(let a, _): visit(a)
            case .subscripted(let a, let s): visit(a); visit(s.value)
            case .inUnnest(let a, let b, _): visit(a); visit(b)
            case .array(let literal): literal.elements.forEach(visit)
            case .structConstructor(let constructor): constructor.fields.forEach { visit($0.value) }
            case .extract(let x): visit(x.source)
            default: break
            }
        }
        visit(expression)
        return found
    }
}

extension String {
    /// `self` with the first `target` after the prefix `after` replaced (the FROM after a SELECT list).
    func replacingFirst(_ target: String, with replacement: String, after prefix: String) -> String {
        let head = "SELECT " + (hasPrefix("SELECT DISTINCT ") ? "DISTINCT " : "") + prefix
        guard hasPrefix(head) else { return self }
        let rest = dropFirst(head.count)
        if rest.hasPrefix(target) { return head + replacement + rest.dropFirst(target.count) }
        return head + replacement.dropLast(" FROM ".count) + rest
    }
}
