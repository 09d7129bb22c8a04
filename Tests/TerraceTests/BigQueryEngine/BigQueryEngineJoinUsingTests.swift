import BigQueryEngine
import TerraceSQLite
import Testing

/// `JOIN … USING`: the named columns appear once in `*`, merged; each side keeps its own,
/// reachable through its range variable, under its own name.
@Suite struct BigQueryEngineJoinUsingTests {
    static let catalog = OneTableCatalog("d", "unused", [])
    static let joined = "(SELECT 1 AS k, 2 AS v) AS a JOIN (SELECT 1 AS k, 'e' AS email) AS b USING (k)"

    func result(_ sql: String) throws -> (names: [String], rows: [[String]]) {
        let db = try engineDatabase()
        let answer = try QueryEngine.run(sql, catalog: Self.catalog, db: db)
        return (answer.columns.map(\.name), answer.rows.map { $0.map { "\($0)" } })
    }

    @Test func starShowsAUsingColumnOnceThenEachSidesOthers() throws {
        let answer = try result("SELECT * FROM \(Self.joined)")
        #expect(answer.names == ["k", "v", "email"])
        #expect(answer.rows == [["int(1)", "int(2)", "text(\"e\")"]])
    }

    @Test func aSidesStarKeepsItsOwnUsingColumnByName() throws {
        #expect(try result("SELECT a.*, b.email FROM \(Self.joined)").names == ["k", "v", "email"])
        #expect(try result("SELECT b.* FROM \(Self.joined)").names == ["k", "email"])
    }

    @Test func aSubqueryOfAUsingJoinIsReadByItsColumnNames() throws {
        let answer = try result("""
            WITH j AS (SELECT a.*, b.email FROM \(Self.joined)), k AS (SELECT * FROM j JOIN (SELECT 1 AS k, 'x' AS w) AS c USING (k))
            SELECT k, v, email, w FROM k
            """)
        #expect(answer.rows == [["int(1)", "int(2)", "text(\"e\")", "text(\"x\")"]])
    }

    @Test func anUnqualifiedUsingNameIsTheMergedColumnAndAQualifiedOneTheSides() throws {
        let answer = try result("""
            SELECT k, a.k AS ak, b.k AS bk FROM (SELECT 1 AS k) AS a FULL JOIN (SELECT 2 AS k) AS b USING (k) ORDER BY k
            """)
        #expect(answer.rows == [["int(1)", "int(1)", "null"], ["int(2)", "null", "int(2)"]])
    }
}
