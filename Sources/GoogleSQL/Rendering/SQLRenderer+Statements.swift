/// Statements, queries and FROM clauses.
extension SQLRenderer {
    static func statement(_ statement: Statement) -> String {
        switch statement.kind {
        case .query(let value): return query(value)
        case .createTable(let value): return createTable(value)
        case .createView(let view):
            var text = "CREATE " + (view.orReplace ? "OR REPLACE " : "") + "VIEW " + (view.ifNotExists ? "IF NOT EXISTS " : "")
            text += path(view.name)
            if !view.columns.isEmpty { text += " (" + list(view.columns, identifier) + ")" }
            if !view.options.isEmpty { text += " " + options(view.options) }
            return text + " AS " + query(view.query)
        case .drop(let drop):
            return "DROP \(drop.objectType.rawValue) " + (drop.ifExists ? "IF EXISTS " : "") + path(drop.name)
        case .truncateTable(let truncate):
            return "TRUNCATE TABLE " + path(truncate.name)
        case .insert(let insert):
            var text = "INSERT INTO " + path(insert.target)
            if let columns = insert.columns { text += " (" + list(columns, identifier) + ")" }
            switch insert.source {
            case .values(let rows): return text + " VALUES " + list(rows) { "(" + list($0, expression) + ")" }
            case .query(let source): return text + " " + query(source)
            }
        case .update(let update):
            var text = "UPDATE " + path(update.target) + alias(update.alias) + " SET " + assignments(update.assignments)
            if let from = update.from { text += " FROM " + tableExpression(from) }
            return text + " WHERE " + expression(update.whereCondition)
        case .delete(let delete):
            return "DELETE FROM " + path(delete.target) + alias(delete.alias) + " WHERE " + expression(delete.whereCondition)
        case .merge(let merge):
            var text = "MERGE INTO " + path(merge.target) + alias(merge.alias) + " USING " + tableExpression(merge.source)
            text += " ON " + expression(merge.condition)
            for clause in merge.clauses { text += " " + mergeClause(clause) }
            return text
        }
    }

    static func alias(_ alias: Identifier?) -> String {
        alias.map { " AS " + identifier($0) } ?? ""
    }

    static func createTable(_ table: CreateTable) -> String {
        var text = "CREATE " + (table.orReplace ? "OR REPLACE " : "") + (table.isTemporary ? "TEMP " : "") + "TABLE "
        text += (table.ifNotExists ? "IF NOT EXISTS " : "") + path(table.name)
        if !table.columns.isEmpty {
            text += " (" + list(table.columns) { column in
                var definition = identifier(column.name) + " " + type(column.type)
                if let value = column.defaultValue { definition += " DEFAULT " + expression(value) }
                if column.isNotNull { definition += " NOT NULL" }
                if !column.options.isEmpty { definition += " " + options(column.options) }
                return definition
            } + ")"
        }
        if let partition = table.partitionBy { text += " PARTITION BY " + expression(partition) }
        if !table.clusterBy.isEmpty { text += " CLUSTER BY " + list(table.clusterBy, expression) }
        if !table.options.isEmpty { text += " " + options(table.options) }
        if let source = table.query { text += " AS " + query(source) }
        return text
    }

    static func assignments(_ assignments: [Assignment]) -> String {
        list(assignments) { path($0.target) + " = " + expression($0.value) }
    }

    static func mergeClause(_ clause: MergeClause) -> String {
        var text = "WHEN " + clause.match.rawValue
        if let condition = clause.condition { text += " AND " + expression(condition) }
        text += " THEN "
        switch clause.action {
        case .update(let items): text += "UPDATE SET " + assignments(items)
        case .delete: text += "DELETE"
        case .insert(let columns, let values):
            text += "INSERT"
            if let columns { text += " (" + list(columns, identifier) + ")" }
            switch values {
            case .row: text += " ROW"
            case .values(let row): text += " VALUES (" + list(row, expression) + ")"
            }
        }
        return text
    }

    // MARK: Queries

    static func query(_ query: Query) -> String {
        var parts: [String] = []
        if let with = query.with {
            parts.append("WITH " + (with.isRecursive ? "RECURSIVE " : "") + list(with.tables) { table in
                identifier(table.name) + " AS (" + self.query(table.query) + ")"
            })
        }
        parts.append(queryBody(query.body))
        if !query.orderBy.isEmpty { parts.append("ORDER BY " + list(query.orderBy, orderingTerm)) }
        if let limit = query.limit {
            parts.append("LIMIT " + expression(limit.count) + (limit.offset.map { " OFFSET " + expression($0) } ?? ""))
        }
        return parts.joined(separator: " ")
    }

    static func queryBody(_ body: QueryBody) -> String {
        switch body {
        case .select(let select): return self.select(select)
        case .parenthesized(let inner): return "(" + query(inner) + ")"
        case .setOperation(let operation):
            return operation.operands.map(queryBody).joined(separator: " " + operation.operator.rawValue + " ")
        }
    }

    static func select(_ select: Select) -> String {
        var parts = ["SELECT"]
        if select.isDistinct { parts.append("DISTINCT") }
        if let asKind = select.asKind { parts.append("AS " + asKind.rawValue) }
        parts.append(list(select.items, selectItem))
        if let from = select.from { parts.append("FROM " + tableExpression(from)) }
        if let condition = select.whereCondition { parts.append("WHERE " + expression(condition)) }
        if let groupBy = select.groupBy {
            switch groupBy.kind {
            case .all: parts.append("GROUP BY ALL")
            case .items(let items): parts.append("GROUP BY " + list(items, groupingItem))
            }
        }
        if let having = select.having { parts.append("HAVING " + expression(having)) }
        if let qualify = select.qualify { parts.append("QUALIFY " + expression(qualify)) }
        if !select.windows.isEmpty {
            parts.append("WINDOW " + list(select.windows) { window in
                let specification = window.specification
                let isReference = specification.partitionBy.isEmpty && specification.orderBy.isEmpty && specification.frame == nil
                if isReference, let base = specification.baseWindow { return identifier(window.name) + " AS " + identifier(base) }
                return identifier(window.name) + " AS " + windowSpecification(specification)
            })
        }
        return parts.joined(separator: " ")
    }

    static func selectItem(_ item: SelectItem) -> String {
        switch item.kind {
        case .expression(let value, let alias): return expression(value) + self.alias(alias)
        case .star(let modifiers): return "*" + starModifiers(modifiers)
        case .qualifiedStar(let value, let modifiers): return expression(value) + ".*" + starModifiers(modifiers)
        }
    }

    static func starModifiers(_ modifiers: StarModifiers) -> String {
        var text = ""
        if !modifiers.except.isEmpty { text += " EXCEPT (" + list(modifiers.except, identifier) + ")" }
        if !modifiers.replace.isEmpty {
            text += " REPLACE (" + list(modifiers.replace) { expression($0.expression) + " AS " + identifier($0.name) } + ")"
        }
        return text
    }

    static func groupingItem(_ item: GroupingItem) -> String {
        switch item.kind {
        case .expression(let value): return expression(value)
        case .rollup(let values): return "ROLLUP(" + list(values, expression) + ")"
        case .cube(let values): return "CUBE(" + list(values, expression) + ")"
        case .groupingSets(let sets): return "GROUPING SETS (" + list(sets, groupingItem) + ")"
        case .set(let values): return "(" + list(values, expression) + ")"
        }
    }

    static func tableExpression(_ table: TableExpression) -> String {
        switch table.kind {
        case .table(let reference):
            var text = path(reference.path) + alias(reference.alias) + withOffset(reference.withOffset)
            if let time = reference.systemTime { text += " FOR SYSTEM_TIME AS OF " + expression(time) }
            return text
        case .subquery(let subquery, let name):
            return "(" + query(subquery) + ")" + alias(name)
        case .unnest(let unnest):
            return "UNNEST(" + expression(unnest.array) + ")" + alias(unnest.alias) + withOffset(unnest.withOffset)
        case .join(let join):
            let left = tableExpression(join.left), right = tableExpression(join.right)
            let joined = join.kind == .comma ? left + ", " + right
                : left + " " + (join.kind == .inner ? "JOIN" : join.kind.rawValue) + " " + right
            switch join.condition {
            case .on(let condition)?: return joined + " ON " + expression(condition)
            case .using(let columns)?: return joined + " USING (" + list(columns, identifier) + ")"
            case nil: return joined
            }
        case .parenthesized(let inner):
            return "(" + tableExpression(inner) + ")"
        }
    }

    static func withOffset(_ offset: WithOffset?) -> String {
        guard let offset else { return "" }
        return " WITH OFFSET" + alias(offset.alias)
    }
}
