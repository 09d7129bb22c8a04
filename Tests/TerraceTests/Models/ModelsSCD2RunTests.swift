import TerraceJSON
import TerraceModels
import Testing

/// Type-2 history over three runs on the local cloud, with both change detections.
@Suite(.serialized)
struct ModelsSCD2RunTests {
    /// The history of `gold.dim`: the key, `columns`, then valid_from, valid_to and is_current.
    func history(_ columns: String) -> String {
        "SELECT id, \(columns), CAST(valid_from AS STRING), CAST(valid_to AS STRING), is_current FROM gold.dim ORDER BY id, valid_from"
    }

    @Test func updatedAtVersionsARowWhenItsUpdatedAtIsNewer() async throws {
        let project = try ModelFixtures.project(["gold/dim.sql": """
            -- materialized: scd2
            -- unique_key: id
            -- updated_at: updated_at
            SELECT id, city, updated_at FROM source('bronze', 'customers')
            """]).compile(ModelFixtures.context(bronzeTables: ["customers"]))
        let model = try #require(project.model(named: "dim"))
        try await ModelCloud.with { cloud in
            try await cloud.run("""
                CREATE TABLE bronze.customers AS
                SELECT 1 AS id, 'Oslo' AS city, TIMESTAMP '2024-01-01' AS updated_at UNION ALL SELECT 2, 'Rome', TIMESTAMP '2024-01-01'
                """)
            try await cloud.runModel(model)
            try await cloud.run("UPDATE bronze.customers SET city = 'Paris', updated_at = TIMESTAMP '2024-02-01' WHERE id = 1")
            try await cloud.run("INSERT bronze.customers VALUES (3, 'Lima', TIMESTAMP '2024-02-01')")
            try await cloud.runModel(model)
            try await cloud.run("UPDATE bronze.customers SET city = 'Tokyo', updated_at = TIMESTAMP '2024-03-01' WHERE id = 1")
            // Key 3 disappears from the source: its version stays current.
            try await cloud.run("DELETE bronze.customers WHERE id = 3")
            try await cloud.runModel(model)
            #expect(try await cloud.rows(history("city")) == [
                ["1", "Oslo", "2024-01-01 00:00:00+00", "2024-02-01 00:00:00+00", "false"],
                ["1", "Paris", "2024-02-01 00:00:00+00", "2024-03-01 00:00:00+00", "false"],
                ["1", "Tokyo", "2024-03-01 00:00:00+00", nil, "true"],
                ["2", "Rome", "2024-01-01 00:00:00+00", nil, "true"],
                ["3", "Lima", "2024-02-01 00:00:00+00", nil, "true"],
            ])
        }
    }

    @Test func checkColsVersionsARowWhenAnyColumnDiffersNullSafely() async throws {
        let project = try ModelFixtures.project(["gold/dim.sql": """
            -- materialized: scd2
            -- unique_key: id
            -- check_cols: name, price
            SELECT id, name, price FROM source('bronze', 'products')
            """]).compile(ModelFixtures.context(bronzeTables: ["products"]))
        let model = try #require(project.model(named: "dim"))
        try await ModelCloud.with { cloud in
            try await cloud.run("""
                CREATE TABLE bronze.products AS
                SELECT 1 AS id, 'a' AS name, 10 AS price UNION ALL SELECT 2, 'b', CAST(NULL AS INT64)
                """)
            try await cloud.runModel(model, at: ModelFixtures.runAt(hours: 0))
            try await cloud.run("UPDATE bronze.products SET price = 12 WHERE id = 1")
            try await cloud.runModel(model, at: ModelFixtures.runAt(hours: 1))
            try await cloud.run("UPDATE bronze.products SET price = 5 WHERE id = 2")
            try await cloud.runModel(model, at: ModelFixtures.runAt(hours: 2))
            #expect(try await cloud.rows(history("name, price")) == [
                ["1", "a", "10", "2024-05-01 12:00:00+00", "2024-05-01 13:00:00+00", "false"],
                ["1", "a", "12", "2024-05-01 13:00:00+00", nil, "true"],
                ["2", "b", nil, "2024-05-01 12:00:00+00", "2024-05-01 14:00:00+00", "false"],
                ["2", "b", "5", "2024-05-01 14:00:00+00", nil, "true"],
            ])
        }
    }
}
