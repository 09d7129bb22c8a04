import Foundation
import GoogleCloud
import Testing
import TerraceJSON
import TerraceModels
@testable import TerracePipelines

/// The deploy's dry run of every model over the in-process local cloud: models never built stand
/// in for themselves, and a refusal names the model file's own line and column.
@Suite(.serialized)
struct ModelDryRunTests {
    func refusals(_ files: [(path: String, text: String)], bronze: Bool = true, deployedView: String? = nil) async throws -> [ModelDryRun.Refusal] {
        var answer: [ModelDryRun.Refusal] = []
        try await withCloud { cloud in
            for dataset in ["bronze", "silver", "gold"] { try await BQ.createDataset(cloud, dataset) }
            if bronze {
                try await BQ.createTable(cloud, "bronze", "items", ["schema": BQ.schema(BQ.field("id", "INTEGER"), BQ.field("name", "STRING"))])
            }
            if let deployedView {
                try await BQ.createTable(cloud, "silver", "stg_items", ["view": ["query": .string(deployedView), "useLegacySql": false]])
            }
            let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: BQ.project)
            let project = try ModelProject.load(files: files)
            let compiled = try project.compile(CompileContext(project: BQ.project, datasets: [.bronze: "bronze", .silver: "silver", .gold: "gold"],
                                                              bronzeTables: ["items"]))
            let dryRun = ModelDryRun(bigquery: google.bigquery, project: compiled, graph: project.graph(sources: ["items"]),
                                     projectID: BQ.project, location: "US")
            answer = try await dryRun.check(missingSources: bronze ? [] : ["items"])
        }
        return answer
    }

    static let staging: (path: String, text: String) = ("pipelines/silver/stg_items.sql", "SELECT id, name FROM source('bronze', 'items')")

    @Test func modelsNeverBuiltAreCheckedThroughTheirUpstreamsSchemas() async throws {
        let found = try await refusals([Self.staging, ("pipelines/gold/dim_items.sql", "SELECT id, UPPER(name) AS name FROM ref('stg_items')")])
        #expect(found.isEmpty, "\(found)")
    }

    @Test func aRefusalNamesTheModelFilesLineAndColumnPastAStandIn() async throws {
        let broken = "-- description: Broken on purpose.\nSELECT d.id\nFROM ref('stg_items') AS d WHERE nope > 1"
        let found = try await refusals([Self.staging, ("pipelines/gold/broken.sql", broken)])
        let refusal = try #require(found.first)
        #expect(found.count == 1)
        #expect(refusal.model == "broken")
        #expect(refusal.message == "Unrecognized name: nope")
        #expect(refusal.line == 3)
        #expect(refusal.column == 34, "the column of `nope` in the file, not in the compiled SQL")
        #expect(refusal.description == "pipelines/gold/broken.sql:3:34: model broken does not dry-run: Unrecognized name: nope")
    }

    @Test func aViewsReadersAreCheckedAgainstItsPendingQueryNotTheDeployedView() async throws {
        let reader: (path: String, text: String) = ("pipelines/gold/dim_items.sql", "SELECT id, email FROM ref('stg_items')")
        // The deployed view has `email`; the change renames it: its reader is refused now, not at the next run.
        let renamed: (path: String, text: String) = ("pipelines/silver/stg_items.sql", "SELECT id, name AS address FROM source('bronze', 'items')")
        let refused = try await refusals([renamed, reader], deployedView: "SELECT id, name AS email FROM `\(BQ.project).bronze.items`")
        #expect(refused.map(\.model) == ["dim_items"], "\(refused)")
        #expect(refused.first?.message.contains("email") == true, "\(refused)")
        // The deployed view lost `email`; the fix brings it back: the fix deploys.
        let fixed: (path: String, text: String) = ("pipelines/silver/stg_items.sql", "SELECT id, name AS email FROM source('bronze', 'items')")
        let passed = try await refusals([fixed, reader], deployedView: "SELECT id, name AS address FROM `\(BQ.project).bronze.items`")
        #expect(passed.isEmpty, "\(passed)")
    }

    @Test func aDataTestIsDryRunToo() async throws {
        let model = "-- test: not_null(id)\n-- test: not_null(no_such_column)\nSELECT id, name FROM source('bronze', 'items')"
        let found = try await refusals([("pipelines/silver/stg_items.sql", model)])
        #expect(found.count == 1, "\(found)")
        #expect(found.first?.kind == "test")
        #expect(found.first?.description.hasPrefix("pipelines/silver/stg_items.sql:2: test stg_items.not_null_no_such_column does not dry-run: ") == true,
                "\(found)")
    }

    @Test func aModelOverAMissingBronzeTableSaysToRunBronzeFirstAndStopsItsDescendants() async throws {
        let found = try await refusals([Self.staging, ("pipelines/gold/dim_items.sql", "SELECT id FROM ref('stg_items')")], bronze: false)
        #expect(found.map(\.model) == ["stg_items", "dim_items"])
        #expect(found.first?.message.contains("run `terrace run --select layer:bronze` first") == true)
        #expect(found.last?.message == "its upstream model stg_items could not be checked")
    }

    @Test func theStandInMapsColumnsBackAcrossSeveralReplacementsOnALine() {
        var text = StandInText("SELECT * FROM `p.d.a` JOIN `p.d.b` USING (id) WHERE x")
        text.replace("`p.d.a`", with: "(SELECT 1 AS id)")
        text.replace("`p.d.b`", with: "(SELECT 2 AS id, 3 AS y)")
        let compiled = text.text
        let column = compiled.distance(from: compiled.startIndex, to: compiled.range(of: "WHERE x")!.lowerBound) + 7
        #expect(text.originalLocation(line: 1, column: column).column == 53)
        #expect(text.originalLocation(line: 1, column: 20).column == 15, "inside a stand-in: the table name it replaced")
    }

    @Test func aRunTimeErrorInsideTheModelsSQLIsNamedAtTheFilesLineAndColumn() throws {
        let files = [Self.staging, ("pipelines/gold/dim_items.sql", "-- test: unique(id)\nSELECT id, name FROM ref('stg_items')")]
        let compiled = try ModelProject.load(files: files).compile(CompileContext(
            project: BQ.project, datasets: [.bronze: "bronze", .silver: "silver", .gold: "gold"], bronzeTables: ["items"])).model(named: "dim_items")!
        let statement = compiled.runStatement(existingColumns: nil, runAt: Date(timeIntervalSince1970: 0))
        // Where BigQuery would point at `name` in the statement.
        let lines = statement.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("SELECT id, name") })
        let column = lines[line].distance(from: lines[line].startIndex, to: lines[line].range(of: "name")!.lowerBound) + 1
        let failure = BigQueryJobs.Failure(reason: "invalidQuery", message: "Bad name at [\(line + 1):\(column)]", details: [])
        #expect(ModelRunner.located(failure, in: compiled, statement: statement) == "pipelines/gold/dim_items.sql:2:12: BigQuery answered invalidQuery: Bad name")
        let outside = BigQueryJobs.Failure(reason: "invalidQuery", message: "division by zero: 1 / 0", details: [])
        #expect(ModelRunner.located(outside, in: compiled, statement: statement) == "pipelines/gold/dim_items.sql: BigQuery answered invalidQuery: division by zero: 1 / 0")
    }
}
