import BigQueryEngine
import TerraceSQLite
import Testing

/// `QUALIFY ROW_NUMBER() OVER (PARTITION BY … ORDER BY …) = 1` de-duplication, which the engine
/// answers with a GROUP BY and `max()`/`min()` when that gives the window's rows.
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#qualify_clause
@Suite struct BigQueryEngineLatestRowTests {
    /// `shop.events`: id, version, amount; several versions per id, not in version order.
    static let catalog = OneTableCatalog("shop", "events", [
        EngineColumn("id", .int64), EngineColumn("version", .int64), EngineColumn("amount", .float64),
    ])

    let db: Database

    init() throws {
        db = try engineDatabase("""
            CREATE TABLE events ("id", "version", "amount");
            INSERT INTO events VALUES (1, 2, 20.0), (1, 3, 30.0), (1, 1, 10.0), (2, NULL, 5.0), (2, 7, 70.0), (2, 6, 60.0),
              (3, NULL, 1.5), (NULL, 4, 4.0), (NULL, 9, 9.0);
            """)
    }

    func rows(_ sql: String) throws -> [[SQLValue]] {
        try QueryEngine.run(sql, catalog: Self.catalog, db: db).rows
    }

    func translation(_ sql: String) throws -> String {
        try QueryEngine.translate(sql, catalog: Self.catalog).sql
    }

    @Test func latestVersionPerKeyIsKept() throws {
        let answer = try rows("""
            SELECT id, version, amount FROM shop.events
            QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) = 1 ORDER BY id
            """)
        #expect(answer == [[.null, .int(9), .double(9)], [.int(1), .int(3), .double(30)], [.int(2), .int(7), .double(70)],
                           [.int(3), .null, .double(1.5)]])
    }

    @Test func latestRowDedupIsTranslatedAsGroupBy() throws {
        let sql = try translation("SELECT id, amount FROM shop.events QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) = 1")
        #expect(sql.contains("GROUP BY"))
        #expect(!sql.contains("OVER"))
    }

    @Test func ascendingNullsLastKeepsTheSmallest() throws {
        let answer = try rows("""
            SELECT id, version FROM shop.events WHERE id IS NOT NULL
            QUALIFY 1 = ROW_NUMBER() OVER (PARTITION BY id ORDER BY version ASC NULLS LAST) ORDER BY id
            """)
        #expect(answer == [[.int(1), .int(1)], [.int(2), .int(6)], [.int(3), .null]])
    }

    /// ASC puts NULLs first in BigQuery, which min() would skip: the window answers.
    @Test func ascendingNullsFirstKeepsTheNullRow() throws {
        let sql = "SELECT id, version FROM shop.events WHERE id = 2 QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY version) = 1"
        #expect(try translation(sql).contains("OVER"))
        #expect(try rows(sql) == [[.int(2), .null]])
    }

    @Test func namedWindowDedupIsKept() throws {
        let answer = try rows("""
            SELECT id, amount FROM shop.events WHERE id = 1
            QUALIFY ROW_NUMBER() OVER w = 1 WINDOW w AS (PARTITION BY id ORDER BY version DESC)
            """)
        #expect(answer == [[.int(1), .double(30)]])
    }

    @Test func otherAnalyticFunctionsKeepTheWindow() throws {
        let sql = """
            SELECT id, COUNT(*) OVER (PARTITION BY id) AS versions FROM shop.events WHERE id = 1
            QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) = 1
            """
        #expect(try translation(sql).contains("row_number()"))
        #expect(try rows(sql) == [[.int(1), .int(3)]])
    }

    @Test func aggregateOverDedupedRows() throws {
        let answer = try rows("""
            SELECT COUNT(*) AS n, SUM(amount) AS total FROM (
              SELECT id, amount FROM shop.events WHERE TRUE QUALIFY ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) = 1)
            """)
        #expect(answer == [[.int(4), .double(110.5)]])
    }

    @Test func rowNumberSubqueryFilterKeepsTheLatestRows() throws {
        let sql = """
            SELECT * FROM (
              SELECT id, amount, ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) AS rn FROM shop.events WHERE id IS NOT NULL
            ) AS latest WHERE latest.rn = 1 ORDER BY id
            """
        #expect(try rows(sql) == [[.int(1), .double(30), .int(1)], [.int(2), .double(70), .int(1)], [.int(3), .double(1.5), .int(1)]])
    }

    @Test func rowNumberSubqueryFilterIsTranslatedAsGroupBy() throws {
        let sql = try translation("""
            SELECT id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) AS rn FROM shop.events) WHERE rn = 1
            """)
        #expect(sql.contains("GROUP BY"))
        #expect(!sql.contains("OVER"))
    }

    @Test func rowNumberSubqueryOtherFiltersKeepTheWindow() throws {
        let sql = "SELECT id, rn FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY id ORDER BY version DESC) AS rn FROM shop.events) WHERE rn = 2 ORDER BY id"
        #expect(try translation(sql).contains("OVER"))
        #expect(try rows(sql) == [[.null, .int(2)], [.int(1), .int(2)], [.int(2), .int(2)]])
    }
}
