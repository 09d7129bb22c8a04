import TerraceJSON
import TerraceModels
import Testing

/// Each kind of data test finds exactly the failing rows on the local cloud, and none on clean data.
@Suite(.serialized)
struct ModelsDataTestRunTests {
    let files = [
        "silver/users.sql": "-- materialized: table\nSELECT id FROM source('bronze', 'users_raw')",
        "gold/orders.sql": """
            -- test: not_null(id)
            -- test: unique(id)
            -- test: accepted_values(status, ['open', 'paid'])
            -- test: relationships(user_id, ref('users'), id)
            SELECT id, status, user_id FROM source('bronze', 'orders_raw')
            """,
        "tests/big_ids.sql": "SELECT id FROM ref('orders') WHERE id > 1",
    ]

    /// Each test's failure count, then its example rows.
    func outcomes(_ cloud: ModelCloud, _ project: CompiledProject) async throws -> [String: (Int, [[JSON]])] {
        var outcomes: [String: (Int, [[JSON]])] = [:]
        for test in project.tests {
            let count = try await cloud.rows(test.countQuery)
            let examples = try await cloud.rows(test.examplesQuery())
            outcomes[test.test.name] = (Int(count.first?.first?.stringValue ?? "") ?? -1, examples)
        }
        return outcomes
    }

    @Test func eachTestFindsExactlyItsFailingRowsAndPassesOnCleanData() async throws {
        let project = try ModelFixtures.project(files).compile(ModelFixtures.context(bronzeTables: ["users_raw", "orders_raw"]))
        try await ModelCloud.with { cloud in
            try await cloud.run("CREATE TABLE bronze.users_raw AS SELECT 10 AS id UNION ALL SELECT 11")
            try await cloud.run("""
                CREATE TABLE bronze.orders_raw AS
                SELECT 1 AS id, 'open' AS status, 10 AS user_id UNION ALL SELECT 2, 'paid', 99 UNION ALL SELECT 2, 'weird', 10
                UNION ALL SELECT CAST(NULL AS INT64), 'open', CAST(NULL AS INT64)
                """)
            for model in project.models { try await cloud.runModel(model) }
            let failing = try await outcomes(cloud, project)
            #expect(failing["orders.not_null_id"]?.0 == 1)
            #expect(failing["orders.not_null_id"]?.1 == [[nil, "open", nil]])
            #expect(failing["orders.unique_id"]?.1 == [["2", "2"]])
            #expect(failing["orders.accepted_values_status"]?.1 == [["weird", "1"]])
            #expect(failing["orders.relationships_user_id"]?.1 == [["99", "1"]])
            #expect(failing["big_ids"]?.0 == 2)

            try await cloud.run("DELETE bronze.orders_raw WHERE id IS NULL OR id = 2")
            for model in project.models { try await cloud.runModel(model) }
            let clean = try await outcomes(cloud, project)
            #expect(clean.mapValues(\.0) == ["orders.not_null_id": 0, "orders.unique_id": 0, "orders.accepted_values_status": 0,
                                             "orders.relationships_user_id": 0, "big_ids": 0])
        }
    }
}
