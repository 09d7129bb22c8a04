import Foundation
import TerraceJSON
import Testing

/// `terrace run` through the real CLI (`terrace-fixture`): a bronze source selected, landed and
/// loaded, its summary and run-results file; a failing source; a selection of nothing declared.
@Suite(.serialized)
struct CLIRunTests {
    /// A project whose environment `fx` points at `cloud` and its `items` source at `url`, with
    /// the lake bucket and bronze dataset the fixture stack declares already made.
    private func project(_ cloud: TestCloud, url: String) async throws -> String {
        let directory = makeTemporaryDirectory("terrace-cli-run")
        try FileManager.default.createDirectory(atPath: directory + "/environments", withIntermediateDirectories: true)
        let body: JSON = ["project": .string(FailureFixture.project), "region": "US", "endpoint": .string(cloud.base), "state": "state/fx.json",
                          "namePrefix": "fx", "labels": [:], "variables": [:], "sources": ["items": ["url": .string(url)]]]
        try body.encoded().write(toFile: directory + "/environments/fx.json", atomically: true, encoding: .utf8)
        _ = try await cloud.call("POST", "/storage/v1/b?project=\(FailureFixture.project)", ["name": "fx-landing"])
        _ = try await cloud.call("POST", "/bigquery/v2/projects/\(FailureFixture.project)/datasets",
                                 ["datasetReference": ["projectId": .string(FailureFixture.project), "datasetId": "fx_raw"]])
        return directory
    }

    @Test func aSourceRunsAndItsResultsAreWritten() async throws {
        let api = try await FixtureAPI.start()
        try await withCloud { cloud in
            let dir = try await project(cloud, url: api.base + "/offset/items")
            let run = try await FixtureBinary.run(["run", "--env", "fx", "--select", "source:items", "--date", "2024-03-01"], in: dir)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("items: ok, 250 records"))
            #expect(run.output.contains("Run complete: 1 source loaded."))
            let results = try JSON.parse(String(contentsOfFile: dir + "/.terrace/runs/fx/run_results.json", encoding: .utf8))
            #expect(results["results"]?[0]?["records"] == 250)
            #expect(results["results"]?[0]?["status"] == "success")
            #expect(results["results"]?[0]?["objects"] == 1)
            let (_, answer) = try await cloud.call("POST", "/bigquery/v2/projects/\(FailureFixture.project)/queries",
                                                   ["query": "SELECT COUNT(*) FROM fx_raw.items", "useLegacySql": false])
            #expect(answer["rows"]?[0]?["f"]?[0]?["v"] == "250")
        }
        await api.stop()
    }

    @Test func aFailingSourceExitsOneWithItsError() async throws {
        let api = try await FixtureAPI.start()
        try await withCloud { cloud in
            let dir = try await project(cloud, url: api.base + "/auth/items")
            let run = try await FixtureBinary.run(["run", "--env", "fx", "--select", "source:items", "--date", "2024-03-01"], in: dir)
            #expect(run.status == 1)
            #expect(run.output.contains("Error: source items: GET \(api.base)/auth/items?limit=50&offset=0 answered 401"), "\(run.output)")
            #expect(run.output.contains("Run failed: 1 of 1 source failed."))
            let results = try JSON.parse(String(contentsOfFile: dir + "/.terrace/runs/fx/run_results.json", encoding: .utf8))
            #expect(results["results"]?[0]?["status"] == "error")
            #expect(results["results"]?[0]?["error"]?.stringValue?.contains("401") == true)
        }
        await api.stop()
    }

    @Test func aBronzeSelectionRunsWhileAModelDoesNotCompile() async throws {
        let api = try await FixtureAPI.start()
        try await withCloud { cloud in
            let dir = try await project(cloud, url: api.base + "/offset/items")
            try FileManager.default.createDirectory(atPath: dir + "/pipelines/silver", withIntermediateDirectories: true)
            try "-- materialized: view\nSELEC 1\n".write(toFile: dir + "/pipelines/silver/broken.sql", atomically: true, encoding: .utf8)
            let run = try await FixtureBinary.run(["run", "--env", "fx", "--select", "source:items", "--date", "2024-03-01"], in: dir)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("Warning: the models under pipelines/ do not compile"), "\(run.output)")
            #expect(run.output.contains("items: ok, 250 records"))
            // A selection with the models in it stops at the model's problem.
            let all = try await FixtureBinary.run(["run", "--env", "fx", "--date", "2024-03-01"], in: dir)
            #expect(all.status == 1)
            #expect(all.output.hasPrefix("Error: pipelines/silver/broken.sql"), "\(all.output)")
        }
        await api.stop()
    }

    @Test func aSelectionOfAnUndeclaredSourceNamesTheDeclaredOnes() async throws {
        try await withCloud { cloud in
            let dir = try await project(cloud, url: "http://127.0.0.1:9/items")
            let run = try await FixtureBinary.run(["run", "--env", "fx", "--select", "source:nope"], in: dir)
            #expect(run.status == 64)  // a usage error
            #expect(run.output.hasPrefix("Error: --select: selector 'source:nope' matches nothing"), "\(run.output)")
            #expect(run.output.contains("sources: items, line_items"), "\(run.output)")
        }
    }

    @Test func aBadDateIsRefusedBeforeAnythingRuns() async throws {
        let run = try await FixtureBinary.run(["run", "--env", "fx", "--date", "2024-02-30"], in: makeTemporaryDirectory("terrace-cli-run"))
        #expect(run.status != 0)
        #expect(run.output.contains("--date must be a date such as 2024-01-31, got \"2024-02-30\""))
    }
}
