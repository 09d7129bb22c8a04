import Foundation

/// Type-2 slowly changing dimensions. The history table holds the model's columns plus
/// `valid_from TIMESTAMP`, `valid_to TIMESTAMP` (NULL while current) and `is_current BOOL`.
/// A key whose row changed gets its current version closed (`valid_to` = the new version's
/// `valid_from`, `is_current` = FALSE) and a new current version; a new key gets its first
/// version. A key that disappears from the source stays current: deletions are not history.
extension CompiledModel {
    /// The first build: every row current, `valid_from` its updated_at (or the run's timestamp).
    func scd2CreateStatement(_ scd2: SCD2, runAt: Date) -> String {
        let snapshot = "terrace_snapshot"
        let query = "SELECT \(snapshot).*, \(validFrom(scd2, snapshot, runAt)) AS valid_from, CAST(NULL AS TIMESTAMP) AS valid_to, "
            + "TRUE AS is_current\nFROM (\n\(sql)\n) AS \(snapshot)"
        return createTable(as: query)
    }

    /// One MERGE. Its source is every snapshot row keyed by its unique key (matching the key's
    /// current version: closed when changed, inserted when the key is new) plus, with a NULL key
    /// that matches nothing, the changed rows again (inserted as the new versions).
    func scd2MergeStatement(_ scd2: SCD2, columns: [String], runAt: Date) -> String {
        let id = SQLText.identifier
        let modelColumns = columns.filter { !SCD2.historyColumns.contains($0.lowercased()) }
        let keys = scd2.uniqueKey.enumerated().map { (column: $0.element, alias: "terrace_key_\($0.offset)") }
        let snapshot = "terrace_snapshot", current = "terrace_current"
        let keyed = keys.map { "\(snapshot).\(id($0.column)) AS \($0.alias)" }.joined(separator: ", ")
        let unkeyed = keys.map { "NULL AS \($0.alias)" }.joined(separator: ", ")
        let joined = keys.map { "\(current).\(id($0.column)) = \(snapshot).\(id($0.column))" }.joined(separator: " AND ")
        let on = keys.map { "\(target).\(id($0.column)) = \(source).\($0.alias)" }.joined(separator: " AND ")
        let rows = "(\n\(sql)\n)"
        let validFrom = validFrom(scd2, source, runAt)
        return """
            MERGE \(table) AS \(target)
            USING (
            SELECT \(keyed), \(snapshot).* FROM \(rows) AS \(snapshot)
            UNION ALL
            SELECT \(unkeyed), \(snapshot).* FROM \(rows) AS \(snapshot)
            JOIN \(table) AS \(current) ON \(joined) AND \(current).is_current
            WHERE \(changed(scd2, new: snapshot, old: current))
            ) AS \(source)
            ON \(target).is_current AND \(on)
            WHEN MATCHED AND \(changed(scd2, new: source, old: target)) THEN UPDATE SET valid_to = \(validFrom), is_current = FALSE
            \(insertClause(modelColumns, extra: [("valid_from", validFrom), ("valid_to", "NULL"), ("is_current", "TRUE")]))
            """
    }

    /// The condition under which the `new` row is a new version of the `old` one.
    private func changed(_ scd2: SCD2, new: String, old: String) -> String {
        let id = SQLText.identifier
        switch scd2.change {
        case .updatedAt(let column):
            return "\(new).\(id(column)) > \(old).\(id(column))"
        case .checkColumns(let columns):
            return "(" + columns.map { "\(new).\(id($0)) IS DISTINCT FROM \(old).\(id($0))" }.joined(separator: " OR ") + ")"
        }
    }

    /// When a version of a row of `alias` starts.
    private func validFrom(_ scd2: SCD2, _ alias: String, _ runAt: Date) -> String {
        switch scd2.change {
        case .updatedAt(let column): "CAST(\(alias).\(SQLText.identifier(column)) AS TIMESTAMP)"
        case .checkColumns: SQLText.timestamp(runAt)
        }
    }
}
