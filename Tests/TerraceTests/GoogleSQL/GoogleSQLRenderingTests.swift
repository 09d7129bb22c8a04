import GoogleSQL
import Testing

@Suite("GoogleSQL canonical rendering")
struct GoogleSQLRenderingTests {
    typealias F = GoogleSQLFixture

    @Test func keywordsAreUppercasedAndNamesKept() throws {
        #expect(try F.canonical("select Name from DataSet.T where X is not null")
            == "SELECT Name FROM DataSet.T WHERE (X IS NOT NULL)")
    }

    @Test func namesAreQuotedOnlyWhenNeeded() throws {
        #expect(try F.canonical("SELECT `a`, `select`, `a b`, `my-project.ds.t` FROM t")
            == "SELECT a, `select`, `a b`, `my-project.ds.t` FROM t")
    }

    @Test func stringsAreReescaped() throws {
        #expect(try F.canonical(expression: #""it's\n" || r'\d' || b'\x00a'"#) == #"(('it\'s\n' || '\\d') || b'\x00a')"#)
    }

    /// Rendering a parsed statement and parsing the rendering gives the same rendering: the grouping
    /// the parentheses spell out is the tree's.
    @Test(arguments: [
        "SELECT a OR b AND NOT c = d, -2 * 3 + 4, x BETWEEN 1 AND 2 AND y",
        "SELECT DISTINCT AS STRUCT * EXCEPT (a) REPLACE (b + 1 AS b) FROM my-project.ds.t AS t WITH OFFSET o",
        "WITH RECURSIVE c AS (SELECT 1) SELECT SUM(x) OVER (PARTITION BY a ORDER BY b ROWS 2 PRECEDING) FROM c",
        "SELECT * FROM a LEFT JOIN (b CROSS JOIN c) ON a.k = b.k, UNNEST(a.arr) AS e WITH OFFSET AS i",
        "(SELECT 1 UNION ALL SELECT 2) INTERSECT DISTINCT SELECT 3 ORDER BY 1 LIMIT 1 OFFSET 0",
        "SELECT CASE x WHEN 1 THEN 'a' END, CAST(y AS NUMERIC(5, 2)), EXTRACT(WEEK(SUNDAY) FROM d), DATE '2024-01-01'",
        "SELECT ARRAY<STRUCT<a INT64>>[STRUCT(1 AS a)], (1, 'x'), [1, 2][SAFE_OFFSET(0)], ARRAY(SELECT 1), @p, ?",
        "SELECT a FROM t GROUP BY GROUPING SETS (a, ()) HAVING COUNT(DISTINCT b) > 1 QUALIFY RANK() OVER w = 1 WINDOW w AS (ORDER BY a)",
        "CREATE TEMP TABLE IF NOT EXISTS t (a ARRAY<STRING>, b INT64 DEFAULT 1 NOT NULL) CLUSTER BY a",
        "INSERT INTO t (a, b) VALUES (1, DEFAULT), (2, 3)",
        "UPDATE t AS x SET a.b = 1 FROM u WHERE x.id = u.id",
        "MERGE INTO t USING (SELECT 1 AS k) AS s ON t.k = s.k WHEN NOT MATCHED BY SOURCE THEN DELETE",
    ])
    func renderingIsStable(sql: String) throws {
        let once = try F.canonical(sql)
        #expect(try F.canonical(once) == once)
    }
}
