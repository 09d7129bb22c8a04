import TerraceJSON
import TerraceSQLite

/// The rows of BigQuery tables: one SQLite table per BigQuery table (`bq_rows_<n>`), one column
/// per top-level field named after it in lower case, plus `_row` (insertion order). The
/// mapping from a table to its SQLite table remembers the table's `creationTime`, so the rows
/// of a deleted or expired table never reappear in a new one of the same name.
enum RowStore {
    static let schema = """
        CREATE TABLE IF NOT EXISTS bq_row_tables (
            key TEXT PRIMARY KEY, name TEXT NOT NULL, created TEXT NOT NULL, columns TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS bq_insert_ids (
            key TEXT NOT NULL, insert_id TEXT NOT NULL, at INTEGER NOT NULL, PRIMARY KEY (key, insert_id)
        ) WITHOUT ROWID;
        """

    /// The key of a table: `project:dataset.table`.
    static func key(_ project: String, _ dataset: String, _ table: String) -> String { "\(project):\(dataset).\(table)" }

    /// The SQLite table holding `table`'s rows, when it has any.
    static func existing(_ db: Database, key: String, table: JSON) throws -> String? {
        guard let row = try db.queryOne("SELECT name, created FROM bq_row_tables WHERE key = ?", [.text(key)]),
              let name = row.string("name")
        else { return nil }
        guard row.string("created") == table["creationTime"]?.stringValue else {
            try drop(db, key: key)
            return nil
        }
        return name
    }

    /// The SQLite table for `table`, created (or given new columns) to hold every top-level field.
    static func ensure(_ db: Database, key: String, table: JSON, fields: [FieldSchema]) throws -> String {
        let wanted = fields.map { $0.name.lowercased() }
        if let name = try existing(db, key: key, table: table) {
            let row = try db.queryOne("SELECT columns FROM bq_row_tables WHERE key = ?", [.text(key)])
            let have = (try? JSON.parse(row?.string("columns") ?? "[]"))?.arrayValue?.compactMap(\.stringValue) ?? []
            let missing = wanted.filter { !have.contains($0) }
            for column in missing { try db.execute("ALTER TABLE \(name) ADD COLUMN \"\(column)\"") }
            if !missing.isEmpty {
                _ = try db.run("UPDATE bq_row_tables SET columns = ? WHERE key = ?",
                               [.text(JSON.array((have + missing).map { .string($0) }).encoded()), .text(key)])
            }
            return name
        }
        let number = try db.nextCounter("bq.rows")
        let name = "bq_rows_\(number)"
        let columns = (["_row INTEGER PRIMARY KEY"] + wanted.map { "\"\($0)\"" }).joined(separator: ", ")
        try db.execute("CREATE TABLE \(name) (\(columns))")
        _ = try db.run("INSERT INTO bq_row_tables (key, name, created, columns) VALUES (?, ?, ?, ?)",
                       [.text(key), .text(name), .text(table["creationTime"]?.stringValue ?? ""),
                        .text(JSON.array(wanted.map { .string($0) }).encoded())])
        return name
    }

    /// Appends rows (values in `fields` order).
    static func insert(_ db: Database, into name: String, fields: [FieldSchema], rows: [[SQLValue]]) throws {
        guard !rows.isEmpty else { return }
        let columns = fields.map(\.column).joined(separator: ", ")
        let marks = Array(repeating: "?", count: fields.count).joined(separator: ", ")
        let statement = try db.prepare("INSERT INTO \(name) (\(columns)) VALUES (\(marks))")
        for row in rows {
            statement.reset()
            try statement.bind(row)
            _ = try statement.step()
        }
    }

    /// How many rows the table holds.
    static func count(_ db: Database, _ name: String) throws -> Int64 {
        try db.queryOne("SELECT count(*) AS n FROM \(name)")?.int("n") ?? 0
    }

    /// Rows `start ..< start + limit` in insertion order, values in `fields` order.
    static func page(_ db: Database, _ name: String, fields: [FieldSchema], start: Int64, limit: Int) throws -> [[SQLValue]] {
        guard !fields.isEmpty else { return [] }
        let statement = try db.prepare("SELECT \(fields.map(\.column).joined(separator: ", ")) FROM \(name) ORDER BY _row LIMIT ? OFFSET ?")
        try statement.bind([.int(Int64(limit)), .int(start)])
        var rows: [[SQLValue]] = []
        while try statement.step() {
            rows.append((0..<fields.count).map { statement.value($0) })
        }
        return rows
    }

    /// Removes every row (WRITE_TRUNCATE, TRUNCATE TABLE).
    static func truncate(_ db: Database, _ name: String) throws {
        try db.execute("DELETE FROM \(name)")
    }

    /// Forgets a table's rows (the table was deleted or replaced).
    static func drop(_ db: Database, key: String) throws {
        if let name = try db.queryOne("SELECT name FROM bq_row_tables WHERE key = ?", [.text(key)])?.string("name") {
            try db.execute("DROP TABLE IF EXISTS \(name)")
        }
        _ = try db.run("DELETE FROM bq_row_tables WHERE key = ?", [.text(key)])
        _ = try db.run("DELETE FROM bq_insert_ids WHERE key = ?", [.text(key)])
    }

    /// `numRows` and `numBytes` (BigQuery's logical size) of the stored rows.
    /// Scalar columns are summed by SQLite (``sizeSQL(_:)``); only nested
    /// columns are read back, to size their JSON.
    static func statistics(_ db: Database, _ name: String, fields: [FieldSchema]) throws -> (rows: Int64, bytes: Int64) {
        let scalars = fields.filter { !$0.isNested }.map(sizeSQL)
        let totals = try db.prepare("SELECT COUNT(*)\(scalars.map { ", " + $0 }.joined()) FROM \(name)")
        // Cached statements stay active until reset: one stepped only once would hold a read lock.
        defer { totals.reset() }
        guard try totals.step() else { return (0, 0) }
        func integer(_ index: Int) -> Int64 { if case .int(let value) = totals.value(index) { value } else { 0 } }
        let rows = integer(0)
        var bytes: Int64 = 0
        for index in scalars.indices { bytes += integer(index + 1) }
        let nested = fields.filter(\.isNested)
        guard !nested.isEmpty else { return (rows, bytes) }
        let statement = try db.prepare("SELECT \(nested.map(\.column).joined(separator: ", ")) FROM \(name)")
        while try statement.step() {
            for (index, field) in nested.enumerated() { bytes += RowCodec.size(statement.value(index), field: field) }
        }
        return (rows, bytes)
    }

    /// A scalar column's logical size, summed in SQL: ``RowCodec/scalarSize(_:type:)`` for the
    /// values ``RowCodec`` stores, where only BYTES are blobs and only STRING, JSON and
    /// GEOGRAPHY are sized by their text. Fixed-size types count their non-NULL values (a
    /// `typeof()` test per value, a string comparison, was most of the time of a big write).
    static func sizeSQL(_ field: FieldSchema) -> String {
        let column = field.column
        switch field.type {
        case "STRING", "JSON", "GEOGRAPHY":
            return "COALESCE(SUM(2 + length(CAST(\(column) AS BLOB))), 0)"
        case "BYTES":
            return "COALESCE(SUM(CASE WHEN typeof(\(column)) = 'blob' THEN 2 + length(\(column)) WHEN \(column) IS NOT NULL THEN 8 END), 0)"
        default:
            let fixed = switch field.type {
            case "BOOLEAN": 1
            case "NUMERIC": 16
            case "BIGNUMERIC": 32
            default: 8
            }
            return "COUNT(\(column)) * \(fixed)"
        }
    }
}
