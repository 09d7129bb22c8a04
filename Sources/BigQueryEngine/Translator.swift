import GoogleSQL

/// A query translated to SQLite: its SQL (result columns named `c0`, `c1`, …) and its columns
/// as GoogleSQL names and types them.
public struct TranslatedQuery: Sendable {
    public var sql: String
    public var columns: [EngineColumn]
    /// The tables it reads (for `totalBytesProcessed`).
    public var tablesRead: [EngineTable]
}

/// Type-checks GoogleSQL queries against a catalog and translates them to SQLite SQL with
/// BigQuery's semantics; anything it does not cover is an `invalidQuery` naming the construct
/// and its line and column, never a different answer.
public final class Translator {
    let catalog: any EngineCatalog
    /// Common table expressions in scope, innermost last: name (lower case) → SQL name and columns.
    var ctes: [[String: (sql: String, columns: [EngineColumn])]] = []
    var aliasCounter = 0
    var tablesRead: [EngineTable] = []
    /// Views being expanded (against recursion).
    var expanding: Set<String> = []
    /// The values of `@name` and `?`.
    let parameters: QueryParameters
    /// SELECTs being translated (their FROM scopes), which may hoist expressions of their rows.
    var selectScopes: Set<ObjectIdentifier> = []
    /// Per SELECT scope: the FROM item joined to an UNNEST whose expressions can be hoisted
    /// (``Hoisting``): its SQL alias and its SQL as the FROM clause has it.
    var hoistTargets: [ObjectIdentifier: (alias: String, item: String)] = [:]

    public init(catalog: any EngineCatalog, parameters: QueryParameters = QueryParameters()) {
        self.catalog = catalog
        self.parameters = parameters
    }

    /// Translates one query.
    public func translate(_ query: Query) throws(QueryError) -> TranslatedQuery {
        tablesRead = []
        var (sql, columns) = try self.query(query, outer: nil)
        if columns.contains(where: { FunctionLibrary.isArray($0.type) }) {
            // Arrays leaving the query: NULL is answered as empty, a NULL element is an error.
            let outputs = columns.enumerated().map { index, column in
                FunctionLibrary.isArray(column.type) ? "bq_array_result(c\(index), \(SQLText.quote(column.name))) AS c\(index)" : "c\(index)"
            }
            sql = "SELECT \(outputs.joined(separator: ", ")) FROM (\(sql))"
        }
        return TranslatedQuery(sql: sql, columns: columns, tablesRead: tablesRead)
    }

    func nextAlias() -> String {
        aliasCounter += 1
        return "t\(aliasCounter)"
    }

    // MARK: Queries

    /// `[WITH …] body [ORDER BY …] [LIMIT …]` as SQL whose columns are `c0…`.
    func query(_ query: Query, outer: Scope?) throws(QueryError) -> (String, [EngineColumn]) {
        var withSQL = ""
        var pushed = false
        if let with = query.with {
            if with.isRecursive { throw .unsupported("WITH RECURSIVE", at: with.location) }
            var frame: [String: (sql: String, columns: [EngineColumn])] = [:]
            ctes.append(frame)
            pushed = true
            var parts: [String] = []
            for cte in with.tables {
                let (sql, columns) = try self.query(cte.query, outer: outer)
                let name = "cte_\(nextAlias())"
                parts.append("\(name) AS (\(sql))")
                frame[cte.name.name.lowercased()] = (name, columns)
                ctes[ctes.count - 1] = frame
            }
            withSQL = "WITH " + parts.joined(separator: ", ") + " "
        }
        defer { if pushed { ctes.removeLast() } }

        // A plain SELECT takes its ORDER BY in its own scope (any FROM column may be used).
        if case .select(let select) = query.body {
            let plan = try self.select(select, outer: outer, orderBy: query.orderBy)
            var sql = withSQL + plan.sql
            sql += try limitSQL(query.limit)
            return (sql, plan.columns)
        }
        var (sql, columns) = try body(query.body, outer: outer)
        if !query.orderBy.isEmpty || query.limit != nil {
            let alias = nextAlias()
            var order: [String] = []
            for term in query.orderBy {
                order.append(try outputOrder(term, columns: columns, alias: alias))
            }
            sql = "SELECT * FROM (\(sql)) AS \(alias)" + (order.isEmpty ? "" : " ORDER BY " + order.joined(separator: ", "))
            sql += try limitSQL(query.limit)
        }
        return (withSQL + sql, columns)
    }

    func body(_ body: QueryBody, outer: Scope?) throws(QueryError) -> (String, [EngineColumn]) {
        switch body {
        case .select(let select):
            let plan = try self.select(select, outer: outer, orderBy: [])
            return (plan.sql, plan.columns)
        case .parenthesized(let query):
            let (sql, columns) = try self.query(query, outer: outer)
            return ("SELECT * FROM (\(sql))", columns)
        case .setOperation(let operation):
            var parts: [String] = []
            var columns: [EngineColumn]?
            for operand in operation.operands {
                let (sql, operandColumns) = try self.body(operand, outer: outer)
                if let existing = columns {
                    guard existing.count == operandColumns.count else {
                        throw .at(operand.location, "Queries in \(operation.operator.rawValue) have mismatched column count; query 1 has "
                                      + "\(existing.count) columns, query \(parts.count + 1) has \(operandColumns.count) columns")
                    }
                    var merged = existing
                    for index in existing.indices {
                        guard let type = Self.supertype(existing[index].type, operandColumns[index].type) else {
                            throw .at(operand.location, "Column \(index + 1) in \(operation.operator.rawValue) has incompatible types: "
                                          + "\(existing[index].type), \(operandColumns[index].type)")
                        }
                        merged[index].type = type
                    }
                    columns = merged
                } else {
                    columns = operandColumns
                }
                parts.append("SELECT * FROM (\(sql))")
            }
            let keyword = switch operation.operator {
            case .unionAll: " UNION ALL "
            case .unionDistinct: " UNION "
            case .intersectDistinct: " INTERSECT "
            case .exceptDistinct: " EXCEPT "
            }
            return (parts.joined(separator: keyword), columns ?? [])
        }
    }

    func limitSQL(_ limit: LimitClause?) throws(QueryError) -> String {
        guard let limit else { return "" }
        func count(_ expression: Expression, _ what: String) throws(QueryError) -> Int64 {
            guard case .literal(.integer(let text)) = expression.kind, let value = Int64(text), value >= 0 else {
                throw .at(expression.location, "\(what) expects an integer literal or parameter")
            }
            return value
        }
        var sql = " LIMIT \(try count(limit.count, "LIMIT"))"
        if let offset = limit.offset { sql += " OFFSET \(try count(offset, "OFFSET"))" }
        return sql
    }

    /// An ORDER BY term over a query's output columns (`c0…` of `alias`): an ordinal or a name.
    func outputOrder(_ term: OrderingTerm, columns: [EngineColumn], alias: String) throws(QueryError) -> String {
        let index: Int
        switch term.expression.kind {
        case .literal(.integer(let text)):
            guard let ordinal = Int(text), ordinal >= 1, ordinal <= columns.count else {
                throw .at(term.expression.location, "ORDER BY is out of SELECT column number range: \(text)")
            }
            index = ordinal - 1
        case .path(let path) where path.components.count == 1:
            guard let found = columns.firstIndex(where: { $0.name.lowercased() == path.components[0].name.lowercased() }) else {
                throw .at(path.location, "Unrecognized name: \(path.components[0].name)")
            }
            index = found
        default:
            throw .unsupported("ORDER BY an expression after a set operation", at: term.expression.location)
        }
        return orderKey("\(alias).c\(index)", columns[index].type) + orderSuffix(term, columns[index].type)
    }

    /// What SQLite sorts a value of `type` by (NUMERIC's text does not sort numerically).
    func orderKey(_ sql: String, _ type: SQLType) -> String {
        FunctionLibrary.sortKey(type, sql) ?? sql
    }

    func orderSuffix(_ term: OrderingTerm, _ type: SQLType) -> String {
        var sql = term.direction == .descending ? " DESC" : " ASC"
        if let nulls = term.nulls { sql += " " + nulls.rawValue }
        return sql
    }

    /// The type both `a` and `b` convert to (UNION columns, CASE branches, USING columns).
    static func supertype(_ a: SQLType, _ b: SQLType) -> SQLType? {
        FunctionLibrary.supertype([a, b])
    }
}
