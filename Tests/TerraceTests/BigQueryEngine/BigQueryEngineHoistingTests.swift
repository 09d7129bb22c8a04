import BigQueryEngine
import TerraceSQLite
import Testing

/// Expressions of the rows to the left of an UNNEST are computed once per such row, with the
/// same values and the same errors as when computed for every element.
@Suite struct BigQueryEngineHoistingTests {
    /// `shop.carts`: id, created STRING, items ARRAY<STRUCT<sku STRING, price FLOAT64>>.
    static let catalog = OneTableCatalog("shop", "carts", [
        EngineColumn("id", .int64), EngineColumn("created", .string),
        EngineColumn("items", .array(.struct([.init("sku", .string), .init("price", .float64)]))),
    ])

    let db: Database

    init() throws {
        db = try engineDatabase("""
            CREATE TABLE carts ("id", "created", "items");
            INSERT INTO carts VALUES
              (1, '2024-03-01 10:00:00', '[{"sku":"a","price":1.5},{"sku":"b","price":2}]'),
              (2, NULL, '[{"sku":"c","price":3}]'),
              (3, 'not a time', '[]'),
              (4, '2024-12-31T23:59:59.5Z', '[{"sku":"d","price":4}]');
            """)
    }

    func rows(_ sql: String) throws -> [[String]] {
        try QueryEngine.run(sql, catalog: Self.catalog, db: db).rows.map { $0.map { "\($0)" } }
    }

    @Test func eachElementGetsItsRowsValue() throws {
        // A WHERE on the cart alone is checked for every cart, items or not (as before hoisting).
        try db.execute("DELETE FROM carts WHERE id = 3")
        #expect(try rows("""
            SELECT c.id, item.sku, DATE(CAST(c.created AS TIMESTAMP)) AS day FROM shop.carts AS c CROSS JOIN UNNEST(c.items) AS item
            WHERE c.created IS NULL OR DATE(CAST(c.created AS TIMESTAMP)) >= '2024-01-01' ORDER BY c.id, item.sku
            """) == [
                ["int(1)", "text(\"a\")", "text(\"2024-03-01\")"], ["int(1)", "text(\"b\")", "text(\"2024-03-01\")"],
                ["int(2)", "text(\"c\")", "null"], ["int(4)", "text(\"d\")", "text(\"2024-12-31\")"],
            ])
    }

    @Test func theRowsExpressionIsComputedBesideTheRowsNotPerElement() throws {
        guard case .query(let translated) = try QueryEngine.plan(
            "SELECT CAST(c.created AS TIMESTAMP) AS t, item.sku FROM shop.carts AS c CROSS JOIN UNNEST(c.items) AS item WHERE c.id < 4",
            catalog: Self.catalog)
        else { Issue.record("not a query"); return }
        #expect(translated.sql.contains("bq_safe_cast("), "\(translated.sql)")
    }

    @Test func aBadValueOfARowWithoutElementsFailsNothing() throws {
        // Cart 3's time is not a time, and it has no items: no output row reads it.
        #expect(try rows("SELECT c.id, CAST(c.created AS TIMESTAMP) FROM shop.carts AS c CROSS JOIN UNNEST(c.items) AS item").count == 4)
    }

    @Test func aBadValueOfARowWithElementsFailsAsTheCastDoes() throws {
        try db.execute(#"UPDATE carts SET items = '[{"sku":"e","price":5}]' WHERE id = 3"#)
        let direct = #expect(throws: QueryError.self) { _ = try rows("SELECT CAST('not a time' AS TIMESTAMP)") }
        let hoisted = #expect(throws: QueryError.self) {
            _ = try rows("SELECT c.id, CAST(c.created AS TIMESTAMP) FROM shop.carts AS c CROSS JOIN UNNEST(c.items) AS item")
        }
        #expect(hoisted?.message == direct?.message)
    }

    @Test func anAggregateOverTheElementsIsNotHoistedAndIsRight() throws {
        #expect(try rows("""
            SELECT COUNT(*), MAX(DATE(CAST(c.created AS TIMESTAMP))) FROM shop.carts AS c CROSS JOIN UNNEST(c.items) AS item WHERE c.id <> 3
            """) == [["int(4)", "text(\"2024-12-31\")"]])
    }
}
