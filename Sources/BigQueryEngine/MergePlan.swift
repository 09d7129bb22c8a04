import GoogleSQL

/// A `MERGE`, or an `UPDATE … FROM` (a MERGE whose one clause is `WHEN MATCHED THEN UPDATE`),
/// checked and translated. Its SQL reads the target's rows as ``targetAlias`` (columns by their
/// lower-case names, `_row` the row id) and the source, materialised before anything changes, as
/// ``sourceAlias`` (columns `c0…`, `rowid` the row id): every condition and value is evaluated
/// against the tables as they were when the statement started.
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax#merge_statement
public struct MergePlan: Sendable {
    /// Which rows a clause applies to.
    public enum Match: Sendable, Equatable {
        /// Target rows that match a source row.
        case matched
        /// Source rows that match no target row.
        case notMatchedByTarget
        /// Target rows that match no source row.
        case notMatchedBySource
    }

    public enum Action: Sendable {
        /// Target column (lower case) → new value.
        case update([(column: String, sql: String)])
        case delete
        /// One value per target column, in ``MergePlan/targetColumns`` order (`NULL` for columns not listed).
        case insert([String])

        public var isUpdate: Bool { if case .update = self { true } else { false } }
        public var isDelete: Bool { if case .delete = self { true } else { false } }
    }

    /// `WHEN [NOT] MATCHED [BY …] [AND condition] THEN action`.
    public struct Clause: Sendable {
        public var match: Match
        /// The search condition; `nil` is always true.
        public var condition: String?
        public var action: Action
    }

    /// How the SQL names the target's rows table.
    public static let targetAlias = "merge_target"
    /// How the SQL names the materialised source.
    public static let sourceAlias = "merge_source"

    /// The source: a query whose columns are `c0…` (``sourceWidth`` of them).
    public var sourceSQL: String
    public var sourceWidth: Int
    /// The merge condition (`ON`, or an UPDATE's `WHERE`) over both.
    public var condition: String
    /// In statement order: for each row only the first whose match kind and condition hold applies.
    public var clauses: [Clause]
    /// The target's columns (lower case), in schema order.
    public var targetColumns: [String]
    /// The target and the tables the source and conditions read (for `totalBytesProcessed`).
    public var tablesRead: [EngineTable]
    /// An `UPDATE … FROM` (statement type `UPDATE`) rather than a `MERGE`.
    public var isUpdate: Bool

    /// BigQuery's bytes processed: the logical bytes of the target and of every table read.
    public var bytesProcessed: Int64 { QueryEngine.bytes(tablesRead) }

    /// Whether some `WHEN MATCHED` clause updates: then a target row matched by several source rows
    /// that a clause would update or delete fails the statement.
    public var matchedUpdates: Bool { clauses.contains { $0.match == .matched && $0.action.isUpdate } }
}

/// The target of a MERGE or UPDATE … FROM: its name, table, and the scope of its columns read as
/// ``MergePlan/targetAlias``.
struct MergeTarget {
    var name: TableName
    var table: EngineTable
    var scope: Scope
    /// The range variable as written (the alias, or the table's name).
    var spelled: String
    var rangeVariable: String { spelled.lowercased() }
}

extension Translator {
    /// `MERGE [INTO] target [[AS] alias] USING source [[AS] alias] ON condition WHEN …`.
    func merge(_ merge: Merge) throws(QueryError) -> StatementPlan {
        tablesRead = []
        let target = try mergeTarget(merge.target, alias: merge.alias)
        let (sourceSQL, source) = try mergeSource(merge.source, target: target,
                                                  clash: "in the source was already defined as the MERGE target")
        let both = Self.combined(source, target)
        var context = ExpressionContext(scope: both)
        let condition = try expression(merge.condition, &context)
        try requireBool(condition, merge.condition, "merge condition")
        var clauses: [MergePlan.Clause] = []
        for clause in merge.clauses {
            clauses.append(try mergeClause(clause, target: target, source: source, both: both))
        }
        return .merge(target.name, MergePlan(sourceSQL: sourceSQL, sourceWidth: source.columns.count, condition: condition.sql,
                                             clauses: clauses, targetColumns: target.table.columns.map { $0.name.lowercased() },
                                             tablesRead: [target.table] + tablesRead, isUpdate: false))
    }

    /// `UPDATE target [[AS] alias] SET … FROM items WHERE condition`: a MERGE ON the condition whose
    /// one clause is `WHEN MATCHED THEN UPDATE SET …` (each target row may join one FROM row at most).
    func updateFrom(_ update: Update, from: TableExpression) throws(QueryError) -> StatementPlan {
        tablesRead = []
        let target = try mergeTarget(update.target, alias: update.alias)
        let (sourceSQL, source) = try mergeSource(from, target: target, clash: "in the FROM clause was already defined as the UPDATE target")
        let both = Self.combined(source, target)
        var context = ExpressionContext(scope: both)
        let condition = try expression(update.whereCondition, &context)
        try requireBool(condition, update.whereCondition, "WHERE clause")
        let assignments = try mergeAssignments(update.assignments, target: target, &context)
        return .merge(target.name, MergePlan(sourceSQL: sourceSQL, sourceWidth: source.columns.count, condition: condition.sql,
                                             clauses: [MergePlan.Clause(match: .matched, condition: nil, action: .update(assignments))],
                                             targetColumns: target.table.columns.map { $0.name.lowercased() },
                                             tablesRead: [target.table] + tablesRead, isUpdate: true))
    }

    /// The target table, its columns read from its rows table as ``MergePlan/targetAlias``.
    func mergeTarget(_ path: PathExpression, alias: Identifier?) throws(QueryError) -> MergeTarget {
        let name = try tableName(path)
        let table = try requireTable(name, at: path.location)
        let spelled = alias?.name ?? name.table
        let scope = Scope(rangeVariables: [spelled.lowercased()])
        scope.columns = table.columns.map { column in
            ScopeColumn(qualifier: spelled.lowercased(), name: column.name, type: column.type,
                        sql: "\(MergePlan.targetAlias).\(SQLText.identifier(column.name.lowercased()))")
        }
        return MergeTarget(name: name, table: table, scope: scope, spelled: spelled)
    }

    /// The source (a FROM item): SQL selecting its columns as `c0…`, and the scope reading them
    /// from the materialised source (``MergePlan/sourceAlias``). Its range variables must differ
    /// from the target's (`Alias t <clash>`).
    func mergeSource(_ item: TableExpression, target: MergeTarget, clash: String) throws(QueryError) -> (String, Scope) {
        let scope = Scope()
        let from = try tableExpression(item, scope: scope)
        if scope.rangeVariables.contains(target.rangeVariable) {
            throw .at(item.location, "Alias \(target.spelled) \(clash)")
        }
        let items = scope.columns.enumerated().map { "\($0.element.sql) AS c\($0.offset)" }
        for index in scope.columns.indices { scope.columns[index].sql = "\(MergePlan.sourceAlias).c\(index)" }
        return ("SELECT \(items.isEmpty ? "NULL AS c0" : items.joined(separator: ", ")) FROM \(from)", scope)
    }

    /// The names a MATCHED clause (and the merge condition) sees: the source's and the target's;
    /// a name both have is ambiguous unless qualified.
    static func combined(_ source: Scope, _ target: MergeTarget) -> Scope {
        Scope(columns: source.columns + target.scope.columns, rangeVariables: source.rangeVariables + [target.rangeVariable])
    }

    /// One WHEN clause: NOT MATCHED BY TARGET sees only the source, NOT MATCHED BY SOURCE only the
    /// target, MATCHED both.
    func mergeClause(_ clause: MergeClause, target: MergeTarget, source: Scope, both: Scope) throws(QueryError) -> MergePlan.Clause {
        let (match, scope): (MergePlan.Match, Scope) = switch clause.match {
        case .matched: (.matched, both)
        case .notMatchedByTarget: (.notMatchedByTarget, source)
        case .notMatchedBySource: (.notMatchedBySource, target.scope)
        }
        var context = ExpressionContext(scope: scope)
        var condition: String?
        if let expression = clause.condition {
            let value = try self.expression(expression, &context)
            try requireBool(value, expression, "match condition")
            condition = value.sql
        }
        let action: MergePlan.Action
        switch clause.action {
        case .delete:
            action = .delete
        case .update(let assignments):
            action = .update(try mergeAssignments(assignments, target: target, &context))
        case .insert(let columns, let values):
            action = .insert(try mergeInsert(columns: columns, values: values, at: clause.location, target: target, source: source, &context))
        }
        return MergePlan.Clause(match: match, condition: condition, action: action)
    }

    /// `SET column = value, …`: each column of the target once (`column` or `alias.column`), each
    /// value coerced to its column's type as UPDATE does.
    func mergeAssignments(_ assignments: [Assignment], target: MergeTarget, _ context: inout ExpressionContext) throws(QueryError)
        -> [(column: String, sql: String)]
    {
        var result: [(column: String, sql: String)] = []
        for assignment in assignments {
            let column = try assignedColumn(assignment.target, target: target)
            if result.contains(where: { $0.column == column.name.lowercased() }) {
                throw .at(assignment.target.location, "Update item \(assignment.target.dottedName) assigned more than once")
            }
            result.append((column.name.lowercased(), try dmlValue(assignment.value, to: column, &context)))
        }
        return result
    }

    /// The target column an assignment sets: `column` or `alias.column`.
    func assignedColumn(_ path: PathExpression, target: MergeTarget) throws(QueryError) -> EngineColumn {
        func column(_ name: Identifier) -> EngineColumn? {
            target.table.columns.first { $0.name.lowercased() == name.name.lowercased() }
        }
        let components = path.components
        if components.count == 2, components[0].name.lowercased() == target.rangeVariable, column(components[0]) == nil {
            guard let found = column(components[1]) else {
                throw .at(components[1].location, "Name \(components[1].name) not found inside \(components[0].name)")
            }
            return found
        }
        guard let found = column(components[0]) else { throw .at(path.location, "Unrecognized name: \(components[0].name)") }
        if components.count > 1 { throw .unsupported("Updating a field of a STRUCT column", at: path.location) }
        return found
    }

    /// A value for `column` in INSERT or UPDATE: `DEFAULT` (NULL: columns have no defaults here) or
    /// an expression coerced to the column's type.
    func dmlValue(_ expression: Expression, to column: EngineColumn, _ context: inout ExpressionContext) throws(QueryError) -> String {
        if case .defaultValue = expression.kind { return "NULL" }
        let value = try self.expression(expression, &context)
        return try coerced(value, to: column.type, at: expression.location)
    }

    /// `INSERT [(columns)] VALUES (…) | ROW`: a value for every target column (NULL where not listed).
    /// Without a column list the values go to all the target's columns in order; `ROW` takes the
    /// source's columns in order.
    func mergeInsert(columns: [Identifier]?, values: MergeClause.InsertValues, at location: SourceLocation, target: MergeTarget,
                     source: Scope, _ context: inout ExpressionContext) throws(QueryError) -> [String] {
        var targets = target.table.columns
        if let columns {
            targets = []
            var seen: Set<String> = []
            for column in columns {
                guard seen.insert(column.name.lowercased()).inserted else {
                    throw .at(column.location, "MERGE has INSERT operation with duplicated column names: \(column.name)")
                }
                guard let found = target.table.columns.first(where: { $0.name.lowercased() == column.name.lowercased() }) else {
                    throw .at(column.location, "Column \(column.name) is not present in target table")
                }
                targets.append(found)
            }
        }
        var assigned: [String: String] = [:]
        switch values {
        case .values(let expressions):
            guard expressions.count == targets.count else {
                throw .at(expressions.first?.location ?? location,
                          "Inserted row has wrong column count; Has \(expressions.count), expected \(targets.count)")
            }
            for (index, expression) in expressions.enumerated() {
                assigned[targets[index].name.lowercased()] = try dmlValue(expression, to: targets[index], &context)
            }
        case .row:
            let row = source.columns.filter(\.inStar)
            guard row.count == targets.count else {
                throw .at(location, "Inserted row has wrong column count; Has \(row.count), expected \(targets.count)")
            }
            for (index, column) in row.enumerated() {
                assigned[targets[index].name.lowercased()] = try coerced(Typed(column.sql, column.type), to: targets[index].type, at: location)
            }
        }
        return target.table.columns.map { assigned[$0.name.lowercased()] ?? "NULL" }
    }
}
