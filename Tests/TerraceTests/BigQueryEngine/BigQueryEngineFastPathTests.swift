import BigQueryEngine
import TerraceSQLite
import Testing

/// Functions the engine answers with SQLite's own code where that is exactly BigQuery's answer.
@Suite struct BigQueryEngineFastPathTests {
    /// `shop.events`: id, ts TIMESTAMP, name STRING, x FLOAT64.
    static let catalog = OneTableCatalog("shop", "events", [
        EngineColumn("id", .int64), EngineColumn("ts", .timestamp), EngineColumn("name", .string), EngineColumn("x", .float64),
    ])

    let db: Database

    init() throws {
        // 2024-03-01 23:59:59.999999, 1970-01-01 00:00:00, 1969-12-31 23:59:59.999999, NULL.
        db = try engineDatabase("""
            CREATE TABLE events ("id", "ts", "name", "x");
            INSERT INTO events VALUES (1, 1709337599999999, 'Ann Lee', 1.5), (2, 0, 'ΣΊΣΥΦΟΣ', 1e308), (3, -1, 'straße', -0.0), (4, NULL, NULL, NULL);
            """)
    }

    func column(_ sql: String) throws -> [SQLValue] {
        try QueryEngine.run(sql, catalog: Self.catalog, db: db).rows.map { $0[0] }
    }

    @Test func dateOfATimestampColumnAroundTheEpoch() throws {
        #expect(try column("SELECT DATE(ts) FROM shop.events ORDER BY id") == [.text("2024-03-01"), .text("1970-01-01"), .text("1969-12-31"), .null])
    }

    @Test func dateOfATimestampColumnIsSQLiteDate() throws {
        #expect(try QueryEngine.translate("SELECT DATE(ts) FROM shop.events", catalog: Self.catalog).sql.contains("'unixepoch'"))
    }

    @Test func dateInAZoneKeepsTheLibrary() throws {
        #expect(try column("SELECT DATE(ts, '-01:00') FROM shop.events WHERE id = 2") == [.text("1969-12-31")])
    }

    @Test func lowerAndUpperOfASCIIAndUnicode() throws {
        #expect(try column("SELECT LOWER(name) FROM shop.events ORDER BY id") == [.text("ann lee"), .text("σίσυφος"), .text("straße"), .null])
        #expect(try column("SELECT UPPER(name) FROM shop.events ORDER BY id") == [.text("ANN LEE"), .text("ΣΊΣΥΦΟΣ"), .text("STRASSE"), .null])
    }

    @Test func timestampTruncToADayAroundTheEpoch() throws {
        #expect(try column("SELECT TIMESTAMP_TRUNC(ts, DAY) FROM shop.events ORDER BY id")
                == [.int(1_709_251_200_000_000), .int(0), .int(-86_400_000_000), .null])
    }

    @Test func timestampTruncToAnHourAndAMillisecond() throws {
        #expect(try column("SELECT TIMESTAMP_TRUNC(ts, HOUR) FROM shop.events WHERE id = 1") == [.int(1_709_334_000_000_000)])
        #expect(try column("SELECT TIMESTAMP_TRUNC(ts, MILLISECOND) FROM shop.events WHERE id IN (1, 3) ORDER BY id")
                == [.int(1_709_337_599_999_000), .int(-1000)])
    }

    @Test func dateTruncToDayMonthAndYear() throws {
        #expect(try column("SELECT DATE_TRUNC(DATE(ts), MONTH) FROM shop.events ORDER BY id") == [.text("2024-03-01"), .text("1970-01-01"), .text("1969-12-01"), .null])
        #expect(try column("SELECT DATE_TRUNC(DATE '2024-03-17', YEAR)") == [.text("2024-01-01")])
        #expect(try column("SELECT DATE_TRUNC(DATE '2024-03-17', DAY)") == [.text("2024-03-17")])
    }

    @Test func castOfATimestampColumnToDate() throws {
        #expect(try column("SELECT CAST(ts AS DATE) FROM shop.events ORDER BY id") == [.text("2024-03-01"), .text("1970-01-01"), .text("1969-12-31"), .null])
    }

    @Test func concatOfStringsIsNullWhenAnyIs() throws {
        #expect(try column("SELECT CONCAT(name, '#', id) FROM shop.events ORDER BY id")
                == [.text("Ann Lee#1"), .text("ΣΊΣΥΦΟΣ#2"), .text("straße#3"), .null])
        #expect(try column("SELECT CONCAT('only')") == [.text("only")])
    }

    func failure(_ sql: String) -> String? {
        do {
            _ = try QueryEngine.run(sql, catalog: Self.catalog, db: db)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func arithmeticOnColumnsIsSQLiteArithmetic() throws {
        let sql = try QueryEngine.translate("SELECT id + 1, x * 2 FROM shop.events", catalog: Self.catalog).sql
        #expect(sql.contains("typeof("))
        #expect(try column("SELECT id * 3 - 1 FROM shop.events ORDER BY id") == [.int(2), .int(5), .int(8), .int(11)])
        #expect(try column("SELECT x * 2 + id FROM shop.events WHERE id IN (1, 4) ORDER BY id") == [.double(4), .null])
    }

    @Test func int64OverflowOfAColumnIsAnError() {
        #expect(failure("SELECT id * 9223372036854775807 FROM shop.events WHERE id = 2") == "int64 overflow: 2 * 9223372036854775807")
    }

    @Test func float64OverflowAndDivisionByZeroOfAColumnAreErrors() {
        #expect(failure("SELECT x * 10 FROM shop.events WHERE id = 2")?.hasPrefix("double overflow") == true)
        #expect(failure("SELECT x / 0 FROM shop.events WHERE id = 1")?.hasPrefix("division by zero") == true)
    }

    @Test func int64DivisionIsFloat64() throws {
        #expect(try column("SELECT id / 2 FROM shop.events WHERE id = 3") == [.double(1.5)])
    }
}
