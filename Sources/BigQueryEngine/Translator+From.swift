import GoogleSQL

extension Translator {
    /// A FROM item as SQL, adding its columns to `scope`. `lateral` is what an UNNEST may read
    /// (the items to its left and the queries around); by default, `scope` itself.
    func tableExpression(_ item: TableExpression, scope: Scope, lateral: Scope? = nil) throws(QueryError) -> String {
        switch item.kind {
        case .table(let reference):
            if reference.systemTime != nil { throw .unsupported("FOR SYSTEM_TIME AS OF", at: item.location) }
            let context = lateral ?? scope
            if reference.path.components.count >= 2, !reference.path.components[0].isQuoted,
               context.range(reference.path.components[0].name) != nil {
                // `FROM t, t.items AS item`: an array path unnested implicitly.
                let path = Expression(.path(reference.path), at: reference.path.location)
                return try unnest(path, alias: reference.alias, withOffset: reference.withOffset,
                                  implicitName: reference.path.components.last?.name, scope: scope, lateral: context, at: item.location)
            }
            if reference.withOffset != nil { throw .at(item.location, "WITH OFFSET can only be used with an array (UNNEST or an array path)") }
            let (sql, columns, defaultName) = try table(reference.path)
            return add(sql: sql, columns: columns, alias: reference.alias?.name ?? defaultName, to: scope)
        case .subquery(let query, let alias):
            let (sql, columns) = try self.query(query, outer: scope.parent)
            return add(sql: "(\(sql))", columns: columns, alias: alias?.name, to: scope)
        case .unnest(let unnest):
            // An explicit UNNEST without an alias has no name to refer to its values by.
            return try self.unnest(unnest.array, alias: unnest.alias, withOffset: unnest.withOffset, implicitName: nil,
                                   scope: scope, lateral: lateral ?? scope, at: item.location)
        case .parenthesized(let inner):
            return "(" + (try tableExpression(inner, scope: scope)) + ")"
        case .join(let join):
            let left = try tableExpression(join.left, scope: scope)
            let leftColumns = scope.columns
            let rightScope = Scope(parent: scope.parent)
            // An UNNEST on the right reads the columns on the left.
            let right = try tableExpression(join.right, scope: rightScope, lateral: scope)
            // Range variables must be unique across the FROM clause.
            for name in rightScope.rangeVariables where scope.rangeVariables.contains(name) {
                throw .at(join.right.location, "Duplicate table alias \(name) in the same FROM clause")
            }
            let leftIsOneItem = switch join.left.kind {
            case .table, .subquery: true
            default: false
            }
            if leftIsOneItem, join.kind != .right, join.kind != .full, right.hasPrefix("bq_unnest(") || right.hasPrefix("json_each("),
               scope.parent == nil, selectScopes.contains(ObjectIdentifier(scope)), hoistTargets[ObjectIdentifier(scope)] == nil,
               let alias = left.split(separator: " ").last.map(String.init), leftColumns.allSatisfy({ $0.sql.hasPrefix(alias + ".") }) {
                // The rows to the left of an UNNEST: their own expressions may be computed once per row there.
                hoistTargets[ObjectIdentifier(scope)] = (alias, left)
            }
            scope.columns += rightScope.columns
            scope.rangeVariables += rightScope.rangeVariables
            let keyword = switch join.kind {
            case .inner: "JOIN"
            case .left: "LEFT JOIN"
            case .right: "RIGHT JOIN"
            case .full: "FULL JOIN"
            case .cross, .comma: "CROSS JOIN"
            }
            switch join.condition {
            case nil:
                return "\(left) \(keyword) \(right)"
            case .on(let condition)?:
                var context = ExpressionContext(scope: scope)
                let value = try expression(condition, &context)
                try requireBool(value, condition, "JOIN ON clause")
                return "\(left) \(keyword) \(right) ON \(value.sql)"
            case .using(let names)?:
                var conditions: [String] = []
                var merged: [ScopeColumn] = []
                for name in names {
                    let matchingLeft = leftColumns.filter { !$0.hiddenByUsing && $0.name.lowercased() == name.name.lowercased() }
                    let matchingRight = rightScope.columns.filter { !$0.hiddenByUsing && $0.name.lowercased() == name.name.lowercased() }
                    guard let l = matchingLeft.first, let r = matchingRight.first else {
                        throw .at(name.location, "Column \(name.name) in USING clause not found on \(matchingLeft.isEmpty ? "left" : "right") side of join")
                    }
                    guard l.type == r.type || Self.supertype(l.type, r.type) != nil else {
                        throw .at(name.location, "Column \(name.name) in USING has incompatible types on either side of the join: \(l.type) and \(r.type)")
                    }
                    conditions.append("\(l.sql) = \(r.sql)")
                    // The USING column appears once, unqualified: the left's (the right's for RIGHT JOIN, either for FULL).
                    let sql = switch join.kind {
                    case .right: r.sql
                    case .full: "coalesce(\(l.sql), \(r.sql))"
                    default: l.sql
                    }
                    merged.append(ScopeColumn(qualifier: nil, name: l.name, type: Self.supertype(l.type, r.type) ?? l.type, sql: sql))
                }
                // Unqualified references to a USING column mean the merged one.
                let usingNames = Set(names.map { $0.name.lowercased() })
                scope.columns = merged + scope.columns.map { column in
                    guard usingNames.contains(column.name.lowercased()) else { return column }
                    var hidden = column
                    hidden.hiddenByUsing = true
                    return hidden
                }
                return "\(left) \(keyword) \(right) ON " + conditions.joined(separator: " AND ")
            }
        }
    }

    /// Adds a FROM item's columns to `scope` under a new SQL alias; answers `sql AS alias`.
    func add(sql: String, columns: [EngineColumn], alias: String?, to scope: Scope) -> String {
        let sqlAlias = nextAlias()
        let qualifier = alias?.lowercased()
        if let qualifier { scope.rangeVariables.append(qualifier) }
        for (index, column) in columns.enumerated() {
            scope.columns.append(ScopeColumn(qualifier: qualifier, name: column.name, type: column.type, sql: "\(sqlAlias).c\(index)"))
        }
        return "\(sql) AS \(sqlAlias)"
    }

    /// A table path: a CTE, or `[project.]dataset.table` (a backticked path may hold dots).
    /// Answers SQL whose columns are `c0…`, the columns, and the default range-variable name.
    func table(_ path: PathExpression) throws(QueryError) -> (String, [EngineColumn], String) {
        let parts = path.components.flatMap { $0.isQuoted ? $0.name.split(separator: ".").map(String.init) : [$0.name] }
        if parts.count == 1, let cte = ctes.reversed().lazy.compactMap({ $0[parts[0].lowercased()] }).first {
            return ("(SELECT * FROM \(cte.sql))", cte.columns, parts[0])
        }
        let project: String, dataset: String, name: String
        switch parts.count {
        case 2: (project, dataset, name) = (catalog.defaultProject, parts[0], parts[1])
        case 3: (project, dataset, name) = (parts[0], parts[1], parts[2])
        default:
            if parts.count == 1 {
                throw .at(path.location, "Table \"\(parts[0])\" must be qualified with a dataset (e.g. dataset.table).")
            }
            throw .at(path.location, "Invalid table name: \(parts.joined(separator: "."))")
        }
        let found: EngineTable?
        do {
            found = try catalog.table(project: project, dataset: dataset, table: name)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError("internalError", "\(error)")
        }
        guard let table = found else {
            throw QueryError.at(path.location, "Not found: Table \(project):\(dataset).\(name) was not found in location US", reason: "notFound")
        }
        if let viewQuery = table.viewQuery {
            let key = "\(project).\(dataset).\(name)".lowercased()
            guard !expanding.contains(key) else { throw .at(path.location, "View \(table.name) refers to itself") }
            expanding.insert(key)
            defer { expanding.remove(key) }
            let statement: GoogleSQL.Statement
            do throws(GoogleSQLSyntaxError) {
                statement = try GoogleSQLParser.parseStatement(viewQuery)
            } catch {
                throw .at(path.location, "View \(table.name) has an invalid query: \(error.description)")
            }
            guard case .query(let query) = statement.kind else { throw .at(path.location, "View \(table.name) is not a query") }
            let (sql, columns) = try self.query(query, outer: nil)
            return ("(\(sql))", columns, name)
        }
        tablesRead.append(table)
        guard let sqliteName = table.sqliteName else {
            // No rows yet: an empty relation with the table's columns.
            let nulls = table.columns.indices.map { "NULL AS c\($0)" }.joined(separator: ", ")
            return ("(SELECT \(nulls.isEmpty ? "NULL AS c0" : nulls) WHERE 0)", table.columns, name)
        }
        let projection = table.columns.enumerated().map { "\(SQLText.identifier($0.element.name.lowercased())) AS c\($0.offset)" }
        return ("(SELECT \(projection.joined(separator: ", ")) FROM \(sqliteName))", table.columns, name)
    }
}
