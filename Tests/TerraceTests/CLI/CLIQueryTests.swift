import Foundation
import TerraceJSON
import Testing

/// `terrace query`: ad-hoc GoogleSQL against an environment's BigQuery, as table, JSON or CSV.
struct CLIQueryTests {
    private func project(_ cloud: TestCloud) throws -> String {
        let directory = makeTemporaryDirectory("terrace-cli-query")
        try FileManager.default.createDirectory(atPath: directory + "/environments", withIntermediateDirectories: true)
        let body: JSON = ["project": .string(FailureFixture.project), "region": "US", "endpoint": .string(cloud.base), "state": "state/fx.json",
                          "namePrefix": "fx", "labels": [:], "variables": [:]]
        try body.encoded().write(toFile: directory + "/environments/fx.json", atomically: true, encoding: .utf8)
        return directory
    }

    private func withRows(_ body: (TestCloud, String) async throws -> Void) async throws {
        try await withCloud { cloud in
            let base = "/bigquery/v2/projects/\(FailureFixture.project)/datasets"
            _ = try await cloud.call("POST", base, ["datasetReference": ["projectId": .string(FailureFixture.project), "datasetId": "shop"]])
            _ = try await cloud.call("POST", base + "/shop/tables", [
                "tableReference": ["projectId": .string(FailureFixture.project), "datasetId": "shop", "tableId": "orders"],
                "schema": ["fields": [["name": "id", "type": "INT64"], ["name": "note", "type": "STRING"]]],
            ])
            _ = try await cloud.call("POST", base + "/shop/tables/orders/insertAll", ["rows": [
                ["json": ["id": 1, "note": "plain"]], ["json": ["id": 2, "note": "with, comma"]], ["json": ["id": 3]],
            ]])
            let dir = try project(cloud)
            try await body(cloud, dir)
        }
    }

    @Test func csvOutputQuotesWhatNeedsQuoting() async throws {
        try await withRows { _, dir in
            let run = try await FixtureBinary.run(["query", "--env", "fx", "SELECT id, note FROM shop.orders ORDER BY id", "--format", "csv"], in: dir)
            #expect(run.status == 0)
            #expect(run.output == "id,note\n1,plain\n2,\"with, comma\"\n3,\n")
        }
    }

    @Test func jsonOutputTypesTheValues() async throws {
        try await withRows { _, dir in
            let run = try await FixtureBinary.run(["query", "--env", "fx", "SELECT id, note FROM shop.orders WHERE id = 3", "--format", "json"], in: dir)
            #expect(try JSON.parse(run.output) == [["id": 3, "note": nil]])
        }
    }

    @Test func tableOutputIsAlignedAndCountsRows() async throws {
        try await withRows { _, dir in
            let run = try await FixtureBinary.run(["query", "--env", "fx", "SELECT id, note FROM shop.orders ORDER BY id"], in: dir)
            #expect(run.output.contains("id   note\n1    plain\n2    with, comma\n3    NULL\n"))
            #expect(run.output.contains("3 rows"))
        }
    }

    @Test func timestampsAreRFC3339ToTheMicrosecondWhenTheyHaveAFraction() async throws {
        try await withRows { _, dir in
            let sql = "SELECT TIMESTAMP '2024-01-02 08:28:47.231 UTC' AS a, TIMESTAMP '2024-01-02 08:28:47 UTC' AS b"
            let run = try await FixtureBinary.run(["query", "--env", "fx", sql, "--format", "json"], in: dir)
            #expect(try JSON.parse(run.output) == [["a": "2024-01-02T08:28:47.231000Z", "b": "2024-01-02T08:28:47Z"]], "\(run.output)")
        }
    }

    @Test func aBadQueryIsOneErrorWithItsLocation() async throws {
        try await withRows { _, dir in
            let run = try await FixtureBinary.run(["query", "--env", "fx", "SELECT nope FROM shop.orders"], in: dir)
            #expect(run.status == 1)
            #expect(run.output == "Error: Unrecognized name: nope at [1:8]\n")
        }
    }
}
