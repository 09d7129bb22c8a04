import NIOConcurrencyHelpers
import TerraceJSON
import TerraceSQLite

/// The local cloud's metadata store: one SQLite database in WAL mode, one writer behind a mutex
/// and readers on snapshots beside it.
///
/// Every service keeps its metadata here; object bodies live in files beside it (see
/// ``BlobStore``). Calls are short and never await while holding the lock.
public final class Store: @unchecked Sendable {
    // Guarded by `lock`.
    private let database: Database
    private let lock = NIOLock()
    public let path: String

    /// Opens the database at `path` and applies every schema in `schemas` (idempotent DDL).
    public init(path: String, schemas: [String]) throws {
        let db = try Database(path: path)
        try db.execute("PRAGMA journal_mode=WAL")
        try db.execute("PRAGMA synchronous=NORMAL")
        try db.execute("PRAGMA foreign_keys=ON")
        try db.execute(Store.resourceSchema)
        for schema in schemas { try db.execute(schema) }
        self.path = path
        self.database = db
    }

    static let resourceSchema = """
        CREATE TABLE IF NOT EXISTS resources (
            kind   TEXT NOT NULL,
            parent TEXT NOT NULL,
            name   TEXT NOT NULL,
            body   TEXT NOT NULL,
            PRIMARY KEY (kind, parent, name)
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
        """

    /// Read-only connections for ``read(_:)``, opened as needed and kept.
    private var readers: [Database] = []
    private let readersLock = NIOLock()

    /// Runs `body` on a read-only connection of its own, in one read transaction: a snapshot of
    /// what was committed when it began. Reads never wait for the writer, however long its
    /// transaction (a load job, a `CREATE TABLE … AS SELECT`), nor for each other (WAL).
    @discardableResult
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        let db = try readersLock.withLock { readers.popLast() } ?? openReader()
        defer { readersLock.withLock { readers.append(db) } }
        try db.execute("BEGIN")
        defer { try? db.execute("COMMIT") }
        return try body(db)
    }

    private func openReader() throws -> Database {
        let db = try Database(path: path)
        try db.execute("PRAGMA query_only=ON")
        return db
    }

    /// Runs `body` in one transaction: all of its writes land, or none do.
    @discardableResult
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        try lock.withLock { try database.transaction { try body(database) } }
    }
}

/// A stored JSON resource addressed by kind, parent and name.
public struct ResourceKey: Sendable, Hashable {
    public let kind: String
    public let parent: String
    public let name: String

    public init(_ kind: String, parent: String, name: String) {
        self.kind = kind
        self.parent = parent
        self.name = name
    }
}

extension Database {
    public func getResource(_ key: ResourceKey) throws -> JSON? {
        guard let row = try queryOne("SELECT body FROM resources WHERE kind = ? AND parent = ? AND name = ?",
                                     [.text(key.kind), .text(key.parent), .text(key.name)]),
              let text = row.string("body")
        else { return nil }
        return try JSON.parse(text)
    }

    /// Inserts a new resource; `false` when one with the same key exists (nothing changes).
    public func insertResource(_ key: ResourceKey, _ body: JSON) throws -> Bool {
        let changed = try run("INSERT OR IGNORE INTO resources (kind, parent, name, body) VALUES (?, ?, ?, ?)",
                              [.text(key.kind), .text(key.parent), .text(key.name), .text(body.encoded())])
        return changed == 1
    }

    /// Replaces (or creates) a resource.
    public func putResource(_ key: ResourceKey, _ body: JSON) throws {
        try run("INSERT OR REPLACE INTO resources (kind, parent, name, body) VALUES (?, ?, ?, ?)",
                [.text(key.kind), .text(key.parent), .text(key.name), .text(body.encoded())])
    }

    /// Deletes a resource; `false` when there was none.
    @discardableResult
    public func deleteResource(_ key: ResourceKey) throws -> Bool {
        try run("DELETE FROM resources WHERE kind = ? AND parent = ? AND name = ?",
                [.text(key.kind), .text(key.parent), .text(key.name)]) == 1
    }

    /// Deletes every resource of `kind` under `parent`.
    public func deleteResources(kind: String, parent: String) throws {
        try run("DELETE FROM resources WHERE kind = ? AND parent = ?", [.text(kind), .text(parent)])
    }

    /// Resources of `kind` under `parent` in name order, after `after` (exclusive), at most `limit`.
    public func listResources(kind: String, parent: String, after: String? = nil, limit: Int = Int(Int32.max))
        throws -> [(name: String, body: JSON)]
    {
        let rows = try query(
            "SELECT name, body FROM resources WHERE kind = ? AND parent = ? AND name > ? ORDER BY name LIMIT ?",
            [.text(kind), .text(parent), .text(after ?? ""), .int(Int64(limit))])
        return try rows.map { row in (row.string("name") ?? "", try JSON.parse(row.string("body") ?? "null")) }
    }

    public func countResources(kind: String, parent: String) throws -> Int {
        Int(try queryOne("SELECT COUNT(*) AS n FROM resources WHERE kind = ? AND parent = ?",
                         [.text(kind), .text(parent)])?.int("n") ?? 0)
    }

    /// The next value of a named counter (starting at 1), persisted.
    public func nextCounter(_ name: String) throws -> Int64 {
        try run("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1",
                [.text(name)])
        return try queryOne("SELECT value FROM counters WHERE name = ?", [.text(name)])?.int("value") ?? 1
    }
}

/// Page tokens: opaque to clients, the last name of the previous page inside.
public enum PageToken {
    public static func make(after name: String) -> String {
        Base64Token.encode(name)
    }

    public static func parse(_ token: String?) throws -> String? {
        guard let token, !token.isEmpty else { return nil }
        guard let name = Base64Token.decode(token) else {
            throw GCPError.invalid("Invalid pageToken: \(token)")
        }
        return name
    }
}
