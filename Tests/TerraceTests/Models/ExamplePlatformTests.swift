import Foundation
import GoogleCloud
import Pipelines
import TerraceDSL
import TerraceJSON
import TerraceModels
import TerracePipelines
import Testing

/// The example platform's own silver and gold models (`pipelines/silver`, `pipelines/gold`,
/// `pipelines/tests`), compiled and run on the in-process local cloud over bronze filled by the
/// platform's real bronze sources from the local cloud's sample shop.
@Suite(.serialized)
struct ExamplePlatformTests {
    /// `<package>/pipelines`, found from this file's own path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }  // Models, TerraceTests, Tests → the package
        return url.appendingPathComponent("pipelines").path
    }()

    static let sources = ["products", "users", "carts"]

    static func project() throws -> ModelProject { try ModelProject.load(root: root) }

    static func compiled() throws -> CompiledProject {
        try project().compile(ModelFixtures.context(bronzeTables: sources))
    }

    // MARK: The files

    @Test func theProjectLoadsAndCompilesWithEveryModelDescribed() throws {
        let project = try Self.project()
        #expect(project.models.map(\.name).sorted() == [
            "dim_date", "dim_products", "dim_products_history", "dim_users", "fact_cart_items",
            "stg_cart_items", "stg_products", "stg_users",
        ])
        for model in project.models {
            #expect(model.config.description?.isEmpty == false, "\(model.name) has no description")
            #expect(!model.config.columns.isEmpty, "\(model.name) describes no column")
            #expect(!project.tests(of: model.name).isEmpty, "\(model.name) has no test")
        }
        let compiled = try Self.compiled()
        #expect(compiled.models.count == project.models.count)
        #expect(compiled.tests.count == project.tests.count)
        // The one variable has a default, and an environment value replaces it.
        let stg = try #require(compiled.model(named: "stg_cart_items"))
        #expect(stg.sql.contains("CAST('1970-01-01' AS DATE)"))
        let dated = try project.compile(ModelFixtures.context(bronzeTables: Self.sources, variables: ["min_cart_date": "2024-06-01"]))
        #expect(dated.model(named: "stg_cart_items")?.sql.contains("CAST('2024-06-01' AS DATE)") == true)
    }

    @Test func materializationsAndTestsAreWhatTheStarSchemaNeeds() throws {
        let project = try Self.project()
        for name in ["stg_products", "stg_users", "stg_cart_items"] {
            #expect(project.model(named: name)?.config.materialization == .view, "\(name)")
        }
        for name in ["dim_products", "dim_users", "dim_date"] {
            #expect(project.model(named: name)?.config.materialization == .table, "\(name)")
        }
        let fact = try #require(project.model(named: "fact_cart_items"))
        #expect(fact.config.materialization == .incremental(Incremental(
            strategy: .merge, uniqueKey: ["cart_item_id"], filter: "ingested_at > (SELECT MAX(ingested_at) FROM this)")))
        #expect(fact.config.partitionBy?.column == "cart_date")
        #expect(fact.config.clusterBy == ["user_id", "product_id"])
        #expect(project.model(named: "dim_products_history")?.config.materialization
            == .scd2(SCD2(uniqueKey: ["product_id"], change: .checkColumns(["price", "discount_percentage"]))))

        let kinds = project.tests.map(\.kind)
        for (table, key) in [("dim_users", "user_id"), ("dim_products", "product_id"), ("dim_date", "date_day")] {
            #expect(kinds.contains(.relationships(column: key == "date_day" ? "cart_date" : key, parent: .model(table), field: key)),
                    "fact_cart_items → \(table)")
        }
        for model in project.models where model.name != "dim_products_history" {
            let key = project.tests(of: model.name).compactMap { test -> [String]? in
                if case .unique(let columns) = test.kind { return columns }
                return nil
            }
            #expect(!key.isEmpty, "\(model.name) has no unique test")
        }
        #expect(project.tests.contains { $0.severity == .warn })
        #expect(project.tests.contains { if case .acceptedValues = $0.kind { true } else { false } })
        #expect(project.tests.filter { $0.kind == .custom }.map(\.name).sorted()
            == ["assert_cart_totals_match", "assert_one_current_version_per_product"])
    }

    // MARK: On the local cloud

    /// How bronze is filled: the sample shop's records written into bronze tables shaped as the
    /// bronze runner shapes them (`insertAll`), or the platform's real sources through `BronzeRunner`.
    enum Filling { case shopRecords, bronzeRunner }

    /// Bronze from the sample shop, every model in the DAG's order, every data test with no
    /// failures; then a second bronze run (carts appended again, so each is twice in bronze) and
    /// a second run of the models changes no count; a third with nothing new neither; then a
    /// price change opens a new version in the history.
    @Test func theWholePlatformRunsOnTheLocalCloudAndEveryDataTestPasses() async throws {
        try await wholePlatform(.shopRecords)
    }

    /// The same through the platform's real bronze sources (`Pipelines.bronze`) and `BronzeRunner`.
    /// Bronze loading on the local cloud fails in the current tree (SQLite "database table is
    /// locked" dropping the staging table, "unable to delete/modify user-function due to active
    /// statements" in the check job; the Bronze* suites fail the same way): known, intermittent,
    /// so that the test runs in full again once the loader works.
    @Test func theWholePlatformRunsFromTheRealBronzeSources() async throws {
        try await wholePlatform(.bronzeRunner)
    }

    func wholePlatform(_ filling: Filling) async throws {
        let compiled = try Self.compiled()
        let graph = try Self.project().graph(sources: Self.sources)
        try await ModelCloud.with { models in
            try await fill(filling, models, date: "2024-03-01", startedAt: 1_709_251_200_000_000)
            let lineItems = try await count(models, "SELECT SUM(ARRAY_LENGTH(products)) FROM bronze.carts")
            #expect(lineItems == 1_000, "the sample shop serves 1,000 line items by default")
            let products = try await count(models, "SELECT COUNT(*) FROM bronze.products")
            let users = try await count(models, "SELECT COUNT(*) FROM bronze.users")
            let carts = try await count(models, "SELECT COUNT(*) FROM bronze.carts")

            try await runModels(compiled, graph, models, at: ModelFixtures.runAt(hours: 0))
            try await expectTestsPass(compiled, models)
            try await expectCounts(models, lineItems: lineItems, products: products, users: users, carts: carts)
            #expect(try await count(models, "SELECT COUNT(*) FROM gold.dim_products_history") == products)

            // Every line item of bronze appears once in the fact, with its amounts.
            #expect(try await models.rows("""
                SELECT COUNT(*) FROM bronze.carts AS c, c.products AS p
                LEFT JOIN gold.fact_cart_items AS f ON f.cart_id = c.id AND f.product_id = p.id
                WHERE f.cart_item_id IS NULL OR f.quantity != p.quantity OR ABS(CAST(f.line_total AS FLOAT64) - p.total) > 0.001
                """) == [["0"]])
            // The calendar covers every cart's day, whole years, with weekends flagged.
            #expect(try await models.rows("""
                SELECT MIN(date_day) = DATE '2024-01-01', MAX(date_day) = DATE '2024-12-31', COUNT(*), COUNTIF(is_weekend)
                FROM gold.dim_date
                """) == [["true", "true", "366", "104"]])

            // Second bronze run, a day later: carts appended again, products and users merged on id.
            try await fill(filling, models, date: "2024-03-02", startedAt: 1_709_337_600_000_000)
            #expect(try await count(models, "SELECT COUNT(*) FROM bronze.carts") == 2 * carts)
            #expect(try await count(models, "SELECT COUNT(*) FROM bronze.products") == products)
            try await runModels(compiled, graph, models, at: ModelFixtures.runAt(hours: 1))
            try await expectTestsPass(compiled, models)
            try await expectCounts(models, lineItems: lineItems, products: products, users: users, carts: carts)
            // The merge took the re-ingested carts: every line now carries the second run's time.
            #expect(try await models.rows("SELECT CAST(MIN(ingested_at) AS STRING) FROM gold.fact_cart_items")
                == [["2024-03-02 00:00:00+00"]])
            // Nothing changed price: no new versions.
            #expect(try await count(models, "SELECT COUNT(*) FROM gold.dim_products_history") == products)

            // A third run of the models with nothing new: the incremental merge takes no rows.
            try await runModels(compiled, graph, models, at: ModelFixtures.runAt(hours: 2))
            try await expectCounts(models, lineItems: lineItems, products: products, users: users, carts: carts)
            #expect(try await count(models, "SELECT COUNT(*) FROM gold.dim_products_history") == products)

            // A price change: the history closes the old version and opens a new one.
            try await models.run("UPDATE bronze.products SET price = price + 1 WHERE id IN (1, 2)")
            try await runModels(compiled, graph, models, at: ModelFixtures.runAt(hours: 3))
            try await expectTestsPass(compiled, models)
            #expect(try await count(models, "SELECT COUNT(*) FROM gold.dim_products_history") == products + 2)
            #expect(try await models.rows("""
                SELECT product_id, COUNTIF(is_current), COUNTIF(NOT is_current), CAST(MAX(valid_to) AS STRING)
                FROM gold.dim_products_history WHERE product_id IN (1, 2, 3) GROUP BY product_id ORDER BY product_id
                """) == [["1", "1", "1", "2024-05-01 15:00:00+00"], ["2", "1", "1", "2024-05-01 15:00:00+00"], ["3", "1", "0", nil]])
        }
    }

    /// The min_cart_date variable leaves out the carts created before it, all the way to the fact.
    @Test func theMinCartDateVariableFiltersTheCarts() async throws {
        let project = try Self.project()
        let compiled = try project.compile(ModelFixtures.context(bronzeTables: Self.sources, variables: ["min_cart_date": "2024-07-01"]))
        let graph = project.graph(sources: Self.sources)
        try await ModelCloud.with { models in
            try await fill(.shopRecords, models, date: "2024-03-01", startedAt: 1_709_251_200_000_000)
            try await runModels(compiled, graph, models, at: ModelFixtures.runAt())
            try await expectTestsPass(compiled, models)
            let expected = try await count(models, """
                SELECT SUM(ARRAY_LENGTH(products)) FROM bronze.carts WHERE DATE(CAST(createdAt AS TIMESTAMP)) >= DATE '2024-07-01'
                """)
            #expect(expected > 0 && expected < 1_000)
            #expect(try await count(models, "SELECT COUNT(*) FROM gold.fact_cart_items") == expected)
            #expect(try await models.rows("SELECT MIN(cart_date) >= DATE '2024-07-01' FROM gold.fact_cart_items") == [["true"]])
            #expect(try await models.rows("SELECT CAST(MIN(date_day) AS STRING) FROM gold.dim_date") == [["2024-01-01"]])
        }
    }

    // MARK: Helpers

    /// Fills bronze for one logical run.
    func fill(_ filling: Filling, _ models: ModelCloud, date: String, startedAt: Int64) async throws {
        switch filling {
        case .shopRecords: try await insertShopRecords(models, startedAt: startedAt)
        case .bronzeRunner: try await runBronze(models.cloud, date: date, startedAt: startedAt)
        }
    }

    /// Runs every bronze source of `Pipelines.bronze` against the local cloud's sample shop.
    func runBronze(_ cloud: TestCloud, date: String, startedAt: Int64) async throws {
        let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: BQ.project,
                                 retryPolicy: RetryPolicy(maxAttempts: 10, maxTotalSeconds: 60))
        let (status, _) = try await cloud.call("GET", "/storage/v1/b/\(BronzeHarness.bucket)")
        if status == 404 {
            _ = try await google.storage.post("b", query: [("project", BQ.project)], body: ["name": .string(BronzeHarness.bucket)])
        }
        let bronze = Pipelines.bronze(Environment(name: "test", project: BQ.project, region: "US"))
        #expect(bronze.sources.map(\.name) == Self.sources)
        var overrides: [String: JSON] = [:]
        for name in Self.sources { overrides[name] = ["url": .string(cloud.base + "/sample/shop/" + name)] }
        let options = BronzeRunOptions(environment: "test", project: BQ.project, bucket: BronzeHarness.bucket, dataset: "bronze",
                                       logicalDate: date, overrides: overrides, variables: { _ in nil }, startedAt: startedAt,
                                       parallelism: 4, retryPolicy: RetryPolicy(maxAttempts: 4, maxTotalSeconds: 60),
                                       poll: { _ in try await Task.sleep(nanoseconds: 2_000_000) })
        let runner = BronzeRunner(cloud: google, options: options)
        for source in bronze.sources {
            let result = await runner.run(source)
            try #require(result.status == .success, "bronze \(source.name): \(result.error ?? "")")
        }
    }

    /// The bronze tables as the bronze runner makes them from the shop's records: the records'
    /// own fields (types inferred as the schema tracker infers them) and the metadata columns.
    static let bronzeSchemas: [String: [JSON]] = {
        let f = BQ.field
        let metadata = [f("_ingested_at", "TIMESTAMP", nil, nil), f("_run_id", "STRING", nil, nil), f("_source", "STRING", nil, nil)]
        return [
            "products": [
                f("id", "INTEGER", nil, nil), f("title", "STRING", nil, nil), f("description", "STRING", nil, nil),
                f("category", "STRING", nil, nil), f("price", "FLOAT", nil, nil), f("discountPercentage", "FLOAT", nil, nil),
                f("rating", "FLOAT", nil, nil), f("stock", "INTEGER", nil, nil), f("brand", "STRING", nil, nil),
                f("sku", "STRING", nil, nil), f("weight", "INTEGER", nil, nil),
                f("dimensions", "RECORD", nil, [f("width", "FLOAT", nil, nil), f("height", "FLOAT", nil, nil), f("depth", "FLOAT", nil, nil)]),
                f("tags", "STRING", "REPEATED", nil), f("availabilityStatus", "STRING", nil, nil),
                f("meta", "RECORD", nil, [f("createdAt", "STRING", nil, nil), f("updatedAt", "STRING", nil, nil)]),
                f("thumbnail", "STRING", nil, nil),
            ] + metadata,
            "users": [
                f("id", "INTEGER", nil, nil), f("firstName", "STRING", nil, nil), f("lastName", "STRING", nil, nil),
                f("age", "INTEGER", nil, nil), f("gender", "STRING", nil, nil), f("email", "STRING", nil, nil),
                f("phone", "STRING", nil, nil), f("username", "STRING", nil, nil), f("birthDate", "STRING", nil, nil),
                f("address", "RECORD", nil, [f("address", "STRING", nil, nil), f("city", "STRING", nil, nil), f("state", "STRING", nil, nil),
                                             f("postalCode", "STRING", nil, nil), f("country", "STRING", nil, nil)]),
                f("company", "RECORD", nil, [f("name", "STRING", nil, nil), f("title", "STRING", nil, nil), f("department", "STRING", nil, nil)]),
                f("role", "STRING", nil, nil),
            ] + metadata,
            "carts": [
                f("id", "INTEGER", nil, nil),
                f("products", "RECORD", "REPEATED", [
                    f("id", "INTEGER", nil, nil), f("title", "STRING", nil, nil), f("price", "FLOAT", nil, nil),
                    f("quantity", "INTEGER", nil, nil), f("total", "FLOAT", nil, nil), f("discountPercentage", "FLOAT", nil, nil),
                    f("discountedTotal", "FLOAT", nil, nil), f("thumbnail", "STRING", nil, nil),
                ]),
                f("total", "FLOAT", nil, nil), f("discountedTotal", "FLOAT", nil, nil), f("userId", "INTEGER", nil, nil),
                f("totalProducts", "INTEGER", nil, nil), f("totalQuantity", "INTEGER", nil, nil), f("createdAt", "STRING", nil, nil),
            ] + metadata,
        ]
    }()

    /// One bronze run without the runner: every record of the sample shop's three collections
    /// read page by page from `/sample/shop/…`, written with `tabledata.insertAll`. Carts are
    /// appended on every run; products and users replaced (the merge on id of a run that reads
    /// every record).
    func insertShopRecords(_ models: ModelCloud, startedAt: Int64) async throws {
        let cloud = models.cloud
        let ingestedAt = Date(timeIntervalSince1970: Double(startedAt) / 1_000_000)
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let stamp = formatter.string(from: ingestedAt)
        for name in Self.sources {
            let exists = try await models.columns("bronze", name) != nil
            if exists && name != "carts" { try await models.run("DELETE FROM bronze.\(name) WHERE TRUE") }
            if !exists {
                try await BQ.createTable(cloud, "bronze", name, ["schema": ["fields": .array(Self.bronzeSchemas[name] ?? [])]])
            }
            var skip = 0
            while true {
                let (status, page) = try await cloud.call("GET", "/sample/shop/\(name)?limit=500&skip=\(skip)")
                try #require(status == 200, "sample shop \(name): \(page)")
                let records = page[name]?.arrayValue ?? []
                if records.isEmpty { break }
                let rows: [JSON] = records.map { record in
                    var fields = record.objectValue ?? [:]
                    fields["_ingested_at"] = .string(stamp)
                    fields["_run_id"] = .string("run-\(startedAt)")
                    fields["_source"] = .string(name)
                    return ["json": .object(fields)]
                }
                let (inserted, answer) = try await cloud.call("POST", BQ.table("bronze", name) + "/insertAll", ["rows": .array(rows)])
                try #require(inserted == 200 && answer["insertErrors"] == nil, "insertAll \(name): \(answer)")
                skip += records.count
            }
        }
    }

    /// Every model in topological order: views replaced, the others by their run statement
    /// (first build, or incremental / scd2 against the table's existing columns).
    func runModels(_ compiled: CompiledProject, _ graph: ModelGraph, _ cloud: ModelCloud, at runAt: Date) async throws {
        for case .model(let name) in graph.topologicalOrder {
            let model = try #require(compiled.model(named: name))
            let statement: String
            if model.model.config.materialization == .view {
                statement = model.viewStatement
            } else {
                let existing = try await cloud.columns(model.dataset, name)
                statement = model.runStatement(existingColumns: existing, runAt: runAt)
            }
            let answer = try await cloud.run(statement)
            try #require(answer["error"] == nil, "model \(name) failed: \(answer)")
        }
    }

    /// Every data test answers no failures (warn tests included: the sample data is clean).
    func expectTestsPass(_ compiled: CompiledProject, _ cloud: ModelCloud) async throws {
        for test in compiled.tests {
            let rows = try await cloud.rows(test.countQuery)
            let failures = Int(rows.first?.first?.stringValue ?? "") ?? -1
            if failures != 0 {
                let examples = try await cloud.rows(test.examplesQuery())
                Issue.record("data test \(test.test.name) (\(test.test.severity)): \(failures) failures, e.g. \(examples)")
            }
        }
    }

    func expectCounts(_ cloud: ModelCloud, lineItems: Int, products: Int, users: Int, carts: Int,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let answer = try await cloud.rows("""
            SELECT
              (SELECT COUNT(*) FROM silver.stg_cart_items),
              (SELECT COUNT(*) FROM gold.fact_cart_items),
              (SELECT COUNT(DISTINCT cart_item_id) FROM gold.fact_cart_items),
              (SELECT COUNT(DISTINCT cart_id) FROM gold.fact_cart_items),
              (SELECT COUNT(*) FROM silver.stg_products),
              (SELECT COUNT(*) FROM gold.dim_products),
              (SELECT COUNT(DISTINCT product_id) FROM gold.dim_products),
              (SELECT COUNT(*) FROM silver.stg_users),
              (SELECT COUNT(*) FROM gold.dim_users),
              (SELECT COUNT(DISTINCT user_id) FROM gold.dim_users)
            """, sourceLocation: sourceLocation)
        let counts = (answer.first ?? []).map { Int($0.stringValue ?? "") ?? -1 }
        #expect(counts == [lineItems, lineItems, lineItems, carts, products, products, products, users, users, users],
                "stg/fact line items, fact carts, stg/dim products, stg/dim users", sourceLocation: sourceLocation)
    }

    func count(_ cloud: ModelCloud, _ sql: String) async throws -> Int {
        Int(try await cloud.rows(sql).first?.first?.stringValue ?? "") ?? -1
    }
}

