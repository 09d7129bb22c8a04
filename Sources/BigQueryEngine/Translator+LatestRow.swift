import GoogleSQL

/// The latest-row-per-key shape of de-duplication,
/// `QUALIFY ROW_NUMBER() OVER (PARTITION BY k… ORDER BY o DESC) = 1`, as a GROUP BY instead of
/// a window: SQLite's bare columns take their values from the row holding a query's one `max()`
/// (or `min()`), so `SELECT …, max(o) FROM … GROUP BY k…` picks each partition's first row with
/// one sort of the rows, where the window sorts them and buffers every partition.
///
/// Only where the answers are the same: one ORDER BY term whose NULLs sort last (DESC, or
/// ASC NULLS LAST: `max()` and `min()` skip NULLs, and a partition whose terms are all NULL may
/// answer any of its rows, as ROW_NUMBER may), at least one PARTITION BY key, and a SELECT with
/// no other analytic function, no aggregate, no GROUP BY, HAVING or DISTINCT.
struct LatestRowPlan {
    var partitionBy: [Expression]
    var orderBy: Expression
    /// `max` (descending) or `min` (ascending, NULLS LAST).
    var pick: String
}

extension Translator {
    /// The plan when `select`'s QUALIFY keeps the first row of each partition, else `nil`.
    static func latestRowPlan(_ select: Select) -> LatestRowPlan? {
        guard let qualify = select.qualify, select.from != nil, !select.isDistinct, select.groupBy == nil, select.having == nil,
              select.asKind == nil, case .binary(.equal, let lhs, let rhs) = qualify.kind
        else { return nil }
        let call: FunctionCall
        switch (lhs.kind, rhs.kind) {
        case (.function(let function), .literal(.integer(let one))), (.literal(.integer(let one)), .function(let function)):
            guard Int64(one) == 1 else { return nil }
            call = function
        default:
            return nil
        }
        guard call.dottedName.uppercased() == "ROW_NUMBER", call.arguments.isEmpty, !call.isDistinct, !call.isSafe,
              call.nullHandling == nil, call.orderBy.isEmpty, call.limit == nil, let over = call.over
        else { return nil }
        var specification: WindowSpecification
        switch over {
        case .specification(let given): specification = given
        case .named(let name):
            guard let named = select.windows.first(where: { $0.name.name.lowercased() == name.name.lowercased() }) else { return nil }
            specification = named.specification
        }
        if let base = specification.baseWindow {
            guard let inherited = select.windows.first(where: { $0.name.name.lowercased() == base.name.lowercased() }),
                  inherited.specification.baseWindow == nil
            else { return nil }
            if specification.partitionBy.isEmpty { specification.partitionBy = inherited.specification.partitionBy }
            if specification.orderBy.isEmpty { specification.orderBy = inherited.specification.orderBy }
            if specification.frame == nil { specification.frame = inherited.specification.frame }
        }
        guard !specification.partitionBy.isEmpty, specification.orderBy.count == 1, specification.frame == nil else { return nil }
        let term = specification.orderBy[0]
        let pick: String
        switch (term.direction ?? .ascending, term.nulls) {
        case (.descending, nil), (.descending, .last?): pick = "max"
        case (.ascending, .last?): pick = "min"
        default: return nil
        }
        // Nothing else may be computed over the rows: the rows become groups.
        let overRows: (FunctionCall) -> Bool = { call in
            call.over != nil || windowOnlyNames.contains(call.dottedName.uppercased()) || aggregateNames.contains(call.dottedName.uppercased())
        }
        var expressions = specification.partitionBy + [term.expression]
        for item in select.items {
            switch item.kind {
            case .expression(let expression, _): expressions.append(expression)
            case .star(let modifiers), .qualifiedStar(_, let modifiers): expressions += modifiers.replace.map(\.expression)
            }
        }
        if expressions.contains(where: { containsCall($0, matching: overRows) }) { return nil }
        return LatestRowPlan(partitionBy: specification.partitionBy, orderBy: term.expression, pick: pick)
    }

    /// The GROUP BY keys and the `max(o)`/`min(o)` of `plan` in `context`; `nil` when the ORDER BY
    /// value does not sort natively (then the window is used).
    func latestRowSQL(_ plan: LatestRowPlan, _ context: ExpressionContext) throws(QueryError) -> (keys: String, pick: String)? {
        var inner = context
        inner.hoisting = nil
        inner.allowWindows = false
        inner.allowAggregates = false
        let order = try expression(plan.orderBy, &inner)
        guard order.type.isNativelyOrdered, !order.isNullLiteral else { return nil }
        var keys: [String] = []
        for expression in plan.partitionBy {
            let key = try self.expression(expression, &inner).sql
            // A constant integer after GROUP BY would be a column ordinal.
            if Int64(key) != nil || Double(key) != nil { return nil }
            keys.append(key)
        }
        return (keys.joined(separator: ", "), "\(plan.pick)(\(order.sql))")
    }
}

extension Translator {
    /// `SELECT … FROM (SELECT …, ROW_NUMBER() OVER (…) AS rn FROM …) WHERE rn = 1`, the other
    /// spelling of the de-duplication, with the filter moved into the subquery: it keeps its first
    /// rows by QUALIFY and answers `rn` as the constant 1, so that ``latestRowPlan(_:)`` can apply.
    /// The outer WHERE stays (now always true). Any other query is answered as given.
    static func rowNumberFilterAsQualify(_ select: Select) -> Select {
        guard let from = select.from, case .subquery(var query, let alias) = from.kind,
              query.with == nil, query.orderBy.isEmpty, query.limit == nil, case .select(var inner) = query.body,
              inner.qualify == nil, !inner.isDistinct, inner.groupBy == nil, inner.having == nil, inner.asKind == nil,
              let condition = select.whereCondition, case .binary(.equal, let lhs, let rhs) = condition.kind
        else { return select }
        let reference: PathExpression
        switch (lhs.kind, rhs.kind) {
        case (.path(let path), .literal(.integer(let one))), (.literal(.integer(let one)), .path(let path)):
            guard Int64(one) == 1 else { return select }
            reference = path
        default:
            return select
        }
        let name: String
        switch reference.components.count {
        case 1: name = reference.components[0].name.lowercased()
        case 2:
            guard let alias, reference.components[0].name.lowercased() == alias.name.lowercased() else { return select }
            name = reference.components[1].name.lowercased()
        default: return select
        }
        // Exactly one item of the subquery is named `name`, and it is ROW_NUMBER() OVER (…).
        var numbered: (index: Int, call: Expression, alias: Identifier)?
        for (index, item) in inner.items.enumerated() {
            guard case .expression(let expression, let itemAlias) = item.kind else { continue }
            let itemName: String?
            if let itemAlias { itemName = itemAlias.name } else if case .path(let path) = expression.kind {
                itemName = path.components.last?.name
            } else {
                itemName = nil
            }
            guard itemName?.lowercased() == name else { continue }
            guard numbered == nil, let itemAlias, case .function(let call) = expression.kind,
                  call.dottedName.uppercased() == "ROW_NUMBER", call.over != nil
            else { return select }
            numbered = (index, expression, itemAlias)
        }
        guard let numbered else { return select }
        let one = Expression(.literal(.integer("1")), at: numbered.call.location)
        inner.items[numbered.index].kind = .expression(one, alias: numbered.alias)
        inner.qualify = Expression(.binary(.equal, numbered.call, one), at: numbered.call.location)
        query.body = .select(inner)
        var rewritten = select
        rewritten.from?.kind = .subquery(query, alias: alias)
        return rewritten
    }
}
