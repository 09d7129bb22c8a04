import TerraceJSON
import TerraceModels
import Testing

/// Table and incremental models' statements run on the local cloud through jobs.query.
@Suite(.serialized)
struct ModelsRunTests {
    func compile(_ files: [String: String], bronze: [String], variables: [String: JSON] = [:]) throws -> CompiledProject {
        try ModelFixtures.project(files).compile(ModelFixtures.context(bronzeTables: bronze, variables: variables))
    }

    @Test func aTableModelIsReplacedByEachRun() async throws {
        let project = try compile(["gold/dim.sql": "SELECT id, UPPER(name) AS name FROM source('bronze', 'users')"],
                                  bronze: ["users"])
        let model = try #require(project.model(named: "dim"))
        try await ModelCloud.with { cloud in
            try await cloud.run("CREATE TABLE bronze.users AS SELECT 1 AS id, 'ann' AS name UNION ALL SELECT 2, 'bob'")
            try await cloud.runModel(model)
            #expect(try await cloud.rows("SELECT id, name FROM gold.dim ORDER BY id") == [["1", "ANN"], ["2", "BOB"]])
            try await cloud.run("INSERT bronze.users VALUES (3, 'cid')")
            try await cloud.run("DELETE bronze.users WHERE id = 1")
            try await cloud.runModel(model)
            #expect(try await cloud.rows("SELECT id, name FROM gold.dim ORDER BY id") == [["2", "BOB"], ["3", "CID"]])
        }
    }

    @Test func anIncrementalMergeUpdatesChangedRowsAndAddsNewOnesWithoutDuplicates() async throws {
        let project = try compile(["gold/orders.sql": """
            -- materialized: incremental
            -- unique_key: id
            -- incremental_filter: updated_at > (SELECT MAX(updated_at) FROM this)
            SELECT id, status, updated_at FROM source('bronze', 'orders')
            """], bronze: ["orders"])
        let model = try #require(project.model(named: "orders"))
        try await ModelCloud.with { cloud in
            try await cloud.run("""
                CREATE TABLE bronze.orders AS
                SELECT 1 AS id, 'open' AS status, TIMESTAMP '2024-01-01' AS updated_at
                UNION ALL SELECT 2, 'open', TIMESTAMP '2024-01-01'
                """)
            try await cloud.runModel(model)
            try await cloud.run("UPDATE bronze.orders SET status = 'paid', updated_at = TIMESTAMP '2024-01-02' WHERE id = 2")
            // Changed without a newer updated_at: the filter leaves it out.
            try await cloud.run("UPDATE bronze.orders SET status = 'lost' WHERE id = 1")
            try await cloud.run("INSERT bronze.orders VALUES (3, 'open', TIMESTAMP '2024-01-02')")
            try await cloud.runModel(model)
            #expect(try await cloud.rows("SELECT id, status FROM gold.orders ORDER BY id") == [["1", "open"], ["2", "paid"], ["3", "open"]])
        }
    }

    @Test func insertOverwriteReplacesOnlyThePartitionsTheNewRowsTouch() async throws {
        let project = try compile(["gold/daily.sql": """
            -- materialized: incremental
            -- incremental_strategy: insert_overwrite
            -- partition_by: day
            -- incremental_filter: day >= var('since', DATE '2024-01-01')
            SELECT day, n FROM source('bronze', 'events')
            """], bronze: ["events"], variables: ["since": "2024-01-02"])
        let model = try #require(project.model(named: "daily"))
        try await ModelCloud.with { cloud in
            try await cloud.run("""
                CREATE TABLE bronze.events AS
                SELECT DATE '2024-01-01' AS day, 1 AS n UNION ALL SELECT DATE '2024-01-01', 2 UNION ALL SELECT DATE '2024-01-02', 3
                """)
            try await cloud.runModel(model)
            try await cloud.run("DELETE bronze.events WHERE TRUE")
            try await cloud.run("""
                INSERT bronze.events VALUES (DATE '2024-01-01', 100), (DATE '2024-01-02', 30), (DATE '2024-01-02', 31),
                  (DATE '2024-01-03', 40)
                """)
            try await cloud.runModel(model)
            #expect(try await cloud.rows("SELECT CAST(day AS STRING), n FROM gold.daily ORDER BY day, n") == [
                ["2024-01-01", "1"], ["2024-01-01", "2"], ["2024-01-02", "30"], ["2024-01-02", "31"], ["2024-01-03", "40"],
            ])
        }
    }

    @Test func aViewStatementMakesAQueryableView() async throws {
        let project = try compile(["silver/v.sql": "SELECT id * 10 AS id FROM source('bronze', 'users')"], bronze: ["users"])
        let model = try #require(project.model(named: "v"))
        try await ModelCloud.with { cloud in
            try await cloud.run("CREATE TABLE bronze.users AS SELECT 1 AS id")
            try await cloud.runModel(model)
            #expect(try await cloud.rows("SELECT id FROM silver.v") == [["10"]])
        }
    }
}
