import TerraceJSON
import TerraceModels
import Testing

/// References replaced with tables and literals for one environment.
struct ModelsCompileTests {
    let files = [
        "silver/stg_users.sql": "SELECT id, name FROM source('bronze', 'users')\nWHERE name != \"ref('x')\" LIMIT var('row_limit', 1000)",
        "gold/dim_users.sql": "-- description: Users, one row each\nSELECT * FROM ref('stg_users') -- ref('stg_users') in a comment\n;\n",
    ]

    @Test func refsAndSourcesBecomeQualifiedTables() throws {
        let compiled = try ModelFixtures.project(files).compile(ModelFixtures.context())
        #expect(compiled.model(named: "stg_users")?.sql
            == "SELECT id, name FROM `proj-test.bronze.users`\nWHERE name != \"ref('x')\" LIMIT 1000")
        #expect(compiled.model(named: "dim_users")?.sql == "SELECT * FROM `proj-test.silver.stg_users` -- ref('stg_users') in a comment")
        #expect(compiled.model(named: "dim_users")?.table == "`proj-test.gold.dim_users`")
    }

    @Test func variablesFromTheEnvironmentWinOverDefaults() throws {
        let compiled = try ModelFixtures.project(files).compile(ModelFixtures.context(variables: ["row_limit": 10]))
        #expect(compiled.model(named: "stg_users")?.sql.hasSuffix("LIMIT 10") == true)
    }

    @Test func variablesBecomeGoogleSQLLiterals() throws {
        let project = try ModelFixtures.project(["silver/v.sql": "SELECT var('s') AS s, var('n') AS n, var('f') AS f, var('b') AS b, "
            + "var('z') AS z, var('a') AS a, 1-var('neg') AS d"])
        let variables: [String: JSON] = ["s": "it's a \"quote\"\\\n", "n": 42, "f": 1.5, "b": true, "z": nil, "a": ["x", "y"], "neg": -3]
        let sql = try project.compile(ModelFixtures.context(variables: variables)).model(named: "v")?.sql
        #expect(sql == #"SELECT 'it\'s a "quote"\\\n' AS s, 42 AS n, 1.5 AS f, TRUE AS b, NULL AS z, ['x', 'y'] AS a, 1-(-3) AS d"#)
    }

    @Test func theIncrementalFilterNamesTheModelsOwnTable() throws {
        let project = try ModelFixtures.project(["gold/f.sql": """
            -- materialized: incremental
            -- unique_key: id
            -- incremental_filter: updated_at > (SELECT MAX(updated_at) FROM this)
            SELECT 1 AS id, CURRENT_TIMESTAMP() AS updated_at
            """])
        let model = try #require(try project.compile(ModelFixtures.context()).model(named: "f"))
        #expect(model.incrementalFilter == "updated_at > (SELECT MAX(updated_at) FROM `proj-test.gold.f`)")
    }

    @Test func aTableStatementCarriesPartitionClusterAndDescription() throws {
        let project = try ModelFixtures.project(["gold/t.sql": """
            -- description: Daily totals, it's exact
            -- partition_by: DATE(ts)
            -- cluster_by: a, b
            SELECT 1 AS a, 2 AS b, CURRENT_TIMESTAMP() AS ts
            """])
        let model = try #require(try project.compile(ModelFixtures.context()).model(named: "t"))
        #expect(model.tableStatement == """
            CREATE OR REPLACE TABLE `proj-test.gold.t`
            PARTITION BY DATE(ts)
            CLUSTER BY `a`, `b`
            OPTIONS(description = 'Daily totals, it\\'s exact')
            AS
            SELECT 1 AS a, 2 AS b, CURRENT_TIMESTAMP() AS ts
            """)
    }

    @Test func aViewStatementIsTheCompiledQuery() throws {
        let project = try ModelFixtures.project(["silver/v.sql": "SELECT * FROM source('bronze', 'users')"])
        let model = try #require(try project.compile(ModelFixtures.context()).model(named: "v"))
        #expect(model.viewStatement == "CREATE OR REPLACE VIEW `proj-test.silver.v`\nAS\nSELECT * FROM `proj-test.bronze.users`")
    }

    @Test func dataTestsHaveCountAndExampleForms() throws {
        let project = try ModelFixtures.project(["gold/t.sql": "-- test: not_null(id)\nSELECT 1 AS id"])
        let test = try #require(try project.compile(ModelFixtures.context()).test(named: "t.not_null_id"))
        #expect(test.failuresQuery == "SELECT * FROM `proj-test.gold.t` WHERE `id` IS NULL")
        #expect(test.countQuery == "SELECT COUNT(*) AS failures FROM (\nSELECT * FROM `proj-test.gold.t` WHERE `id` IS NULL\n)")
        #expect(test.examplesQuery() == "SELECT * FROM (\nSELECT * FROM `proj-test.gold.t` WHERE `id` IS NULL\n) LIMIT 5")
    }

    @Test func columnDescriptionsAreExposedForTheRunner() throws {
        let project = try ModelFixtures.project(["gold/t.sql": "-- column id: The key.\n-- column id: Never NULL.\nSELECT 1 AS id"])
        let model = try #require(try project.compile(ModelFixtures.context()).model(named: "t"))
        #expect(model.columnDescriptions == [ColumnDescription(name: "id", description: "The key. Never NULL.")])
    }

    @Test func anIncrementalRunMergesTheFilteredRowsOnTheCompoundKey() throws {
        let project = try ModelFixtures.project(["gold/f.sql": """
            -- materialized: incremental
            -- unique_key: id, line
            -- incremental_filter: n > 0
            SELECT 1 AS id, 2 AS line, 3 AS n
            """])
        let model = try #require(try project.compile(ModelFixtures.context()).model(named: "f"))
        #expect(model.runStatement(existingColumns: nil, runAt: ModelFixtures.runAt()) == model.tableStatement)
        #expect(model.runStatement(existingColumns: ["id", "line", "n"], runAt: ModelFixtures.runAt()) == """
            MERGE `proj-test.gold.f` AS terrace_target
            USING (
            SELECT * FROM (
            SELECT 1 AS id, 2 AS line, 3 AS n
            ) WHERE n > 0
            ) AS terrace_source
            ON terrace_target.`id` = terrace_source.`id` AND terrace_target.`line` = terrace_source.`line`
            WHEN MATCHED THEN UPDATE SET `n` = terrace_source.`n`
            WHEN NOT MATCHED THEN INSERT (`id`, `line`, `n`) VALUES (terrace_source.`id`, terrace_source.`line`, terrace_source.`n`)
            """)
    }
}
