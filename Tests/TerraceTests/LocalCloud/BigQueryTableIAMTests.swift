import Testing
import TerraceJSON

@Suite("BigQuery table IAM")
struct BigQueryTableIAMTests {
    static func iam(_ verb: String) -> String { BQ.table("d", "t") + ":" + verb }

    @Test func policyIsSetAndReadBack() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t")
            let (_, initial) = try await cloud.call("POST", Self.iam("getIamPolicy"), [:])
            #expect(initial["bindings"] == nil)
            let policy: JSON = ["bindings": [["role": "roles/bigquery.dataViewer", "members": ["user:ann@example.com"]]],
                                "etag": initial["etag"] ?? .null]
            let (status, set) = try await cloud.call("POST", Self.iam("setIamPolicy"), ["policy": policy])
            #expect(status == 200)
            #expect(set["bindings"] == [["role": "roles/bigquery.dataViewer", "members": ["user:ann@example.com"]]])
            let (_, fetched) = try await cloud.call("POST", Self.iam("getIamPolicy"), [:])
            #expect(fetched == set)
        }
    }

    @Test func staleEtagIsAbortedAndKeepsThePolicy() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t")
            let (_, initial) = try await cloud.call("POST", Self.iam("getIamPolicy"), [:])
            let first: JSON = ["bindings": [["role": "roles/bigquery.dataViewer", "members": ["user:a@example.com"]]],
                               "etag": initial["etag"] ?? .null]
            let (_, set) = try await cloud.call("POST", Self.iam("setIamPolicy"), ["policy": first])
            let second: JSON = ["bindings": [["role": "roles/bigquery.dataEditor", "members": ["user:b@example.com"]]],
                                "etag": initial["etag"] ?? .null]
            let (status, body) = try await cloud.call("POST", Self.iam("setIamPolicy"), ["policy": second])
            #expect(status == 409)
            #expect(body.errorStatus == "ABORTED")
            #expect(try await cloud.call("POST", Self.iam("getIamPolicy"), [:]).body == set)
        }
    }

    @Test func badMemberIsInvalidAndKeepsThePolicy() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t")
            let (_, initial) = try await cloud.call("POST", Self.iam("getIamPolicy"), [:])
            let policy: JSON = ["bindings": [["role": "roles/bigquery.dataViewer", "members": ["ann"]]]]
            let (status, body) = try await cloud.call("POST", Self.iam("setIamPolicy"), ["policy": policy])
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("POST", Self.iam("getIamPolicy"), [:]).body == initial)
        }
    }

    @Test func policyOfAMissingTableIsNotFound() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let (status, body) = try await cloud.call("POST", Self.iam("getIamPolicy"), [:])
            #expect(status == 404)
            #expect(body.errorReason == "notFound")
        }
    }

    @Test func deletingATableDropsItsPolicy() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t")
            let policy: JSON = ["bindings": [["role": "roles/bigquery.dataViewer", "members": ["user:a@example.com"]]]]
            _ = try await cloud.call("POST", Self.iam("setIamPolicy"), ["policy": policy])
            _ = try await cloud.call("DELETE", BQ.table("d", "t"))
            try await BQ.createTable(cloud, "d", "t")
            let (_, fresh) = try await cloud.call("POST", Self.iam("getIamPolicy"), [:])
            #expect(fresh["bindings"] == nil)
        }
    }
}
