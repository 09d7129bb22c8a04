import LocalCloud
import Testing
import TerraceSQLite

/// Read-only snapshots beside the writer: what SELECT jobs run on while other jobs write.
struct StoreSnapshotTests {
    func store() throws -> Store {
        try Store(path: makeTemporaryDirectory("terrace-store") + "/cloud.sqlite", schemas: ["CREATE TABLE IF NOT EXISTS t (x INTEGER)"])
    }

    func count(_ db: Database) throws -> Int64 {
        if case .int(let n) = try db.query("SELECT COUNT(*) FROM t")[0][0] { return n }
        return -1
    }

    @Test func aSnapshotSeesWhatWasCommittedAndNotTheWriteInProgress() throws {
        let store = try store()
        try store.write { db in _ = try db.run("INSERT INTO t VALUES (1)", []) }
        try store.write { db in
            _ = try db.run("INSERT INTO t VALUES (2)", [])
            #expect(try store.read { try count($0) } == 1, "the uncommitted row is not seen")
        }
        #expect(try store.read { try count($0) } == 2)
    }

    @Test func aSnapshotCannotWrite() throws {
        let store = try store()
        #expect(throws: SQLiteError.self) { try store.read { db in _ = try db.run("INSERT INTO t VALUES (3)", []) } }
        #expect(try store.read { try count($0) } == 0)
    }
}
