import Foundation
import TerraceJSON
import Testing

/// The whole platform through the real `terrace` (its `infra/` and `pipelines/` compiled in) on
/// the embedded local cloud of environment `local`, in a scratch copy of the project: `up`,
/// `up` again, `plan`, `deploy`, `test` and `ls`.
@Suite(.serialized)
struct CLIPlatformTests {
    /// `<package>`, found from this file's own path.
    static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url
    }()

    /// A scratch project: `environments/local.json` and the SQL of `pipelines/`.
    func project(extraModel: (path: String, sql: String)? = nil) throws -> String {
        let directory = makeTemporaryDirectory("terrace-cli-platform")
        let files = FileManager.default
        try files.createDirectory(atPath: directory + "/environments", withIntermediateDirectories: true)
        try files.copyItem(atPath: Self.root.appendingPathComponent("environments/local.json").path, toPath: directory + "/environments/local.json")
        try files.createDirectory(atPath: directory + "/pipelines", withIntermediateDirectories: true)
        for folder in ["silver", "gold", "tests"] {
            try files.copyItem(atPath: Self.root.appendingPathComponent("pipelines/" + folder).path, toPath: directory + "/pipelines/" + folder)
        }
        if let extraModel { try extraModel.sql.write(toFile: directory + "/pipelines/" + extraModel.path, atomically: true, encoding: .utf8) }
        return directory
    }

    func terrace(_ arguments: String..., in directory: String) async throws -> (status: Int32, output: String) {
        let run = try await FixtureBinary.run(arguments, in: directory, executable: FixtureBinary.terracePath)
        return (run.status, run.output)
    }

    /// The summary's `table  layer  rows` lines.
    static func tableCounts(_ output: String) -> [String] {
        let lines = output.split(separator: "\n").map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("  table ") }) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("  tests:") })
    }

    @Test func upTwiceLeavesAnEmptyPlanAndTheSameRowCounts() async throws {
        let dir = try project()
        let first = try await terrace("up", "--env", "local", in: dir)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("Run complete: 8 of 8 models built, 37 of 37 tests passed."), "\(first.output)")
        let counts = Self.tableCounts(first.output)
        #expect(counts.count == 11, "\(first.output)")
        #expect(counts.contains { $0.contains("terrace_local_gold.fact_cart_items") && $0.hasSuffix("1,000") }, "\(counts)")

        let second = try await terrace("up", "--env", "local", in: dir)
        #expect(second.status == 0, "\(second.output)")
        #expect(second.output.components(separatedBy: "No changes.").count == 3, "infrastructure and deploy plans are empty: \(second.output)")
        #expect(Self.tableCounts(second.output) == counts)

        let plan = try await terrace("plan", "--env", "local", "--detailed-exitcode", in: dir)
        #expect(plan.status == 0, "\(plan.output)")
    }

    @Test func aBrokenModelStopsTheDeployBeforeAnythingChanges() async throws {
        let dir = try project()
        let up = try await terrace("up", "--env", "local", in: dir)
        #expect(up.status == 0, "\(up.output)")
        let state = try String(contentsOfFile: dir + "/.terrace/state/local.json", encoding: .utf8)
        try "-- materialized: view\nSELECT\n  user_id,\n  nope\nFROM ref('stg_users')\n"
            .write(toFile: dir + "/pipelines/gold/broken.sql", atomically: true, encoding: .utf8)
        let deploy = try await terrace("deploy", "--env", "local", "--auto-approve", in: dir)
        #expect(deploy.status == 1, "\(deploy.output)")
        #expect(deploy.output.contains("pipelines/gold/broken.sql"), "\(deploy.output)")
        #expect(deploy.output.contains("Unrecognized name: nope"), "\(deploy.output)")
        #expect(try String(contentsOfFile: dir + "/.terrace/state/local.json", encoding: .utf8) == state, "nothing was applied")
    }

    @Test func aFreshEnvironmentIsToldToRunBronzeBeforeDeploying() async throws {
        let dir = try project()
        let deploy = try await terrace("deploy", "--env", "local", "--auto-approve", in: dir)
        #expect(deploy.status == 1, "\(deploy.output)")
        #expect(deploy.output.contains("run `terrace run --select layer:bronze` first"), "\(deploy.output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/.terrace/state/local.json"), "nothing was applied")
    }

    @Test func aTableModelThatBecomesAViewIsReplacedByTheDeploy() async throws {
        let dir = try project()
        let up = try await terrace("up", "--env", "local", in: dir)
        #expect(up.status == 0, "\(up.output)")
        let path = dir + "/pipelines/gold/dim_date.sql"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "-- materialized: table", with: "-- materialized: view").write(toFile: path, atomically: true, encoding: .utf8)
        let deploy = try await terrace("deploy", "--env", "local", "--auto-approve", in: dir)
        #expect(deploy.status == 0, "\(deploy.output)")
        #expect(deploy.output.contains("it is the table `terrace run` built for model dim_date, which is a view now"), "\(deploy.output)")
        let plan = try await terrace("plan", "--env", "local", "--detailed-exitcode", in: dir)
        #expect(plan.status == 0, "\(plan.output)")
        let query = try await terrace("query", "--env", "local", "SELECT COUNT(*) AS n FROM terrace_local_gold.dim_date", in: dir)
        #expect(query.status == 0 && query.output.contains("366"), "\(query.output)")
    }

    @Test func aDeletedTableModelsTableIsNamedByTheDeploy() async throws {
        let dir = try project(extraModel: ("gold/user_counts.sql", "-- materialized: table\nSELECT COUNT(*) AS users FROM ref('dim_users')"))
        let up = try await terrace("up", "--env", "local", in: dir)
        #expect(up.status == 0, "\(up.output)")
        try FileManager.default.removeItem(atPath: dir + "/pipelines/gold/user_counts.sql")
        let deploy = try await terrace("deploy", "--env", "local", "--auto-approve", in: dir)
        #expect(deploy.status == 0, "\(deploy.output)")
        #expect(deploy.output.contains("Note: terrace_local_gold.user_counts was built by `terrace run` for a model that no longer exists"),
                "\(deploy.output)")
    }

    @Test func testRunsTheSelectedModelsTestsAlone() async throws {
        let dir = try project()
        let up = try await terrace("up", "--env", "local", in: dir)
        #expect(up.status == 0, "\(up.output)")
        let test = try await terrace("test", "--env", "local", "--select", "dim_users", in: dir)
        #expect(test.status == 0, "\(test.output)")
        #expect(test.output.contains("dim_users.unique_user_id"))
        #expect(!test.output.contains("fact_cart_items."))
        #expect(test.output.contains("Warning: dim_users.accepted_values_gender") || test.output.contains("Tests complete:"), "\(test.output)")
        // The tests' results replace the run's in run_results.json.
        let results = try JSON.parse(String(contentsOfFile: dir + "/.terrace/runs/local/run_results.json", encoding: .utf8))
        let names = (results["nodes"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        #expect(!names.isEmpty && names.allSatisfy { $0.hasPrefix("dim_users.") }, "\(names)")
    }

    @Test func lsListsSourcesModelsAndTestsAsJSON() async throws {
        let dir = try project()
        let ls = try await terrace("ls", "--env", "local", "--json", in: dir)
        #expect(ls.status == 0, "\(ls.output)")
        let entries = try #require(try JSON.parse(ls.output).arrayValue)
        let kinds = Dictionary(grouping: entries, by: { $0["kind"]?.stringValue ?? "" }).mapValues(\.count)
        #expect(kinds == ["source": 3, "model": 8, "test": 37])
        let fact = try #require(entries.first { $0["name"] == "fact_cart_items" })
        #expect(fact["layer"] == "gold")
        #expect(fact["description"]?.stringValue?.isEmpty == false)
        #expect(fact["path"] == "pipelines/gold/fact_cart_items.sql")
        #expect(fact["tags"]?.arrayValue?.isEmpty == false, "\(fact)")
        #expect(fact["depends_on"]?.arrayValue?.contains("model.stg_cart_items") == true, "\(fact)")
        let test = try #require(entries.first { $0["name"] == "dim_users.unique_user_id" })
        #expect(test["depends_on"] == ["model.dim_users"])
    }
}
