import Foundation

extension CompiledModel {
    /// The statement a run sends for this model (with jobs.query):
    /// - view: `CREATE OR REPLACE VIEW` (a view is normally a plan resource; this is for completeness);
    /// - table: `CREATE OR REPLACE TABLE … AS` (atomic: a failed statement leaves the old table);
    /// - incremental: the table statement when `existingColumns` is `nil` (first run, full refresh),
    ///   otherwise a MERGE on the unique key or a MERGE replacing the partitions the new rows touch;
    /// - scd2: the history table's first build when `existingColumns` is `nil`, otherwise the
    ///   MERGE that closes changed versions and inserts new ones.
    ///
    /// `existingColumns` are the target table's columns, in order, when it exists; `runAt` is the
    /// run's timestamp (an scd2 check_cols version's `valid_from`).
    public func runStatement(existingColumns: [String]?, runAt: Date) -> String {
        switch model.config.materialization {
        case .view:
            return viewStatement
        case .table:
            return tableStatement
        case .incremental(let incremental):
            guard let columns = existingColumns else { return tableStatement }
            switch incremental.strategy {
            case .merge: return mergeStatement(incremental, columns: columns)
            case .insertOverwrite: return insertOverwriteStatement(columns: columns)
            }
        case .scd2(let scd2):
            guard let columns = existingColumns else { return scd2CreateStatement(scd2, runAt: runAt) }
            return scd2MergeStatement(scd2, columns: columns, runAt: runAt)
        }
    }

    /// `CREATE OR REPLACE VIEW … OPTIONS(description = …) AS <query>`.
    public var viewStatement: String {
        "CREATE OR REPLACE VIEW \(table)\(optionsClause)\nAS\n\(sql)"
    }

    /// `CREATE OR REPLACE TABLE … [PARTITION BY …] [CLUSTER BY …] [OPTIONS(…)] AS <query>`.
    public var tableStatement: String { createTable(as: sql) }

    /// The column descriptions from the header, for the runner to patch onto the table's schema.
    public var columnDescriptions: [ColumnDescription] { model.config.columns }

    func createTable(as query: String) -> String {
        var statement = "CREATE OR REPLACE TABLE \(table)"
        if let partition = model.config.partitionBy { statement += "\nPARTITION BY \(partition.expression)" }
        if !model.config.clusterBy.isEmpty {
            statement += "\nCLUSTER BY " + model.config.clusterBy.map(SQLText.identifier).joined(separator: ", ")
        }
        return statement + optionsClause + "\nAS\n" + query
    }

    private var optionsClause: String {
        guard let description = model.config.description else { return "" }
        return "\nOPTIONS(description = \(SQLText.string(description)))"
    }

    /// The new rows of an incremental run: the query, filtered when the header says so.
    var incrementalRows: String {
        guard let filter = incrementalFilter else { return "(\n\(sql)\n)" }
        return "(\nSELECT * FROM (\n\(sql)\n) WHERE \(filter)\n)"
    }

    /// Matched rows get every column from the new row; new keys are inserted.
    func mergeStatement(_ incremental: Incremental, columns: [String]) -> String {
        let id = SQLText.identifier
        let key = incremental.uniqueKey.map { "\(target).\(id($0)) = \(source).\(id($0))" }.joined(separator: " AND ")
        let updated = columns.filter { column in !incremental.uniqueKey.contains { $0.lowercased() == column.lowercased() } }
        var statement = "MERGE \(table) AS \(target)\nUSING \(incrementalRows) AS \(source)\nON \(key)"
        if !updated.isEmpty {
            statement += "\nWHEN MATCHED THEN UPDATE SET " + updated.map { "\(id($0)) = \(source).\(id($0))" }.joined(separator: ", ")
        }
        return statement + "\n" + insertClause(columns)
    }

    /// BigQuery's "replace partitions" MERGE: `ON FALSE` matches nothing, so every new row is
    /// inserted and the target rows of the partitions the new rows fall in are deleted.
    func insertOverwriteStatement(columns: [String]) -> String {
        guard let partition = model.config.partitionBy else { return tableStatement }
        let touched = "SELECT DISTINCT \(partition.applied(to: "terrace_new")) FROM \(incrementalRows) AS terrace_new"
        return "MERGE \(table) AS \(target)\nUSING \(incrementalRows) AS \(source)\nON FALSE\n"
            + "WHEN NOT MATCHED BY SOURCE AND \(partition.applied(to: target)) IN (\(touched)) THEN DELETE\n"
            + insertClause(columns)
    }

    func insertClause(_ columns: [String], extra: [(column: String, value: String)] = []) -> String {
        let names = columns.map(SQLText.identifier) + extra.map { SQLText.identifier($0.column) }
        let values = columns.map { "\(source).\(SQLText.identifier($0))" } + extra.map(\.value)
        return "WHEN NOT MATCHED THEN INSERT (\(names.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))"
    }

    var target: String { "terrace_target" }
    var source: String { "terrace_source" }
}
