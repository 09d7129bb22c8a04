import TerraceJSON
import TerraceModels
import Testing

/// Each kind of bad input gives one clear error: what, where (file:line:column), what to do.
struct ModelsErrorTests {
    @Test func anUnknownKeyIsNamedWithASuggestion() {
        let errors = ModelFixtures.loadErrors(["silver/a.sql": "-- description: fine\n-- materialised: table\nSELECT 1 AS x"])
        #expect(errors.map(\.description) == [
            "pipelines/silver/a.sql:2:4: unknown header key 'materialised'; did you mean 'materialized'?; fix: use one of "
                + "description, materialized, tags, column NAME, test, test warn, unique_key, incremental_strategy, incremental_filter, "
                + "partition_by, cluster_by, updated_at, check_cols",
        ])
    }

    @Test func aBadMaterializationListsTheValidOnes() {
        let errors = ModelFixtures.loadErrors(["gold/a.sql": "-- materialized: snapshot\nSELECT 1 AS x"])
        #expect(errors.map(\.description) == [
            "pipelines/gold/a.sql:1:18: materialized: 'snapshot' is not a materialization; fix: use one of view, table, incremental, scd2",
        ])
    }

    @Test func aKeyTheMaterializationDoesNotTakeIsAnError() {
        let errors = ModelFixtures.loadErrors(["silver/a.sql": "-- partition_by: day\nSELECT CURRENT_DATE() AS day"])
        #expect(errors.map(\.description) == [
            "pipelines/silver/a.sql:1:4: partition_by does not apply to materialized: view; fix: remove the line, or use materialized: "
                + "table or incremental or scd2",
        ])
    }

    @Test func anIncrementalMergeWithoutAUniqueKeyIsAnError() {
        let errors = ModelFixtures.loadErrors(["gold/a.sql": "-- materialized: incremental\nSELECT 1 AS x"])
        #expect(errors.map(\.kind) == [.header])
        #expect(errors.first?.description.hasPrefix("pipelines/gold/a.sql:1:4: an incremental merge needs unique_key; fix:") == true)
    }

    @Test func tooManyClusterColumnsAreRefused() {
        let errors = ModelFixtures.loadErrors(["gold/a.sql": "-- cluster_by: a, b, c, d, e\nSELECT 1 AS a"])
        #expect(errors.first?.message == "cluster_by lists 5 columns; BigQuery allows at most 4")
    }

    @Test func anUnknownTestIsNamedWithASuggestion() {
        let errors = ModelFixtures.loadErrors(["gold/a.sql": "-- test: not_nul(a)\nSELECT 1 AS a"])
        #expect(errors.first?.description.hasPrefix("pipelines/gold/a.sql:1:10: unknown test 'not_nul'; did you mean 'not_null'?") == true)
    }

    @Test func anUnknownRefNamesTheFileLineAndACloseMatch() {
        let errors = ModelFixtures.loadErrors([
            "gold/dim_users.sql": "SELECT 1 AS id",
            "gold/fact.sql": "SELECT *\nFROM ref('dim_users') AS a\nJOIN ref('dim_user') AS b USING (id)",
        ])
        #expect(errors.map(\.description) == [
            "pipelines/gold/fact.sql:3:6: ref('dim_user') names no model; did you mean 'dim_users'?; fix: name a file under silver/ or gold/ (without .sql)",
        ])
    }

    @Test func aMalformedRefSaysHowToWriteIt() {
        let errors = ModelFixtures.loadErrors(["gold/a.sql": "SELECT * FROM ref(users)"])
        #expect(errors.map(\.description) == ["pipelines/gold/a.sql:1:15: ref() is malformed; fix: write ref('model_name')"])
    }

    @Test func aRefInsideAStringOrCommentIsNotAReference() throws {
        let project = try ModelFixtures.project(["gold/a.sql": "SELECT \"ref('nope')\" AS s -- ref('nope')\n/* ref('nope') */"])
        #expect(project.model(named: "a")?.references == [])
    }

    @Test func anUnknownSourceNamesTheKnownOnes() throws {
        let errors = try ModelFixtures.compileErrors(["silver/a.sql": "SELECT * FROM source('bronze', 'user')"])
        #expect(errors.map(\.description) == [
            "pipelines/silver/a.sql:1:15: source('bronze', 'user') names no bronze table; did you mean 'users'?; "
                + "fix: use one of the bronze sources: events, orders, users",
        ])
    }

    @Test func anUnknownVariableSaysWhereVariablesComeFrom() throws {
        let errors = try ModelFixtures.compileErrors(["silver/a.sql": "SELECT 1 AS x\nLIMIT var('row_limit')"])
        #expect(errors.map(\.description) == [
            "pipelines/silver/a.sql:2:7: var('row_limit') has no value; fix: set \"row_limit\" under \"variables\" in the environment file, "
                + "or give a default: var('row_limit', value)",
        ])
    }

    @Test func aCycleIsNamedWithEveryRefThatClosesIt() {
        let errors = ModelFixtures.loadErrors([
            "silver/a.sql": "SELECT * FROM ref('c')",
            "silver/b.sql": "SELECT * FROM ref('a')",
            "gold/c.sql": "SELECT *\nFROM ref('b')",
        ])
        #expect(errors.map(\.description) == [
            "pipelines/silver/a.sql:1:15: ref cycle: a → c → b → a (pipelines/silver/a.sql:1:15 ref('c'), pipelines/gold/c.sql:2:6 ref('b'), "
                + "pipelines/silver/b.sql:1:15 ref('a')); fix: remove one of these ref() calls so the models form a DAG",
        ])
    }

    @Test func aSyntaxErrorIsReportedAtTheOriginalLineAndColumnAfterAReplacement() throws {
        // ref('users') becomes `proj-test.silver.users` (24 characters instead of 12), and the
        // error is after it on the same line.
        let errors = try ModelFixtures.compileErrors([
            "silver/users.sql": "SELECT 1 AS id",
            "gold/a.sql": "-- materialized: table\nSELECT id\nFROM ref('users') WHERE WHERE id > 1",
        ])
        #expect(errors.map(\.description) == [
            "pipelines/gold/a.sql:3:25: Syntax error: Unexpected keyword WHERE; fix: correct the SQL at this position",
        ])
    }

    @Test func aSyntaxErrorInTheIncrementalFilterIsReportedOnItsHeaderLine() throws {
        let errors = try ModelFixtures.compileErrors([
            "gold/a.sql": "-- materialized: incremental\n-- unique_key: id\n-- incremental_filter: id > (SELECT MAX(id) FROM this) AND\nSELECT 1 AS id",
        ])
        #expect(errors.map(\.kind) == [.syntax])
        #expect(errors.first?.line == 3)
        #expect(errors.first?.column == 59)
    }

    @Test func duplicateModelNamesAcrossLayersAreAnError() {
        let errors = ModelFixtures.loadErrors(["silver/users.sql": "SELECT 1 AS id", "gold/users.sql": "SELECT 2 AS id"])
        #expect(errors.map(\.description) == [
            "pipelines/silver/users.sql: model 'users' is also defined by pipelines/gold/users.sql; "
                + "fix: rename one of the files: model names are unique across silver and gold",
        ])
    }

    @Test func aFileNameThatCannotBeATableIsAnError() {
        let errors = ModelFixtures.loadErrors(["silver/my-model.sql": "SELECT 1 AS id"])
        #expect(errors.map(\.kind) == [.file])
    }

    @Test func everyProblemOfAProjectIsReportedAtOnce() {
        let errors = ModelFixtures.loadErrors([
            "silver/a.sql": "-- colour: red\nSELECT 1 AS x",
            "gold/b.sql": "-- materialized: tabel\nSELECT * FROM ref('z')",
        ])
        #expect(errors.map(\.kind) == [.header, .unknownModel, .header])
    }

    @Test func aStatementThatIsNotAQueryIsRefused() throws {
        let errors = try ModelFixtures.compileErrors(["silver/a.sql": "DELETE FROM t WHERE TRUE"])
        #expect(errors.map(\.kind) == [.syntax])
        #expect(errors.first?.line == 1)
    }
}
