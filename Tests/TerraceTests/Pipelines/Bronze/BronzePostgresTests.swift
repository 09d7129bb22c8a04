import Foundation
import Testing
import TerraceJSON
import TerracePipelines
import TerracePostgres

/// PostgreSQL sources against the real server the tests start: a table streamed into bronze,
/// an incremental cursor column, and credentials that are missing or wrong.
@Suite(.serialized)
struct BronzePostgresTests {
    /// A fresh table `orders_<unique>` with `count` rows, and the connection string.
    func orders(_ count: Int) async throws -> (String, String) {
        let server = try await SharedPostgres.server.value
        let table = "orders_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12)
        let connectionString = server.connectionString
        try await runOffCooperativePool {
            let connection = try PostgresConnection(connectionString: connectionString)
            defer { connection.close() }
            try connection.execute("""
                CREATE TABLE \(table) (id bigint PRIMARY KEY, customer text, amount numeric(10,2), placed_at timestamptz, items jsonb);
                INSERT INTO \(table) SELECT g, 'c' || (g % 7), g * 1.25, TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 hour',
                  jsonb_build_array(jsonb_build_object('sku', 'p' || g, 'qty', g % 3 + 1)) FROM generate_series(1, \(count)) AS g
                """)
        }
        return (String(table), connectionString)
    }

    func insert(_ table: String, _ connectionString: String, from: Int, to: Int) async throws {
        try await runOffCooperativePool {
            let connection = try PostgresConnection(connectionString: connectionString)
            defer { connection.close() }
            try connection.execute("""
                INSERT INTO \(table) SELECT g, 'c' || (g % 7), g * 1.25, TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * INTERVAL '1 hour', '[]'
                FROM generate_series(\(from), \(to)) AS g
                """)
        }
    }

    @Test func aTableIsStreamedIntoBronzeWithItsTypes() async throws {
        let (table, connection) = try await orders(12_000)
        try await BronzeHarness.with { h in
            let result = await h.succeed(.postgres("orders", .table(table, connection: "SHOP_DB")), h.options(variables: ["SHOP_DB": connection]))
            #expect(result.records == 12_000)
            let rows = try await h.rows("SELECT customer, amount, CAST(placed_at AS STRING), items[OFFSET(0)].sku FROM bronze.orders WHERE id = 5")
            #expect(rows == [["c5", "6.25", "2024-01-01T05:00:00Z", "p5"]])
        }
    }

    @Test func anIncrementalCursorColumnReadsOnlyNewRowsOnTheNextRun() async throws {
        let (table, connection) = try await orders(100)
        try await BronzeHarness.with { h in
            let source = Source.postgres("orders", .table(table, connection: "SHOP_DB", cursor: "id"))
            let first = await h.succeed(source, h.options(variables: ["SHOP_DB": connection]))
            #expect(first.records == 100)
            try await insert(table, connection, from: 101, to: 130)
            let second = await h.succeed(source, h.options(date: "2024-03-02", variables: ["SHOP_DB": connection]))
            #expect(second.records == 30)
            try await h.expectCount("orders", 130)
            let third = await h.succeed(source, h.options(date: "2024-03-03", variables: ["SHOP_DB": connection]))
            #expect(third.records == 0)
        }
    }

    @Test func aMissingOrWrongConnectionIsOneClearErrorWithoutTheSecret() async throws {
        let server = try await SharedPostgres.server.value
        try await BronzeHarness.with { h in
            let source = Source.postgres("orders", .table("orders", connection: "SHOP_DB"))
            let missing = await h.run(source)
            #expect(missing.error?.contains("the environment variable SHOP_DB is not set") == true)
            try server.createLoginRole("bronze_reader", password: "right-password")
            let refused = await h.run(source, h.options(variables: ["SHOP_DB": server.connectionString(user: "bronze_reader", password: "hunter2")]))
            #expect(refused.error?.contains("cannot connect to PostgreSQL") == true, "\(refused.error ?? "")")
            #expect(refused.error?.contains("hunter2") == false)
        }
    }

    @Test func aQueryThatFailsNamesTheTable() async throws {
        let server = try await SharedPostgres.server.value
        try await BronzeHarness.with { h in
            let result = await h.run(.postgres("orders", .table("no_such_table", connection: "SHOP_DB")), h.options(variables: ["SHOP_DB": server.connectionString]))
            #expect(result.error?.contains("PostgreSQL refused the query") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("no_such_table") == true)
        }
    }
}
