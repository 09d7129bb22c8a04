import BigQueryEngine
import TerraceSQLite
import Testing

/// SUM, AVG, MIN, MAX and ANY_VALUE of NUMERIC and BIGNUMERIC, grouped and over windows: exact
/// decimal results in the argument's type.
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions
@Suite struct BigQueryEngineDecimalAggregateTests {
    /// `shop.prices`: grp, seq, price NUMERIC, big BIGNUMERIC (decimal text, as stored).
    static let catalog = OneTableCatalog("shop", "prices", [
        EngineColumn("grp", .string), EngineColumn("seq", .int64), EngineColumn("price", .numeric), EngineColumn("big", .bignumeric),
    ])

    let db: Database

    init() throws {
        db = try engineDatabase("""
            CREATE TABLE prices ("grp", "seq", "price", "big");
            INSERT INTO prices VALUES ('a', 1, '0.1', '0.00000000000000000000000000000000000001'),
              ('a', 2, '0.2', '0.00000000000000000000000000000000000002'), ('a', 3, '10', '1'),
              ('b', 1, '-2.5', '-2.5'), ('b', 2, NULL, NULL), ('c', 1, NULL, NULL);
            """)
    }

    func rows(_ sql: String) throws -> [[SQLValue]] {
        try QueryEngine.run(sql, catalog: Self.catalog, db: db).rows
    }

    @Test func sumOfNumericIsExact() throws {
        let answer = try rows("SELECT grp, SUM(price) FROM shop.prices GROUP BY grp ORDER BY grp")
        #expect(answer == [[.text("a"), .text("10.3")], [.text("b"), .text("-2.5")], [.text("c"), .null]])
    }

    @Test func sumOfBignumericKeepsThirtyEightDigits() throws {
        let answer = try rows("SELECT SUM(big) FROM shop.prices WHERE grp = 'a'")
        #expect(answer == [[.text("1.00000000000000000000000000000000000003")]])
    }

    @Test func avgOfNumericIsNumericRoundedHalfAwayFromZero() throws {
        // (0.1 + 0.2 + 10) / 3 = 3.4333333333…
        let answer = try rows("SELECT AVG(price), AVG(DISTINCT price) FROM shop.prices WHERE grp = 'a'")
        #expect(answer == [[.text("3.433333333"), .text("3.433333333")]])
        let type = try QueryEngine.translate("SELECT AVG(price) AS a FROM shop.prices", catalog: Self.catalog).columns.first?.type
        #expect(type == .numeric)
    }

    @Test func minAndMaxOfNumericCompareByValueNotText() throws {
        // As text, '10' sorts before '0.2' and '-2.5' after '0.1'.
        let answer = try rows("SELECT MIN(price), MAX(price) FROM shop.prices")
        #expect(answer == [[.text("-2.5"), .text("10")]])
    }

    @Test func anyValueOfNumericIsOneOfTheGroupsValues() throws {
        let answer = try rows("SELECT grp, ANY_VALUE(price) FROM shop.prices WHERE grp = 'b' GROUP BY grp")
        #expect(answer == [[.text("b"), .text("-2.5")]])
    }

    @Test func runningSumOverAWindowFrame() throws {
        let answer = try rows("""
            SELECT seq, SUM(price) OVER (ORDER BY seq ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM shop.prices WHERE grp = 'a' ORDER BY seq
            """)
        #expect(answer == [[.int(1), .text("0.1")], [.int(2), .text("0.3")], [.int(3), .text("10.2")]])
    }

    @Test func slidingMaxDropsValuesThatLeaveTheFrame() throws {
        let answer = try rows("""
            SELECT seq, MAX(price) OVER (ORDER BY seq DESC ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM shop.prices WHERE grp = 'a' ORDER BY seq
            """)
        // Descending: 10 | 10, 0.2 | 0.2, 0.1.
        #expect(answer == [[.int(1), .text("0.2")], [.int(2), .text("10")], [.int(3), .text("10")]])
    }

    @Test func sumOfNumericOverflowFailsTheQuery() throws {
        #expect(throws: (any Error).self) {
            try rows("SELECT SUM(x) FROM UNNEST([NUMERIC '99999999999999999999999999999.999999999', NUMERIC '1']) AS x")
        }
    }

    @Test func sumOfStringNamesTheSignatures() throws {
        let error = #expect(throws: (any Error).self) { try rows("SELECT SUM(grp) FROM shop.prices") }
        #expect("\(error.map { "\($0)" } ?? "")".contains("SUM(NUMERIC)"))
    }
}
