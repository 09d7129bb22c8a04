import TerraceJSON
import Testing

/// Copy jobs: tables copied within the local BigQuery under write and create dispositions.
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationTableCopy
struct BigQueryCopyJobTests {
    static let schema = BQ.schema(BQ.field("id", "INTEGER", mode: "REQUIRED"), BQ.field("kind", "STRING"))

    /// A dataset `lake` with `a` (ids 1, 2) and `b` (id 3), both of ``schema``.
    private func withTables(_ body: (TestCloud) async throws -> Void) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "lake")
            try await BQ.createTable(cloud, "lake", "a", ["schema": Self.schema, "timePartitioning": ["type": "DAY"],
                                                          "clustering": ["fields": ["kind"]], "description": "the a table"])
            try await BQ.createTable(cloud, "lake", "b", ["schema": Self.schema])
            try await insert(cloud, "a", [["id": 1, "kind": "view"], ["id": 2, "kind": "buy"]])
            try await insert(cloud, "b", [["id": 3, "kind": "view"]])
            try await body(cloud)
        }
    }

    private func insert(_ cloud: TestCloud, _ table: String, _ rows: [JSON]) async throws {
        let (status, answer) = try await cloud.call("POST", BQ.table("lake", table) + "/insertAll", ["rows": .array(rows.map { ["json": $0] })])
        #expect(status == 200 && answer["insertErrors"] == nil, "\(answer)")
    }

    private func reference(_ table: String) -> JSON {
        ["projectId": .string(BQ.project), "datasetId": "lake", "tableId": .string(table)]
    }

    /// Runs a copy of `sources` into `destination` with `extra` settings; answers the job once DONE.
    private func copy(_ cloud: TestCloud, _ sources: [String], to destination: String, _ extra: [String: JSON] = [:]) async throws -> JSON {
        var copy = extra
        if sources.count == 1 { copy["sourceTable"] = reference(sources[0]) } else { copy["sourceTables"] = .array(sources.map(reference)) }
        copy["destinationTable"] = reference(destination)
        return try await BQ.runJob(cloud, ["copy": .object(copy)])
    }

    private func rows(_ cloud: TestCloud, _ table: String) async throws -> [[JSON]] {
        let list = try await cloud.call("GET", BQ.table("lake", table) + "/data").body
        return (list["rows"]?.arrayValue ?? []).map { ($0["f"]?.arrayValue ?? []).map { $0["v"] ?? .null } }
    }

    private func table(_ cloud: TestCloud, _ table: String) async throws -> JSON {
        try await cloud.call("GET", BQ.table("lake", table)).body
    }

    @Test func aCopyMakesANewTableWithTheSourcesSchemaPartitioningAndRows() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["a"], to: "c")
            #expect(job["status"] == ["state": "DONE"], "\(job)")
            #expect(job["configuration"]?["jobType"] == "COPY")
            let (source, copied) = (try await table(cloud, "a"), try await table(cloud, "c"))
            #expect(copied["schema"] == source["schema"])
            #expect(copied["timePartitioning"] == source["timePartitioning"])
            #expect(copied["clustering"] == source["clustering"])
            #expect(copied["numRows"] == "2")
            #expect(copied["numBytes"] == source["numBytes"])
            #expect(try await rows(cloud, "c") == [["1", "view"], ["2", "buy"]])
        }
    }

    @Test func statisticsCountTheCopiedRowsAndLogicalBytes() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["a"], to: "c")
            #expect(job["statistics"]?["copy"]?["copiedRows"] == "2")
            #expect(job["statistics"]?["copy"]?["copiedLogicalBytes"] == (try await table(cloud, "a"))["numBytes"])
            #expect(job["statistics"]?["endTime"] != nil)
        }
    }

    @Test func severalSourcesWithOneSchemaAreConcatenatedInOrder() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["a", "b"], to: "all")
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await rows(cloud, "all") == [["1", "view"], ["2", "buy"], ["3", "view"]])
            #expect(job["statistics"]?["copy"]?["copiedRows"] == "3")
        }
    }

    /// WRITE_EMPTY is a copy's default: a destination holding rows fails the job `duplicate`.
    @Test func writeEmptyIsTheDefaultAndRefusesATableWithRows() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["a"], to: "b")
            #expect(job["status"]?["state"] == "DONE")
            #expect(job["status"]?["errorResult"]?["reason"] == "duplicate")
            #expect(job["status"]?["errorResult"]?["message"] == .string("Already Exists: Table \(BQ.project):lake.b"))
            #expect(try await rows(cloud, "b") == [["3", "view"]])
        }
    }

    @Test func writeEmptyFillsAnEmptyTable() async throws {
        try await withTables { cloud in
            try await BQ.createTable(cloud, "lake", "empty", ["schema": Self.schema])
            let job = try await copy(cloud, ["a"], to: "empty", ["writeDisposition": "WRITE_EMPTY"])
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await rows(cloud, "empty").count == 2)
        }
    }

    @Test func writeAppendAddsTheRowsAfterTheDestinations() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["a"], to: "b", ["writeDisposition": "WRITE_APPEND"])
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await rows(cloud, "b") == [["3", "view"], ["1", "view"], ["2", "buy"]])
            #expect(try await table(cloud, "b")["numRows"] == "3")
        }
    }

    @Test func writeTruncateReplacesTheRowsAndTheSchema() async throws {
        try await withTables { cloud in
            try await BQ.createTable(cloud, "lake", "other", ["schema": BQ.schema(BQ.field("name", "STRING"))])
            try await insert(cloud, "other", [["name": "x"]])
            let job = try await copy(cloud, ["a"], to: "other", ["writeDisposition": "WRITE_TRUNCATE"])
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await table(cloud, "other")["schema"] == (try await table(cloud, "a"))["schema"])
            #expect(try await rows(cloud, "other") == [["1", "view"], ["2", "buy"]])
            #expect(try await table(cloud, "other")["numRows"] == "2")
        }
    }

    @Test func aTableTruncatedFromItselfKeepsItsRows() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["a", "b"], to: "b", ["writeDisposition": "WRITE_TRUNCATE"])
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await rows(cloud, "b") == [["1", "view"], ["2", "buy"], ["3", "view"]])
        }
    }

    /// A failed copy changes nothing: the destination keeps its schema and rows.
    @Test func appendingADifferentSchemaIsInvalidAndChangesNothing() async throws {
        try await withTables { cloud in
            try await BQ.createTable(cloud, "lake", "other", ["schema": BQ.schema(BQ.field("name", "STRING"))])
            try await insert(cloud, "other", [["name": "x"]])
            let before = try await table(cloud, "other")
            let job = try await copy(cloud, ["a"], to: "other", ["writeDisposition": "WRITE_APPEND"])
            #expect(job["status"]?["errorResult"]?["reason"] == "invalid")
            #expect(job["status"]?["errorResult"]?["message"]?.stringValue?.hasPrefix("Provided Schema does not match Table") == true)
            #expect(try await table(cloud, "other") == before)
            #expect(try await rows(cloud, "other") == [["x"]])
        }
    }

    @Test func aMissingSourceIsNotFoundAndCreatesNothing() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["nope"], to: "c")
            #expect(job["status"]?["errorResult"] == ["reason": "notFound", "message": .string("Not found: Table \(BQ.project):lake.nope")])
            #expect(try await cloud.call("GET", BQ.table("lake", "c")).status == 404)
        }
    }

    @Test func aViewCannotBeCopied() async throws {
        try await withTables { cloud in
            try await BQ.createTable(cloud, "lake", "v", ["view": ["query": "SELECT id FROM lake.a", "useLegacySql": false]])
            let job = try await copy(cloud, ["v"], to: "c")
            #expect(job["status"]?["errorResult"]?["reason"] == "invalid")
            #expect(try await cloud.call("GET", BQ.table("lake", "c")).status == 404)
        }
    }

    @Test func sourcesWithDifferentSchemasAreInvalid() async throws {
        try await withTables { cloud in
            try await BQ.createTable(cloud, "lake", "other", ["schema": BQ.schema(BQ.field("name", "STRING"))])
            let job = try await copy(cloud, ["a", "other"], to: "c")
            #expect(job["status"]?["errorResult"]?["reason"] == "invalid")
            #expect(try await cloud.call("GET", BQ.table("lake", "c")).status == 404)
        }
    }

    @Test func createNeverOnAMissingDestinationIsNotFound() async throws {
        try await withTables { cloud in
            let job = try await copy(cloud, ["a"], to: "c", ["createDisposition": "CREATE_NEVER"])
            #expect(job["status"]?["errorResult"] == ["reason": "notFound", "message": .string("Not found: Table \(BQ.project):lake.c")])
        }
    }

    @Test func aDestinationInAMissingDatasetIsNotFound() async throws {
        try await withTables { cloud in
            let job = try await BQ.runJob(cloud, ["copy": [
                "sourceTable": reference("a"), "destinationTable": ["projectId": .string(BQ.project), "datasetId": "nope", "tableId": "c"],
            ]])
            #expect(job["status"]?["errorResult"]?["reason"] == "notFound")
        }
    }

    @Test func snapshotsAndClonesAreNotImplemented() async throws {
        try await withTables { cloud in
            let (status, body) = try await cloud.call("POST", BQ.jobs, ["configuration": ["copy": [
                "sourceTable": reference("a"), "destinationTable": reference("snap"), "operationType": "SNAPSHOT",
            ]]])
            #expect(status == 501)
            #expect(body.errorReason == "notImplemented")
        }
    }
}
