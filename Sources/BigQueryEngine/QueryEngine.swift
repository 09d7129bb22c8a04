import GoogleSQL
import TerraceSQLite

/// What a query answered.
public struct QueryResult: Sendable {
    public var columns: [EngineColumn]
    /// Values in the storage encoding of ``SQLType``, in `columns` order.
    public var rows: [[SQLValue]]
    /// BigQuery's logical bytes of the tables read (what BigQuery bills).
    public var totalBytesProcessed: Int64
}

/// Runs GoogleSQL queries on the local BigQuery's SQLite database.
public enum QueryEngine {
    /// Parses and translates `sql` (one query statement).
    public static func translate(_ sql: String, catalog: any EngineCatalog,
                                 parameters: QueryParameters = QueryParameters()) throws(QueryError) -> TranslatedQuery {
        let statement = try parseOne(sql)
        guard case .query(let query) = statement.kind else {
            throw .unsupported("DDL and DML statements here", at: statement.location)
        }
        return try Translator(catalog: catalog, parameters: parameters).translate(query)
    }

    /// The result schema and bytes a query would process, without running it.
    public static func dryRun(_ sql: String, catalog: any EngineCatalog,
                              parameters: QueryParameters = QueryParameters()) throws(QueryError) -> (columns: [EngineColumn], bytes: Int64) {
        let translated = try translate(sql, catalog: catalog, parameters: parameters)
        return (translated.columns, bytes(translated.tablesRead))
    }

    /// Runs `sql` on `db` (whose BigQuery functions are registered: ``prepare(_:)``).
    public static func run(_ sql: String, catalog: any EngineCatalog, db: Database,
                           parameters: QueryParameters = QueryParameters()) throws(QueryError) -> QueryResult {
        let translated = try translate(sql, catalog: catalog, parameters: parameters)
        var rows: [[SQLValue]] = []
        do {
            let statement = try db.prepare(translated.sql)
            let width = translated.columns.count
            while try statement.step() {
                rows.append((0..<width).map { statement.value($0) })
            }
        } catch {
            throw executionError(error)
        }
        return QueryResult(columns: translated.columns, rows: rows, totalBytesProcessed: bytes(translated.tablesRead))
    }

    /// Registers the BigQuery functions the translated SQL calls.
    public static func prepare(_ db: Database) throws {
        guard db.registrations.insert("bigquery").inserted else { return }
        do {
            try FunctionLibrary.register(on: db)
        } catch {
            db.registrations.remove("bigquery")
            throw error
        }
    }

    static func bytes(_ tables: [EngineTable]) -> Int64 {
        var seen: Set<String> = []
        return tables.reduce(0) { total, table in seen.insert(table.name).inserted ? total + table.logicalBytes : total }
    }

    /// A failure while running: a BigQuery function's error is the query's, in its words.
    static func executionError(_ error: any Error) -> QueryError {
        guard let sqlite = error as? SQLiteError else { return QueryError("internalError", "\(error)") }
        if sqlite.message == "integer overflow" { return QueryError("invalidQuery", "int64 overflow in SUM") }
        return QueryError("invalidQuery", sqlite.message)
    }
}
