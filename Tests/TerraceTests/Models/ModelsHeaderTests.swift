import Foundation
import TerraceModels
import Testing

/// The `-- key: value` header of a model file.
struct ModelsHeaderTests {
    @Test func aSilverModelIsAViewAndAGoldModelATableByDefault() throws {
        let project = try ModelFixtures.project(["silver/stg_users.sql": "SELECT 1 AS id", "gold/dim_users.sql": "SELECT 1 AS id"])
        #expect(project.model(named: "stg_users")?.config.materialization == .view)
        #expect(project.model(named: "dim_users")?.config.materialization == .table)
        #expect(project.model(named: "stg_users")?.layer == .silver)
    }

    @Test func everyKeyOfAnIncrementalModelIsRead() throws {
        let project = try ModelFixtures.project(["gold/fact_orders.sql": """
            -- description: One row per order,
            -- description: updated hourly.
            --
            -- materialized: incremental
            -- unique_key: order_id, line
            -- incremental_filter: updated_at > (SELECT MAX(updated_at) FROM this)
            -- partition_by: DATE(created_at)
            -- cluster_by: user_id, status
            -- tags: daily, finance
            -- column order_id: The order's id.
            -- test: not_null(order_id)
            -- test warn: accepted_values(status, ['open', 'paid'])
            SELECT 1 AS order_id
            """])
        let config = try #require(project.model(named: "fact_orders")?.config)
        #expect(config.description == "One row per order, updated hourly.")
        #expect(config.materialization == .incremental(Incremental(
            strategy: .merge, uniqueKey: ["order_id", "line"], filter: "updated_at > (SELECT MAX(updated_at) FROM this)")))
        #expect(config.partitionBy?.column == "created_at")
        #expect(config.partitionBy?.expression == "DATE(created_at)")
        #expect(config.clusterBy == ["user_id", "status"])
        #expect(config.tags == ["daily", "finance"])
        #expect(config.columns == [ColumnDescription(name: "order_id", description: "The order's id.")])
        #expect(project.tests.map(\.name) == ["fact_orders.not_null_order_id", "fact_orders.accepted_values_status"])
        #expect(project.tests.map(\.severity) == [.error, .warn])
        #expect(project.tests[1].kind == .acceptedValues(column: "status", values: ["'open'", "'paid'"]))
    }

    @Test func theHeaderEndsAtTheFirstLineThatIsNotAKeyValueComment() throws {
        let project = try ModelFixtures.project(["silver/stg.sql": """
            -- materialized: table
            -- a free comment ends the header
            -- materialized: view
            SELECT 1 AS id
            """])
        #expect(project.model(named: "stg")?.config.materialization == .table)
        #expect(project.model(named: "stg")?.sql.hasPrefix("-- a free comment") == true)
    }

    @Test func scd2ReadsItsKeyAndItsChangeDetection() throws {
        let project = try ModelFixtures.project([
            "gold/dim_a.sql": "-- materialized: scd2\n-- unique_key: id\n-- updated_at: updated_at\nSELECT 1 AS id",
            "gold/dim_b.sql": "-- materialized: scd2\n-- unique_key: id\n-- check_cols: name, city\nSELECT 1 AS id",
        ])
        #expect(project.model(named: "dim_a")?.config.materialization == .scd2(SCD2(uniqueKey: ["id"], change: .updatedAt("updated_at"))))
        #expect(project.model(named: "dim_b")?.config.materialization == .scd2(SCD2(uniqueKey: ["id"], change: .checkColumns(["name", "city"]))))
    }

    @Test func partitionByAcceptsBigQuerysForms() throws {
        for expression in ["day", "DATE(ts)", "TIMESTAMP_TRUNC(ts, MONTH)", "DATE_TRUNC(d, YEAR)", "RANGE_BUCKET(n, GENERATE_ARRAY(0, 100, 10))"] {
            let project = try ModelFixtures.project(["gold/t.sql": "-- partition_by: \(expression)\nSELECT 1 AS n"])
            #expect(project.model(named: "t")?.config.partitionBy?.expression == expression)
        }
    }

    @Test func relationshipsNamesItsParent() throws {
        let project = try ModelFixtures.project([
            "silver/users.sql": "SELECT 1 AS id",
            "gold/orders.sql": "-- test: relationships(user_id, ref('users'), id)\nSELECT 1 AS user_id",
        ])
        #expect(project.tests.first?.kind == .relationships(column: "user_id", parent: .model("users"), field: "id"))
        #expect(project.graph().dependencies[.test("orders.relationships_user_id")] == [.model("orders"), .model("users")])
    }

    @Test func aCustomTestFileReadsItsHeader() throws {
        let project = try ModelFixtures.project([
            "silver/users.sql": "SELECT 1 AS id",
            "tests/no_negative_ids.sql": "-- description: ids are positive\n-- severity: warn\n-- tags: sanity\nSELECT * FROM ref('users') WHERE id < 0",
        ])
        let test = try #require(project.tests.first)
        #expect(test.name == "no_negative_ids")
        #expect(test.kind == .custom)
        #expect(test.severity == .warn)
        #expect(test.description == "ids are positive")
        #expect(test.tags == ["sanity"])
    }

    @Test func filesOutsideTheModelDirectoriesAreIgnored() throws {
        let project = try ModelFixtures.project(["silver/a.sql": "SELECT 1 AS x", "bronze/notes.sql": "nonsense", "silver/README.md": "# hi"])
        #expect(project.models.map(\.name) == ["a"])
    }

    @Test func aProjectLoadsFromDiskInSortedOrder() throws {
        let root = makeTemporaryDirectory("models") + "/pipelines"
        for (path, text) in ["silver/b.sql": "SELECT 1 AS x", "silver/a.sql": "SELECT * FROM ref('b')", "gold/c.sql": "SELECT 1 AS y"] {
            let file = root + "/" + path
            try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        }
        let project = try ModelProject.load(root: root)
        #expect(project.models.map(\.file) == [root + "/silver/a.sql", root + "/silver/b.sql", root + "/gold/c.sql"])
    }
}
