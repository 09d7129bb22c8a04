import BigQueryEngine
import TerraceSQLite

/// Carries out a ``MergePlan`` (MERGE, or UPDATE … FROM) on a table's rows. Everything is decided
/// first, into TEMP tables, against the tables as they were when the statement started: the
/// source once, the matching pairs and the clause each row takes, the updated rows' new values,
/// the rows to insert. Only then are the updates, deletes and inserts applied, so a row the
/// statement inserts is never matched or updated by it. It runs inside the statement's
/// transaction: an error anywhere (a duplicate match, an overflow) leaves the table as it was.
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax#merge_statement
struct MergeExecution {
    let db: Database
    let plan: MergePlan
    /// The target's SQLite rows table.
    let rows: String

    static let source = "temp.bq_merge_source"
    /// Matching (target, source) pairs and the MATCHED clause each takes (0: none).
    static let pairs = "temp.bq_merge_pairs"
    /// Target rows a clause updates or deletes: (target, source or NULL, clause).
    static let actions = "temp.bq_merge_actions"
    /// New values of the updated target rows.
    static let updates = "temp.bq_merge_updates"
    /// Unmatched source rows an INSERT clause takes.
    static let unmatched = "temp.bq_merge_unmatched"
    /// The rows to insert, one column per target column.
    static let inserts = "temp.bq_merge_inserts"
    static let temporaries = [source, pairs, actions, updates, unmatched, inserts]

    private var target: String { "\(rows) AS \(MergePlan.targetAlias)" }
    private var sourceItem: String { "\(Self.source) AS \(MergePlan.sourceAlias)" }

    /// Runs the statement; answers BigQuery's `numDmlAffectedRows` (rows inserted, updated and deleted).
    func run() throws -> Int64 {
        do {
            try dropTemporaries()
            try stageSource()
            try stageMatches()
            let updated = try stageUpdates()
            let inserted = try stageInserts()
            let affected = try applyUpdates(updated) + applyDeletes() + applyInserts(inserted)
            try dropTemporaries()
            return affected
        } catch let error as SQLiteError {
            throw QueryError("invalidQuery", error.message == "integer overflow" ? "int64 overflow" : error.message)
        }
    }

    // MARK: Deciding

    /// The source, evaluated once.
    private func stageSource() throws {
        let columns = (0..<max(plan.sourceWidth, 1)).map { "c\($0)" }.joined(separator: ", ")
        try db.execute("CREATE TEMP TABLE bq_merge_source (\(columns))")
        try db.execute("INSERT INTO \(Self.source) (\(columns)) SELECT \(columns) FROM (\(plan.sourceSQL))")
    }

    /// The matching pairs with their MATCHED clause; then the target rows some clause updates or
    /// deletes. A target row matched several times that a clause would change fails the statement
    /// when a MATCHED clause updates (BigQuery's rule: DELETE alone is unambiguous).
    private func stageMatches() throws {
        try db.execute("CREATE TEMP TABLE bq_merge_pairs (_tid, _sid, _clause)")
        try db.execute("""
            INSERT INTO \(Self.pairs) SELECT \(MergePlan.targetAlias)._row, \(MergePlan.sourceAlias).rowid, \(choice(.matched))
            FROM \(target) JOIN \(sourceItem) ON (\(plan.condition))
            """)
        if plan.matchedUpdates,
           try db.queryOne("SELECT 1 AS found FROM \(Self.pairs) GROUP BY _tid HAVING count(*) > 1 AND max(_clause) > 0 LIMIT 1") != nil {
            throw QueryError("invalidQuery", "UPDATE/MERGE must match at most one source row for each target row")
        }
        try db.execute("CREATE TEMP TABLE bq_merge_actions (_tid, _sid, _clause)")
        try db.execute("INSERT INTO \(Self.actions) SELECT _tid, _sid, _clause FROM \(Self.pairs) WHERE _clause > 0")
        if has(.notMatchedBySource) {
            try db.execute("""
                INSERT INTO \(Self.actions) SELECT _tid, NULL, _clause FROM (
                  SELECT \(MergePlan.targetAlias)._row AS _tid, \(choice(.notMatchedBySource)) AS _clause FROM \(target)
                  WHERE \(MergePlan.targetAlias)._row NOT IN (SELECT _tid FROM \(Self.pairs))
                ) WHERE _clause > 0
                """)
        }
    }

    /// The new values of the rows UPDATE clauses change (columns no clause assigns keep theirs).
    /// Answers the columns staged, in target order.
    private func stageUpdates() throws -> [String] {
        let clauses = numbered { $0.action.isUpdate }
        let columns = plan.targetColumns.filter { column in
            clauses.contains { _, clause in
                guard case .update(let assignments) = clause.action else { return false }
                return assignments.contains { $0.column == column }
            }
        }
        guard !columns.isEmpty else { return [] }
        let values = columns.map { column in
            var cases = ""
            for (number, clause) in clauses {
                guard case .update(let assignments) = clause.action, let value = assignments.first(where: { $0.column == column }) else { continue }
                cases += " WHEN \(number) THEN (\(value.sql))"
            }
            return "CASE a._clause\(cases) ELSE \(MergePlan.targetAlias).\(SQLText.identifier(column)) END"
        }
        try db.execute("CREATE TEMP TABLE bq_merge_updates (_tid\(columns.indices.map { ", u\($0)" }.joined()))")
        try db.execute("""
            INSERT INTO \(Self.updates) SELECT a._tid, \(values.joined(separator: ", "))
            FROM \(Self.actions) AS a JOIN \(target) ON \(MergePlan.targetAlias)._row = a._tid
            LEFT JOIN \(sourceItem) ON \(MergePlan.sourceAlias).rowid = a._sid
            WHERE a._clause IN (\(clauses.map { String($0.number) }.joined(separator: ", ")))
            """)
        return columns
    }

    /// The rows INSERT clauses add for the source rows no target row matched, in source order.
    private func stageInserts() throws -> Inserts {
        let clauses = numbered { if case .insert = $0.action { true } else { false } }
        guard !clauses.isEmpty else { return .none }
        try db.execute("CREATE TEMP TABLE bq_merge_unmatched (_sid, _clause)")
        try db.execute("""
            INSERT INTO \(Self.unmatched) SELECT _sid, _clause FROM (
              SELECT \(MergePlan.sourceAlias).rowid AS _sid, \(choice(.notMatchedByTarget)) AS _clause FROM \(sourceItem)
              WHERE \(MergePlan.sourceAlias).rowid NOT IN (SELECT _sid FROM \(Self.pairs))
            ) WHERE _clause > 0
            """)
        // One INSERT clause of the source's own columns (a bronze run's rows): the rows are read
        // from the staged source when they are applied, which nothing changes before then.
        if clauses.count == 1, case .insert(let values) = clauses[0].clause.action, values.allSatisfy(Self.readsOnlyTheSource) {
            return .direct(values)
        }
        let values = plan.targetColumns.indices.map { index in
            var cases = ""
            for (number, clause) in clauses {
                guard case .insert(let values) = clause.action, index < values.count else { continue }
                cases += " WHEN \(number) THEN (\(values[index]))"
            }
            return "CASE n._clause\(cases) ELSE NULL END"
        }
        try db.execute("CREATE TEMP TABLE bq_merge_inserts (\(insertColumns.joined(separator: ", ")))")
        try db.execute("""
            INSERT INTO \(Self.inserts) SELECT \(values.joined(separator: ", "))
            FROM \(Self.unmatched) AS n JOIN \(sourceItem) ON \(MergePlan.sourceAlias).rowid = n._sid ORDER BY n._sid
            """)
        return .staged
    }

    /// What ``stageInserts()`` decided.
    enum Inserts {
        case none
        /// Staged in ``inserts``.
        case staged
        /// Each target column's value, read from the staged source at apply time.
        case direct([String])
    }

    /// Whether an INSERT value is a staged source column or NULL.
    static func readsOnlyTheSource(_ value: String) -> Bool {
        if value == "NULL" { return true }
        let prefix = MergePlan.sourceAlias + ".c"
        guard value.hasPrefix(prefix) else { return false }
        let digits = value.dropFirst(prefix.count)
        return !digits.isEmpty && digits.allSatisfy(\.isASCII) && digits.allSatisfy(\.isNumber)
    }

    // MARK: Applying

    private func applyUpdates(_ columns: [String]) throws -> Int64 {
        guard !columns.isEmpty else { return 0 }
        let sets = columns.enumerated().map { "\(SQLText.identifier($0.element)) = u.u\($0.offset)" }
        return try changed("UPDATE \(rows) SET \(sets.joined(separator: ", ")) FROM \(Self.updates) AS u WHERE \(rows)._row = u._tid")
    }

    private func applyDeletes() throws -> Int64 {
        let numbers = numbered { $0.action.isDelete }.map { String($0.number) }
        guard !numbers.isEmpty else { return 0 }
        return try changed("DELETE FROM \(rows) WHERE _row IN (SELECT _tid FROM \(Self.actions) WHERE _clause IN (\(numbers.joined(separator: ", "))))")
    }

    private func applyInserts(_ inserts: Inserts) throws -> Int64 {
        guard !plan.targetColumns.isEmpty else { return 0 }
        let targets = plan.targetColumns.map(SQLText.identifier).joined(separator: ", ")
        switch inserts {
        case .none:
            return 0
        case .staged:
            return try changed("INSERT INTO \(rows) (\(targets)) SELECT \(insertColumns.joined(separator: ", ")) FROM \(Self.inserts) ORDER BY rowid")
        case .direct(let values):
            return try changed("""
                INSERT INTO \(rows) (\(targets)) SELECT \(values.joined(separator: ", "))
                FROM \(Self.unmatched) AS n JOIN \(sourceItem) ON \(MergePlan.sourceAlias).rowid = n._sid ORDER BY n._sid
                """)
        }
    }

    // MARK: Helpers

    private var insertColumns: [String] { plan.targetColumns.indices.map { "i\($0)" } }

    /// The clauses matching `filter`, each with its number (its position in the statement, from 1).
    private func numbered(_ filter: (MergePlan.Clause) -> Bool) -> [(number: Int, clause: MergePlan.Clause)] {
        plan.clauses.enumerated().filter { filter($0.element) }.map { ($0.offset + 1, $0.element) }
    }

    private func has(_ match: MergePlan.Match) -> Bool { plan.clauses.contains { $0.match == match } }

    /// The number of the first clause of kind `match` whose condition holds (0: none), as SQL.
    private func choice(_ match: MergePlan.Match) -> String {
        let branches = numbered { $0.match == match }.map { number, clause in
            "WHEN \(clause.condition.map { "(\($0))" } ?? "1") THEN \(number)"
        }
        return branches.isEmpty ? "0" : "CASE \(branches.joined(separator: " ")) ELSE 0 END"
    }

    /// Runs a statement; answers how many rows it changed.
    private func changed(_ sql: String) throws -> Int64 {
        try db.execute(sql)
        return try db.queryOne("SELECT changes() AS n")?.int("n") ?? 0
    }

    private func dropTemporaries() throws {
        try db.execute(Self.temporaries.map { "DROP TABLE IF EXISTS \($0);" }.joined(separator: " "))
    }
}
