import GoogleSQL

/// A table a statement names.
public struct TableName: Hashable, Sendable, CustomStringConvertible {
    public var project: String
    public var dataset: String
    public var table: String

    public var description: String { "\(project):\(dataset).\(table)" }
}

/// How a created table is partitioned and clustered (`PARTITION BY`, `CLUSTER BY`), recorded
/// in its metadata as BigQuery records them.
public struct TableLayout: Sendable, Equatable {
    /// `DAY`, `HOUR`, `MONTH` or `YEAR` time partitioning, on `partitionField` (nil: ingestion time).
    public var partitionType: String?
    public var partitionField: String?
    public var clusterBy: [String] = []
    /// `OPTIONS(description = …, friendly_name = …, labels = [('k', 'v')])`.
    public var description: String?
    public var friendlyName: String?
    public var labels: [String: String] = [:]
    /// Column name → `OPTIONS(description = …)` of its definition.
    public var columnDescriptions: [String: String] = [:]

    public init(partitionType: String? = nil, partitionField: String? = nil, clusterBy: [String] = []) {
        self.partitionType = partitionType
        self.partitionField = partitionField
        self.clusterBy = clusterBy
    }
}

/// What a statement does, checked and translated; the local cloud carries it out against its
/// catalog and rows.
public enum StatementPlan: Sendable {
    case query(TranslatedQuery)
    /// `CREATE [OR REPLACE] TABLE [IF NOT EXISTS] t (columns) | AS query`.
    case createTable(TableName, columns: [EngineColumn], query: TranslatedQuery?, orReplace: Bool, ifNotExists: Bool, layout: TableLayout)
    /// `CREATE [OR REPLACE] VIEW [IF NOT EXISTS] v AS query`: the query's GoogleSQL text is stored.
    case createView(TableName, columns: [EngineColumn], queryText: String, orReplace: Bool, ifNotExists: Bool, layout: TableLayout)
    case drop(TableName, isView: Bool, ifExists: Bool)
    case truncate(TableName)
    /// `INSERT INTO t (columns) query`: the query's `c0…` go to `columns` (the table's, lower case).
    case insert(TableName, columns: [String], query: TranslatedQuery)
    /// `DELETE FROM t WHERE condition`: the condition over the rows table's own columns.
    case delete(TableName, condition: String)
    /// `UPDATE t SET column = value … WHERE condition`.
    case update(TableName, assignments: [(column: String, sql: String)], condition: String)
    /// `MERGE t USING s ON … WHEN …`, or `UPDATE t SET … FROM s WHERE …` (``MergePlan``).
    case merge(TableName, MergePlan)

    /// BigQuery's `statementType`.
    public var statementType: String {
        switch self {
        case .query: "SELECT"
        case .createTable(_, _, let query, _, _, _): query == nil ? "CREATE_TABLE" : "CREATE_TABLE_AS_SELECT"
        case .createView: "CREATE_VIEW"
        case .drop(_, let isView, _): isView ? "DROP_VIEW" : "DROP_TABLE"
        case .truncate: "TRUNCATE_TABLE"
        case .insert: "INSERT"
        case .delete: "DELETE"
        case .update: "UPDATE"
        case .merge(_, let merge): merge.isUpdate ? "UPDATE" : "MERGE"
        }
    }
}

extension QueryEngine {
    /// Parses, checks and translates one statement. `rowsTable` names the SQLite table holding a
    /// DML target's rows (its columns are the fields' names in lower case).
    public static func plan(_ sql: String, catalog: any EngineCatalog,
                            parameters: QueryParameters = QueryParameters()) throws(QueryError) -> StatementPlan {
        let statement = try parseOne(sql)
        let translator = Translator(catalog: catalog, parameters: parameters)
        switch statement.kind {
        case .query(let query):
            return .query(try translator.translate(query))
        case .createTable(let create):
            if create.isTemporary { throw .unsupported("CREATE TEMP TABLE", at: statement.location) }
            let name = try translator.tableName(create.name)
            if let query = create.query {
                let translated = try translator.translate(query)
                var columns = translated.columns
                if !create.columns.isEmpty {
                    guard create.columns.count == columns.count else {
                        throw .at(statement.location, "The number of columns in the column definition list does not match the query")
                    }
                    for (index, definition) in create.columns.enumerated() {
                        let type = try translator.sqlType(definition.type)
                        guard FunctionLibrary.supertype([columns[index].type, type]) == type else {
                            throw .at(definition.location, "Column \(definition.name.name) has type \(type) but the query returns \(columns[index].type)")
                        }
                        columns[index] = EngineColumn(definition.name.name, type, isRequired: definition.isNotNull)
                    }
                }
                try checkColumnNames(columns, at: statement.location)
                return .createTable(name, columns: columns, query: translated, orReplace: create.orReplace, ifNotExists: create.ifNotExists,
                                    layout: try layout(create, columns: columns))
            }
            guard !create.columns.isEmpty else { throw .at(statement.location, "CREATE TABLE needs a column list or AS query") }
            var columns: [EngineColumn] = []
            for definition in create.columns {
                columns.append(EngineColumn(definition.name.name, try translator.sqlType(definition.type), isRequired: definition.isNotNull))
            }
            try checkColumnNames(columns, at: statement.location)
            return .createTable(name, columns: columns, query: nil, orReplace: create.orReplace, ifNotExists: create.ifNotExists,
                                layout: try layout(create, columns: columns))
        case .createView(let create):
            let name = try translator.tableName(create.name)
            var columns = try translator.translate(create.query).columns
            if !create.columns.isEmpty {
                guard create.columns.count == columns.count else {
                    throw .at(statement.location, "The number of view column names does not match the query's columns")
                }
                for (index, column) in create.columns.enumerated() { columns[index].name = column.name }
            }
            var layout = TableLayout()
            try options(create.options, into: &layout)
            return .createView(name, columns: columns, queryText: GoogleSQLLexer.text(of: sql, from: create.query.location), orReplace: create.orReplace,
                               ifNotExists: create.ifNotExists, layout: layout)
        case .drop(let drop):
            return .drop(try translator.tableName(drop.name), isView: drop.objectType == .view, ifExists: drop.ifExists)
        case .truncateTable(let truncate):
            let name = try translator.tableName(truncate.name)
            _ = try translator.requireTable(name, at: truncate.name.location)
            return .truncate(name)
        case .insert(let insert):
            return try translator.insert(insert)
        case .delete(let delete):
            let (name, table, scope) = try translator.targetScope(delete.target, alias: delete.alias)
            _ = table
            var context = ExpressionContext(scope: scope)
            let condition = try translator.expression(delete.whereCondition, &context)
            try translator.requireBool(condition, delete.whereCondition, "WHERE clause")
            return .delete(name, condition: condition.sql)
        case .update(let update):
            if let from = update.from { return try translator.updateFrom(update, from: from) }
            let (name, table, scope) = try translator.targetScope(update.target, alias: update.alias)
            var context = ExpressionContext(scope: scope)
            let condition = try translator.expression(update.whereCondition, &context)
            try translator.requireBool(condition, update.whereCondition, "WHERE clause")
            var assignments: [(String, String)] = []
            for assignment in update.assignments {
                guard assignment.target.components.count == 1,
                      let column = table.columns.first(where: { $0.name.lowercased() == assignment.target.components[0].name.lowercased() })
                else { throw .at(assignment.target.location, "Unrecognized name: \(assignment.target.dottedName)") }
                let value = try translator.expression(assignment.value, &context)
                assignments.append((column.name.lowercased(), try translator.coerced(value, to: column.type, at: assignment.value.location)))
            }
            return .update(name, assignments: assignments, condition: condition.sql)
        case .merge(let merge):
            return try translator.merge(merge)
        }
    }

    static func parseOne(_ sql: String) throws(QueryError) -> GoogleSQL.Statement {
        let statements: [GoogleSQL.Statement]
        do throws(GoogleSQLSyntaxError) {
            statements = try GoogleSQLParser.parseScript(sql)
        } catch {
            throw QueryError("invalidQuery", error.description)
        }
        guard statements.count == 1, let statement = statements.first else {
            throw QueryError("invalidQuery", statements.isEmpty ? "Syntax error: Unexpected end of script at [1:1]"
                                : "Scripts of several statements are not supported by the local BigQuery yet at \(statements[1].location)")
        }
        return statement
    }

    /// `PARTITION BY col | DATE(col) | TIMESTAMP_TRUNC(col, HOUR) | DATE_TRUNC(col, MONTH) | _PARTITIONDATE` and
    /// `CLUSTER BY a, b`, checked against the columns.
    static func layout(_ create: CreateTable, columns: [EngineColumn]) throws(QueryError) -> TableLayout {
        var layout = TableLayout()
        func column(_ expression: Expression) throws(QueryError) -> EngineColumn {
            guard case .path(let path) = expression.kind, path.components.count == 1,
                  let found = columns.first(where: { $0.name.lowercased() == path.components[0].name.lowercased() })
            else { throw .at(expression.location, "PARTITION BY and CLUSTER BY name columns of the table") }
            return found
        }
        if let partition = create.partitionBy {
            switch partition.kind {
            case .path(let path) where ["_partitiondate", "_partitiontime"].contains(path.dottedName.lowercased()):
                layout.partitionType = "DAY"
            case .path:
                let found = try column(partition)
                guard [.date, .timestamp, .datetime].contains(found.type) else {
                    throw .unsupported("PARTITION BY a \(found.type) column (integer-range partitioning)", at: partition.location)
                }
                (layout.partitionType, layout.partitionField) = ("DAY", found.name)
            case .function(let call) where ["DATE", "TIMESTAMP_TRUNC", "DATE_TRUNC", "DATETIME_TRUNC"].contains(call.dottedName.uppercased()):
                guard let first = call.arguments.first else { throw .at(partition.location, "PARTITION BY needs a column") }
                layout.partitionField = try column(first).name
                if call.arguments.count == 2, case .path(let part) = call.arguments[1].kind {
                    layout.partitionType = part.dottedName.uppercased()
                } else {
                    layout.partitionType = "DAY"
                }
            default:
                throw .unsupported("This PARTITION BY expression", at: partition.location)
            }
        }
        for expression in create.clusterBy { layout.clusterBy.append(try column(expression).name) }
        if layout.clusterBy.count > 4 { throw .at(create.clusterBy[4].location, "Too many clustering columns: at most 4 are allowed") }
        try options(create.options, into: &layout)
        for definition in create.columns {
            for option in definition.options {
                guard option.name.name.lowercased() == "description" else {
                    throw .unsupported("Column option \(option.name.name)", at: option.value.location)
                }
                layout.columnDescriptions[definition.name.name] = try stringOption(option)
            }
        }
        return layout
    }

    /// The table or view options the local BigQuery keeps (description, friendly_name, labels);
    /// any other is refused rather than ignored.
    static func options(_ entries: [OptionEntry], into layout: inout TableLayout) throws(QueryError) {
        for option in entries {
            switch option.name.name.lowercased() {
            case "description": layout.description = try stringOption(option)
            case "friendly_name": layout.friendlyName = try stringOption(option)
            case "labels":
                guard case .array(let array) = option.value.kind else {
                    throw .at(option.value.location, "labels must be an array of (key, value) string pairs, e.g. [('env', 'dev')]")
                }
                for element in array.elements {
                    guard case .structConstructor(let pair) = element.kind, pair.fields.count == 2,
                          case .literal(.string(let key)) = pair.fields[0].value.kind,
                          case .literal(.string(let value)) = pair.fields[1].value.kind
                    else { throw .at(element.location, "labels must be an array of (key, value) string pairs, e.g. [('env', 'dev')]") }
                    layout.labels[key] = value
                }
            default:
                throw .unsupported("Table option \(option.name.name)", at: option.name.location)
            }
        }
    }

    static func stringOption(_ option: OptionEntry) throws(QueryError) -> String? {
        switch option.value.kind {
        case .literal(.string(let text)): return text
        case .literal(.null): return nil
        default: throw .at(option.value.location, "\(option.name.name) must be a string literal")
        }
    }

    static func checkColumnNames(_ columns: [EngineColumn], at location: SourceLocation) throws(QueryError) {
        var seen: Set<String> = []
        for column in columns where !seen.insert(column.name.lowercased()).inserted {
            throw .at(location, "Duplicate column names in the result are not supported. Found duplicate(s): \(column.name)")
        }
    }
}

extension Translator {
    /// `[project.]dataset.table` of a DDL or DML target.
    func tableName(_ path: PathExpression) throws(QueryError) -> TableName {
        let parts = path.components.flatMap { $0.isQuoted ? $0.name.split(separator: ".").map(String.init) : [$0.name] }
        switch parts.count {
        case 2: return TableName(project: catalog.defaultProject, dataset: parts[0], table: parts[1])
        case 3: return TableName(project: parts[0], dataset: parts[1], table: parts[2])
        default: throw .at(path.location, "Table \"\(parts.joined(separator: "."))\" must be qualified with a dataset (e.g. dataset.table).")
        }
    }

    func requireTable(_ name: TableName, at location: SourceLocation) throws(QueryError) -> EngineTable {
        let found: EngineTable?
        do {
            found = try catalog.table(project: name.project, dataset: name.dataset, table: name.table)
        } catch let error as QueryError {
            throw error
        } catch {
            throw QueryError("internalError", "\(error)")
        }
        guard let table = found else { throw .at(location, "Not found: Table \(name) was not found in location US", reason: "notFound") }
        if table.viewQuery != nil { throw .at(location, "Cannot modify view \(name)") }
        return table
    }

    /// The scope of a DML target: its columns read straight from its rows table.
    func targetScope(_ path: PathExpression, alias: Identifier?) throws(QueryError) -> (TableName, EngineTable, Scope) {
        let name = try tableName(path)
        let table = try requireTable(name, at: path.location)
        let rangeVariable = (alias?.name ?? name.table).lowercased()
        let scope = Scope(rangeVariables: [rangeVariable])
        scope.columns = table.columns.map { column in
            ScopeColumn(qualifier: rangeVariable, name: column.name, type: column.type, sql: SQLText.identifier(column.name.lowercased()))
        }
        return (name, table, scope)
    }

    /// `value` as a column of type `type` (INT64 into FLOAT64, …), or BigQuery's error.
    func coerced(_ value: Typed, to type: SQLType, at location: SourceLocation) throws(QueryError) -> String {
        if value.isNullLiteral || value.type == type { return value.sql }
        if let text = value.stringLiteral, let sql = FunctionLibrary.coerceStringLiteral(text, to: type) { return sql }
        guard let sql = FunctionLibrary.coerce(value.sql, from: value.type, to: type) else {
            throw .at(location, "Value has type \(value.type) which cannot be inserted into column of type \(type)")
        }
        return sql
    }

    func insert(_ insert: Insert) throws(QueryError) -> StatementPlan {
        let name = try tableName(insert.target)
        let table = try requireTable(name, at: insert.target.location)
        var targets: [EngineColumn] = table.columns
        if let columns = insert.columns {
            targets = []
            for column in columns {
                guard let found = table.columns.first(where: { $0.name.lowercased() == column.name.lowercased() }) else {
                    throw .at(column.location, "Column \(column.name) is not present in table \(name)")
                }
                targets.append(found)
            }
        }
        let query: TranslatedQuery
        switch insert.source {
        case .query(let source):
            let translated = try translate(source)
            guard translated.columns.count == targets.count else {
                throw .at(source.location, "Inserted row has wrong column count; Has \(translated.columns.count), expected \(targets.count)")
            }
            var items: [String] = []
            for (index, target) in targets.enumerated() {
                let value = Typed("c\(index)", translated.columns[index].type)
                items.append("\(try coerced(value, to: target.type, at: source.location)) AS c\(index)")
            }
            query = TranslatedQuery(sql: "SELECT \(items.joined(separator: ", ")) FROM (\(translated.sql))", columns: targets,
                                    tablesRead: translated.tablesRead)
        case .values(let rows):
            var selects: [String] = []
            for row in rows {
                guard row.count == targets.count else {
                    throw .at(row.first?.location ?? insert.target.location, "Inserted row has wrong column count; Has \(row.count), expected \(targets.count)")
                }
                var context = ExpressionContext(scope: Scope())
                var items: [String] = []
                for (index, expression) in row.enumerated() {
                    if case .defaultValue = expression.kind {
                        items.append("NULL AS c\(index)")
                        continue
                    }
                    let value = try self.expression(expression, &context)
                    items.append("\(try coerced(value, to: targets[index].type, at: expression.location)) AS c\(index)")
                }
                selects.append("SELECT " + items.joined(separator: ", "))
            }
            query = TranslatedQuery(sql: selects.joined(separator: " UNION ALL "), columns: targets, tablesRead: [])
        }
        return .insert(name, columns: targets.map { $0.name.lowercased() }, query: query)
    }
}
