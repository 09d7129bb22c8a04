import BigQueryEngine
import TerraceSQLite
import Testing

/// A function of BigQuery's reference the local engine lacks is "not supported by the local
/// BigQuery yet", not "Function not found" (which would say the SQL is wrong).
@Suite struct BigQueryEngineMissingFunctionTests {
    func error(_ sql: String) throws -> String? {
        do {
            _ = try QueryEngine.run(sql, catalog: OneTableCatalog("d", "unused", []), db: try engineDatabase())
            return nil
        } catch let error as QueryError {
            return error.message
        }
    }

    @Test func aBigQueryFunctionTheEngineLacksIsNamedAsUnsupported() throws {
        #expect(try error("SELECT STDDEV(x) FROM UNNEST([1.0, 2.0]) AS x") == "STDDEV() is not supported by the local BigQuery yet at [1:8]")
        #expect(try error("SELECT RANGE_BUCKET(3, [0, 5])") == "RANGE_BUCKET() is not supported by the local BigQuery yet at [1:8]")
    }

    @Test func aNameBigQueryDoesNotKnowIsNotFound() throws {
        #expect(try error("SELECT NO_SUCH_FUNCTION(1)") == "Function not found: NO_SUCH_FUNCTION at [1:8]")
    }
}
