import Foundation
import GoogleCloud
import Testing
import TerraceJSON
import TerraceModels
import TerracePipelines

/// The model runner over the in-process local cloud: dependency order, tests after each model,
/// failures that stop descendants only, and failed models that leave their tables as they were.
@Suite(.serialized)
struct ModelRunnerTests {
    static let staging = """
        -- description: Items, typed.
        -- column id: The item's key.
        SELECT id, name, price FROM source('bronze', 'items')
        """

    static func files(dimension: String = "SELECT id, name FROM ref('stg_items')", warn: Bool = false) -> [(path: String, text: String)] {
        [
            ("pipelines/silver/stg_items.sql", staging),
            ("pipelines/gold/dim_items.sql", "-- test\(warn ? " warn" : ""): unique(id)\n\(dimension)"),
            ("pipelines/gold/fact_prices.sql", "SELECT d.id, s.price FROM ref('dim_items') AS d JOIN ref('stg_items') AS s ON s.id = d.id"),
            ("pipelines/gold/item_count.sql", "SELECT COUNT(*) AS items FROM ref('stg_items')"),
        ]
    }

    /// A local cloud with bronze.items holding `ids`, the silver view deployed, and a runner.
    func withRunner(ids: [Int], files: [(path: String, text: String)] = files(), copySharedViews: Bool = false,
                    _ body: (TestCloud, @escaping ([(path: String, text: String)]) throws -> ModelRunner) async throws -> Void) async throws {
        try await withCloud { cloud in
            for dataset in ["bronze", "silver", "gold"] { try await BQ.createDataset(cloud, dataset) }
            try await BQ.createTable(cloud, "bronze", "items", ["schema": BQ.schema(BQ.field("id", "INTEGER"), BQ.field("name", "STRING"),
                                                                                     BQ.field("price", "FLOAT"))])
            let rows: [JSON] = ids.map { ["json": ["id": .int(Int64($0)), "name": .string("item \($0)"), "price": .double(Double($0) * 1.5)]] }
            let (status, inserted) = try await cloud.call("POST", BQ.table("bronze", "items") + "/insertAll", ["rows": .array(rows)])
            #expect(status == 200, "\(inserted)")
            let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: BQ.project)
            func runner(_ files: [(path: String, text: String)]) throws -> ModelRunner {
                let project = try ModelProject.load(files: files)
                let compiled = try project.compile(CompileContext(project: BQ.project, datasets: [.bronze: "bronze", .silver: "silver", .gold: "gold"],
                                                                  bronzeTables: ["items"]))
                return ModelRunner(bigquery: google.bigquery, project: compiled, graph: project.graph(sources: ["items"]),
                                   options: ModelRunOptions(project: BQ.project, runAt: Date(timeIntervalSince1970: 1_700_000_000), parallelism: 2,
                                                            copySharedViews: copySharedViews,
                                                            poll: { _ in try await Task.sleep(nanoseconds: 2_000_000) }),
                                   runID: "test")
            }
            // The deploy's part: the silver view.
            let view = try ModelProject.load(files: files).compile(CompileContext(
                project: BQ.project, datasets: [.bronze: "bronze", .silver: "silver", .gold: "gold"], bronzeTables: ["items"])).model(named: "stg_items")!
            let (created, answer) = try await cloud.call("POST", "/bigquery/v2/projects/\(BQ.project)/queries",
                                                       ["query": .string(view.viewStatement), "useLegacySql": false])
            #expect(created == 200, "\(answer)")
            try await body(cloud, runner)
        }
    }

    func everything(_ runner: ModelRunner, _ files: [(path: String, text: String)]) throws -> Set<NodeID> {
        Set(try ModelProject.load(files: files).graph(sources: ["items"]).select([]))
    }

    func status(_ results: [NodeRunResult], _ name: String) -> NodeRunResult.Status? {
        results.first { $0.name == name }?.status
    }

    @Test func modelsRunInDependencyOrderEachFollowedByItsTests() async throws {
        try await withRunner(ids: [1, 2, 3]) { cloud, make in
            let runner = try make(Self.files())
            let results = await runner.run(try everything(runner, Self.files()))
            #expect(results.allSatisfy { $0.status == .success }, "\(results)")
            let order = results.map(\.name)
            #expect(order.firstIndex(of: "dim_items")! < order.firstIndex(of: "dim_items.unique_id")!)
            #expect(order.firstIndex(of: "dim_items.unique_id")! < order.firstIndex(of: "fact_prices")!)
            #expect(results.first { $0.name == "fact_prices" }?.rows == 3)
            #expect(results.first { $0.name == "stg_items" }?.detail == "view")
        }
    }

    @Test func aViewChangedSinceTheDeployFailsItsNodeInsteadOfFeedingItsReadersTheOldQuery() async throws {
        try await withRunner(ids: [1, 2]) { _, make in
            var changed = Self.files()
            changed[0].text = Self.staging.replacingOccurrences(of: "price FROM", with: "price * 2 AS price FROM")
            let runner = try make(changed)
            let results = await runner.run(try everything(runner, changed))
            #expect(status(results, "stg_items") == .error)
            #expect(results.first { $0.name == "stg_items" }?.message?.contains("is not pipelines/silver/stg_items.sql as it is now") == true,
                    "\(results)")
            #expect(status(results, "fact_prices") == .skipped)
        }
    }

    @Test func anIncrementalModelThatDropsAColumnSaysToRebuildWithFullRefresh() async throws {
        let before = Self.files() + [("pipelines/gold/inc_items.sql", "-- materialized: incremental\n-- unique_key: id\nSELECT id, name, price FROM ref('stg_items')")]
        let after = Self.files() + [("pipelines/gold/inc_items.sql", "-- materialized: incremental\n-- unique_key: id\nSELECT id, name FROM ref('stg_items')")]
        try await withRunner(ids: [1, 2]) { _, make in
            let first = try await make(before).run([.model("stg_items"), .model("inc_items")])
            #expect(status(first, "inc_items") == .success, "\(first)")
            let second = try await make(after).run([.model("stg_items"), .model("inc_items")])
            #expect(status(second, "inc_items") == .error)
            #expect(second.first { $0.name == "inc_items" }?.message?.hasPrefix(
                "pipelines/gold/inc_items.sql: the incremental table has column price, which the model no longer selects; rebuild it with "
                    + "`terrace run --full-refresh --select inc_items`") == true, "\(second)")
        }
    }

    @Test func aModelWhoseTestReadsAnotherModelStartsAfterThatModel() async throws {
        let checked = ("pipelines/gold/checked_items.sql", "-- test: relationships(id, ref('dim_items'), id)\nSELECT id FROM ref('stg_items')")
        try await withRunner(ids: [1, 2, 3]) { cloud, make in
            let files = Self.files() + [checked]
            let runner = try make(files)
            let results = await runner.run(try everything(runner, files))
            #expect(results.allSatisfy { $0.status == .success }, "\(results)")
            let order = results.map(\.name)
            #expect(order.firstIndex(of: "dim_items")! < order.firstIndex(of: "checked_items")!, "\(order)")
        }
    }

    @Test func aTestWhoseOtherParentFailedIsSkippedAndItsModelStillBuilds() async throws {
        let checked = ("pipelines/gold/checked_items.sql", "-- test: relationships(id, ref('dim_items'), id)\nSELECT id FROM ref('stg_items')")
        try await withRunner(ids: [1, 2, 3]) { cloud, make in
            let files = Self.files(dimension: "SELECT id, DIV(id, 0) AS boom FROM ref('stg_items')") + [checked]
            let runner = try make(files)
            let results = await runner.run(try everything(runner, files))
            #expect(status(results, "dim_items") == .error)
            #expect(status(results, "checked_items") == .success)
            #expect(status(results, "checked_items.relationships_id") == .skipped)
            #expect(results.first { $0.name == "checked_items.relationships_id" }?.message == "dim_items failed upstream")
        }
    }

    @Test func descriptionsAreWrittenOntoTablesAndViews() async throws {
        try await withRunner(ids: [1]) { cloud, make in
            let runner = try make(Self.files())
            _ = await runner.run(try everything(runner, Self.files()))
            let (_, view) = try await cloud.call("GET", BQ.table("silver", "stg_items"))
            #expect(view["description"] == "Items, typed.")
            #expect(view["schema"]?["fields"]?[0]?["description"] == "The item's key.")
            #expect(view["type"] == "VIEW")
        }
    }

    @Test func aFailingErrorTestStopsItsModelsDescendantsOnly() async throws {
        try await withRunner(ids: [1, 2, 2, 3]) { cloud, make in
            let runner = try make(Self.files())
            let results = await runner.run(try everything(runner, Self.files()))
            #expect(status(results, "dim_items.unique_id") == .fail)
            let failure = results.first { $0.name == "dim_items.unique_id" }
            #expect(failure?.rows == 1)
            #expect(failure?.message?.contains("id=2") == true, "\(failure?.message ?? "")")
            #expect(status(results, "fact_prices") == .skipped)
            #expect(results.first { $0.name == "fact_prices" }?.message == "dim_items failed upstream")
            #expect(status(results, "item_count") == .success)
        }
    }

    @Test func aModelsTestsCountedTogetherKeepTheirOwnResults() async throws {
        let files = Self.files(dimension: "SELECT id, name FROM ref('stg_items')").map { file in
            file.path.hasSuffix("dim_items.sql")
                ? (file.path, "-- test: not_null(name)\n-- test warn: accepted_values(name, ['item 1'])\n" + file.text)
                : file
        }
        try await withRunner(ids: [1, 2, 2, 3]) { cloud, make in
            let runner = try make(files)
            let results = await runner.run(try everything(runner, files))
            #expect(status(results, "dim_items.unique_id") == .fail)
            #expect(results.first { $0.name == "dim_items.unique_id" }?.rows == 1)
            #expect(status(results, "dim_items.not_null_name") == .success)
            #expect(status(results, "dim_items.accepted_values_name") == .warn)
            let warning = results.first { $0.name == "dim_items.accepted_values_name" }
            #expect(warning?.rows == 2, "item 2 and item 3 are not accepted")
            #expect(warning?.message?.contains("name=item 2") == true, "\(warning?.message ?? "")")
            #expect(status(results, "fact_prices") == .skipped)
        }
    }

    @Test func theBatchedCountReadsTheModelOnceForTheColumnsItsTestsName() throws {
        let files = [("pipelines/gold/d.sql", "-- test: unique(id)\n-- test: not_null(name)\nSELECT 1 AS id, 'a' AS name, 2 AS other")]
        let project = try ModelProject.load(files: files)
        let compiled = try project.compile(CompileContext(project: "p", datasets: [.gold: "gold"], bronzeTables: []))
        let model = try #require(compiled.model(named: "d"))
        let query = try #require(CompiledTest.batchedCountQuery(compiled.tests, table: model.table))
        #expect(query.hasPrefix("WITH model_rows AS (SELECT `id`, `name` FROM `p.gold.d`)"), "\(query)")
        #expect(query.components(separatedBy: "`p.gold.d`").count == 2, "the table is read once: \(query)")
        #expect(query.contains(") AS f0") && query.contains(") AS f1"))
    }

    @Test func testsThatGroupOrJoinAreSpreadOverBatchesAndNotNullScansJoinTheFirst() throws {
        let header = "-- test: unique(id)\n-- test: not_null(name)\n-- test: unique(name)\n-- test: not_null(id)\n-- test: accepted_values(name, ['a'])\n"
        let files = [("pipelines/gold/d.sql", header + "SELECT 1 AS id, 'a' AS name")]
        let compiled = try ModelProject.load(files: files).compile(CompileContext(project: "p", datasets: [.gold: "gold"], bronzeTables: []))
        let batches = ModelRunner.testBatches(compiled.tests, parallelism: 2).map { $0.map(\.test.name) }
        #expect(batches.count == 2)
        #expect(batches.flatMap { $0 }.sorted() == compiled.tests.map(\.test.name).sorted())
        #expect(batches[0].filter { $0.contains("not_null") }.count == 2)
        #expect(batches[1].allSatisfy { !$0.contains("not_null") } && !batches[1].isEmpty)
        #expect(ModelRunner.testBatches(compiled.tests, parallelism: 1).count == 1)
    }

    @Test func aViewSeveralNodesReadIsCopiedForTheRunThenDropped() async throws {
        try await withRunner(ids: [1, 2, 3], copySharedViews: true) { cloud, make in
            // A copy an earlier, killed run left behind is dropped too.
            try await BQ.createTable(cloud, "silver", "_terrace_run_old_stg_items", ["schema": BQ.schema(BQ.field("id", "INTEGER"))])
            let runner = try make(Self.files())
            let results = await runner.run(try everything(runner, Self.files()))
            #expect(results.allSatisfy { $0.status == .success }, "\(results)")
            #expect(results.first { $0.name == "fact_prices" }?.rows == 3)
            #expect(results.first { $0.name == "stg_items" }?.detail == "view, copied for the run")
            let (_, counted) = try await cloud.call("POST", "/bigquery/v2/projects/\(BQ.project)/queries",
                                                   ["query": "SELECT items FROM gold.item_count", "useLegacySql": false])
            #expect(counted["rows"]?[0]?["f"]?[0]?["v"] == "3")
            // The models read the copy, which is gone after the run.
            let (_, jobs) = try await cloud.call("GET", "/bigquery/v2/projects/\(BQ.project)/jobs?allUsers=true&maxResults=1000")
            let queries = (jobs["jobs"]?.arrayValue ?? []).compactMap { $0["configuration"]?["query"]?["query"]?.stringValue }
            #expect(queries.contains { $0.contains("FROM `\(BQ.project).silver._terrace_run_test_stg_items`") }, "\(queries)")
            let (_, tables) = try await cloud.call("GET", "/bigquery/v2/projects/\(BQ.project)/datasets/silver/tables")
            #expect(tables["tables"]?.arrayValue?.compactMap { $0["tableReference"]?["tableId"]?.stringValue } == ["stg_items"])
        }
    }

    @Test func aWarningTestDoesNotStopDescendants() async throws {
        try await withRunner(ids: [1, 1]) { cloud, make in
            let files = Self.files(warn: true)
            let runner = try make(files)
            let results = await runner.run(try everything(runner, files))
            #expect(status(results, "dim_items.unique_id") == .warn)
            #expect(status(results, "fact_prices") == .success)
        }
    }

    @Test func aModelThatFailsLeavesItsTableAsItWasAndSkipsDescendants() async throws {
        try await withRunner(ids: [1, 2]) { cloud, make in
            let good = try make(Self.files())
            _ = await good.run(try everything(good, Self.files()))
            let broken = Self.files(dimension: "SELECT id, name, 1 / 0 AS boom FROM ref('stg_items')")
            let runner = try make(broken)
            let results = await runner.run(try everything(runner, broken))
            #expect(status(results, "dim_items") == .error)
            #expect(results.first { $0.name == "dim_items" }?.message?.contains("pipelines/gold/dim_items.sql") == true)
            #expect(status(results, "fact_prices") == .skipped)
            let (_, table) = try await cloud.call("GET", BQ.table("gold", "dim_items"))
            #expect(table["numRows"]?.stringValue == "2")
            #expect((table["schema"]?["fields"]?.arrayValue ?? []).count == 2)
        }
    }

    @Test func aMissingViewIsAnErrorNamingTheDeploy() async throws {
        try await withRunner(ids: [1]) { cloud, make in
            _ = try await cloud.call("DELETE", BQ.table("silver", "stg_items"))
            let runner = try make(Self.files())
            let results = await runner.run(try everything(runner, Self.files()))
            #expect(status(results, "stg_items") == .error)
            #expect(results.first { $0.name == "stg_items" }?.message?.contains("terrace deploy") == true)
            #expect(status(results, "dim_items") == .skipped)
        }
    }

    @Test func testsAloneRunAgainstTheBuiltTables() async throws {
        try await withRunner(ids: [1, 2]) { cloud, make in
            let runner = try make(Self.files())
            _ = await runner.run(try everything(runner, Self.files()))
            let results = await runner.test([.test("dim_items.unique_id")])
            #expect(results.map(\.status) == [.success])
        }
    }
}
