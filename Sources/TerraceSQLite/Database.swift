import CSQLite

/// A value bound to, or read from, an SQLite statement.
public enum SQLValue: Sendable, Hashable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])
}

/// An SQLite error, with the statement that caused it.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32
    public let message: String
    public let sql: String?

    public var description: String {
        if let sql { return "SQLite error \(code): \(message) (in: \(sql.prefix(200)))" }
        return "SQLite error \(code): \(message)"
    }

    /// A UNIQUE or PRIMARY KEY constraint failed.
    public var isConstraintViolation: Bool { code & 0xFF == SQLITE_CONSTRAINT }
}

/// One SQLite connection with a statement cache.
///
/// Not thread-safe: callers serialise access (the local cloud keeps one behind a mutex).
public final class Database {
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    public let path: String
    /// Names of function sets registered on this connection (registering again would expire
    /// every cached statement).
    public var registrations: Set<String> = []

    /// Opens (creating if needed) the database at `path`; `":memory:"` is an in-memory database.
    public init(path: String) throws(SQLiteError) {
        _ = Self.configured
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close(db) }
            throw SQLiteError(code: rc, message: message, sql: nil)
        }
        self.handle = db
        self.path = path
        sqlite3_busy_timeout(db, 5000)
        sqlite3_extended_result_codes(db, 1)
    }

    /// Process-wide settings, applied once before the first connection opens SQLite.
    private static let configured: Bool = {
        terrace_sqlite3_disable_memstatus()  // no global mutex around every allocation
        return true
    }()

    deinit {
        cache.values.forEach { $0.finalize() }
        sqlite3_close_v2(handle)
    }

    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs one or more statements that take no parameters and return no rows.
    public func execute(_ sql: String) throws(SQLiteError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastError
            sqlite3_free(errorMessage)
            throw SQLiteError(code: rc, message: message, sql: sql)
        }
    }

    /// A prepared statement for `sql`, cached on the connection and reset for reuse.
    public func prepare(_ sql: String) throws(SQLiteError) -> Statement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw SQLiteError(code: rc, message: lastError, sql: sql)
        }
        let prepared = Statement(handle: statement, database: self, sql: sql)
        cache[sql] = prepared
        return prepared
    }

    /// Runs `sql` with `parameters` and returns every row.
    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLValue] = []) throws(SQLiteError) -> [Row] {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        var rows: [Row] = []
        while try statement.step() { rows.append(statement.row()) }
        statement.reset()
        return rows
    }

    /// Runs `sql` with `parameters` and returns the first row, if any.
    public func queryOne(_ sql: String, _ parameters: [SQLValue] = []) throws(SQLiteError) -> Row? {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        defer { statement.reset() }
        return try statement.step() ? statement.row() : nil
    }

    /// Runs a statement that returns no rows; answers the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ parameters: [SQLValue] = []) throws(SQLiteError) -> Int {
        let statement = try prepare(sql)
        try statement.bind(parameters)
        while try statement.step() {}
        statement.reset()
        return Int(sqlite3_changes(handle))
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a transaction (BEGIN IMMEDIATE), committing on success and rolling back on
    /// any error, so that the body's changes land whole or not at all.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

/// A row read from a statement: its values by column position and name.
public struct Row: Sendable {
    public let columns: [String]
    public let values: [SQLValue]

    public subscript(_ name: String) -> SQLValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }

    public subscript(_ index: Int) -> SQLValue { values[index] }

    public func string(_ name: String) -> String? {
        switch self[name] {
        case .text(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .blob(let b): return String(decoding: b, as: UTF8.self)
        case .null: return nil
        }
    }

    public func int(_ name: String) -> Int64? {
        switch self[name] {
        case .int(let i): return i
        case .double(let d): return Int64(d)
        case .text(let s): return Int64(s)
        default: return nil
        }
    }

    public func blob(_ name: String) -> [UInt8]? {
        switch self[name] {
        case .blob(let b): return b
        case .text(let s): return Array(s.utf8)
        default: return nil
        }
    }
}

/// A prepared statement. Obtain one from ``Database/prepare(_:)``.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    let sql: String

    init(handle: OpaquePointer, database: Database, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    func finalize() { sqlite3_finalize(handle) }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [SQLValue]) throws(SQLiteError) {
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .int(let i): rc = sqlite3_bind_int64(handle, index, i)
            case .double(let d): rc = sqlite3_bind_double(handle, index, d)
            case .text(let s):
                rc = s.utf8CString.withUnsafeBufferPointer {
                    terrace_sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count - 1))
                }
            case .blob(let b):
                rc = b.withUnsafeBytes { terrace_sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count)) }
            }
            if rc != SQLITE_OK { throw SQLiteError(code: rc, message: database.lastError, sql: sql) }
        }
    }

    /// Advances to the next row; `false` when the statement is done.
    public func step() throws(SQLiteError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = SQLiteError(code: rc, message: database.lastError, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
    }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }

    public func columnName(_ index: Int) -> String {
        sqlite3_column_name(handle, Int32(index)).map { String(cString: $0) } ?? ""
    }

    public func value(_ index: Int) -> SQLValue {
        let column = Int32(index)
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: return .int(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: return .double(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let text = sqlite3_column_text(handle, column) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, column))
            guard let bytes = sqlite3_column_blob(handle, column) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    private var cachedColumns: [String]?

    /// The current row.
    public func row() -> Row {
        let columns: [String]
        if let cachedColumns {
            columns = cachedColumns
        } else {
            columns = (0..<columnCount).map(columnName)
            cachedColumns = columns
        }
        return Row(columns: columns, values: (0..<columns.count).map(value))
    }
}
