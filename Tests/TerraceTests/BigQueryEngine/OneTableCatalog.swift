import BigQueryEngine
import TerraceSQLite

/// A catalog of one table, `p.<dataset>.<table>`, whose rows are the SQLite table `<table>`.
struct OneTableCatalog: EngineCatalog {
    let defaultProject = "p"
    let dataset: String
    let name: String
    let columns: [EngineColumn]

    init(_ dataset: String, _ name: String, _ columns: [EngineColumn]) {
        self.dataset = dataset
        self.name = name
        self.columns = columns
    }

    func table(project: String, dataset: String, table: String) throws -> EngineTable? {
        guard dataset == self.dataset, table == name else { return nil }
        return EngineTable(name: "p.\(dataset).\(name)", sqliteName: name, columns: columns)
    }
}

/// An in-memory database with the engine's functions registered and `setup` (SQL) run on it.
func engineDatabase(_ setup: String = "") throws -> Database {
    let db = try Database(path: ":memory:")
    try QueryEngine.prepare(db)
    if !setup.isEmpty { try db.execute(setup) }
    return db
}
