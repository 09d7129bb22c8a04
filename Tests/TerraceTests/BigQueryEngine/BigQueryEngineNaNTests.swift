import BigQueryEngine
import TerraceSQLite
import Testing

/// SQLite has no NaN (it stores NULL): a NaN result is refused by name rather than answered as
/// NULL where BigQuery answers NaN.
@Suite struct BigQueryEngineNaNTests {
    static let catalog = OneTableCatalog("d", "unused", [])

    func error(_ sql: String) throws -> String? {
        do {
            _ = try QueryEngine.run(sql, catalog: Self.catalog, db: try engineDatabase())
            return nil
        } catch let error as QueryError {
            return error.message
        }
    }

    @Test func aNaNResultIsRefusedByName() throws {
        #expect(try error("SELECT IEEE_DIVIDE(0, 0)") == "IEEE_DIVIDE gave NaN, which the local BigQuery cannot hold (its storage has no NaN): "
                    + "NaN is not supported by the local BigQuery yet")
        #expect(try error("SELECT CAST('NaN' AS FLOAT64)")?.hasPrefix("CAST gave NaN") == true)
        #expect(try error("SELECT SAFE_CAST('nan' AS FLOAT64)")?.hasPrefix("CAST gave NaN") == true)
    }

    @Test func infinitiesAreHeld() throws {
        #expect(try error("SELECT IEEE_DIVIDE(1, 0), CAST('-inf' AS FLOAT64)") == nil)
    }
}
