import TerraceCompression
import TerraceJSON
import Testing

/// Load jobs from the local cloud's storage, and the jobs API around them.
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationLoad
struct BigQueryLoadJobTests {
    static let jobs = "/bigquery/v2/projects/\(BQ.project)/jobs"

    private func upload(_ cloud: TestCloud, _ name: String, _ text: String, gzip: Bool = false) async throws {
        if try await cloud.call("GET", "/storage/v1/b/lake").status == 404 {
            #expect(try await cloud.call("POST", "/storage/v1/b?project=\(BQ.project)", ["name": "lake"]).status == 200)
        }
        let bytes = gzip ? try GzipWriter.compress(Array(text.utf8)) : Array(text.utf8)
        let result = try await cloud.raw("POST", "/upload/storage/v1/b/lake/o?uploadType=media&name=\(name)", body: bytes,
                                         headers: [("Content-Type", "application/octet-stream")])
        #expect(result.status == 200)
    }

    private func load(_ cloud: TestCloud, _ configuration: [String: JSON], table: String = "events", jobID: String? = nil) async throws -> JSON {
        var load = configuration
        load["destinationTable"] = ["projectId": .string(BQ.project), "datasetId": "lake", "tableId": .string(table)]
        var job: [String: JSON] = ["configuration": ["load": .object(load)]]
        if let jobID { job["jobReference"] = ["projectId": .string(BQ.project), "jobId": .string(jobID)] }
        let (status, body) = try await cloud.call("POST", Self.jobs, .object(job))
        #expect(status == 200, "\(body)")
        return try await BQ.finished(cloud, body)
    }

    private func rows(_ cloud: TestCloud, _ table: String = "events") async throws -> [[JSON]] {
        let list = try await cloud.call("GET", BQ.table("lake", table) + "/data").body
        return (list["rows"]?.arrayValue ?? []).map { ($0["f"]?.arrayValue ?? []).map { $0["v"] ?? .null } }
    }

    private func withLake(_ body: (TestCloud) async throws -> Void) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "lake")
            try await body(cloud)
        }
    }

    static let eventSchema = BQ.schema(BQ.field("id", "INTEGER", mode: "REQUIRED"), BQ.field("kind", "STRING"))

    @Test func gzippedNewlineDelimitedJSONLoadsIntoANewTable() async throws {
        try await withLake { cloud in
            try await upload(cloud, "events.json.gz", "{\"id\": 1, \"kind\": \"view\"}\n{\"id\": 2, \"kind\": \"buy\"}\n", gzip: true)
            let job = try await load(cloud, ["sourceUris": ["gs://lake/events.json.gz"], "sourceFormat": "NEWLINE_DELIMITED_JSON",
                                             "schema": Self.eventSchema])
            #expect(job["status"] == ["state": "DONE"])
            #expect(job["statistics"]?["load"]?["outputRows"] == "2")
            #expect(job["statistics"]?["load"]?["inputFiles"] == "1")
            #expect(job["configuration"]?["jobType"] == "LOAD")
            #expect(try await rows(cloud) == [["1", "view"], ["2", "buy"]])
            #expect(try await cloud.call("GET", BQ.table("lake", "events")).body["numRows"] == "2")
        }
    }

    @Test func nestedAndRepeatedFieldsLoadFromJSON() async throws {
        try await withLake { cloud in
            try await upload(cloud, "carts.json", "{\"id\": 1, \"items\": [{\"sku\": \"a\", \"qty\": 2}], \"tags\": [\"x\", \"y\"]}\n")
            let schema = BQ.schema(BQ.field("id", "INTEGER"), BQ.field("items", "RECORD", mode: "REPEATED", fields: [
                BQ.field("sku", "STRING"), BQ.field("qty", "INTEGER"),
            ]), BQ.field("tags", "STRING", mode: "REPEATED"))
            let job = try await load(cloud, ["sourceUris": ["gs://lake/carts.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": schema],
                                     table: "carts")
            #expect(job["status"]?["errorResult"] == nil)
            #expect(try await rows(cloud, "carts") == [["1", [["v": ["f": [["v": "a"], ["v": "2"]]]]], [["v": "x"], ["v": "y"]]]])
        }
    }

    @Test func csvWithAHeaderIsDetected() async throws {
        try await withLake { cloud in
            try await upload(cloud, "sales.csv", "order_id,amount,day,paid\n1,9.5,2024-01-02,true\n2,12,2024-01-03,false\n")
            let job = try await load(cloud, ["sourceUris": ["gs://lake/sales.csv"], "autodetect": true], table: "sales")
            #expect(job["status"] == ["state": "DONE"])
            let table = try await cloud.call("GET", BQ.table("lake", "sales")).body
            let fields = table["schema"]?["fields"]?.arrayValue ?? []
            #expect(fields.map { $0["name"]?.stringValue ?? "" } == ["order_id", "amount", "day", "paid"])
            #expect(fields.map { $0["type"]?.stringValue ?? "" } == ["INTEGER", "FLOAT", "DATE", "BOOLEAN"])
            #expect(try await rows(cloud, "sales") == [["1", "9.5", "2024-01-02", "true"], ["2", "12.0", "2024-01-03", "false"]])
        }
    }

    @Test func csvQuotedFieldsNullsAndQuotedNewlines() async throws {
        try await withLake { cloud in
            try await upload(cloud, "notes.csv", "1,\"a, b\"\n2,\n3,\"line one\nline two\"\n4,\"say \"\"hi\"\"\"\n")
            let schema = BQ.schema(BQ.field("id", "INTEGER"), BQ.field("note", "STRING"))
            let job = try await load(cloud, ["sourceUris": ["gs://lake/notes.csv"], "schema": schema, "allowQuotedNewlines": true], table: "notes")
            #expect(job["status"] == ["state": "DONE"], "\(job)")
            #expect(try await rows(cloud, "notes") == [["1", "a, b"], ["2", nil], ["3", "line one\nline two"], ["4", "say \"hi\""]])
        }
    }

    @Test func writeDispositionsAppendTruncateAndRefuseANonEmptyTable() async throws {
        try await withLake { cloud in
            try await upload(cloud, "one.json", "{\"id\": 1}\n")
            let base: [String: JSON] = ["sourceUris": ["gs://lake/one.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": Self.eventSchema]
            _ = try await load(cloud, base)
            _ = try await load(cloud, base)  // WRITE_APPEND is the default
            #expect(try await rows(cloud).count == 2)
            var truncate = base
            truncate["writeDisposition"] = "WRITE_TRUNCATE"
            _ = try await load(cloud, truncate)
            #expect(try await rows(cloud).count == 1)
            var empty = base
            empty["writeDisposition"] = "WRITE_EMPTY"
            let refused = try await load(cloud, empty)
            #expect(refused["status"]?["state"] == "DONE")
            #expect(refused["status"]?["errorResult"]?["reason"] == "duplicate")
            #expect(try await rows(cloud).count == 1)
        }
    }

    @Test func createNeverOnAMissingTableFailsTheJob() async throws {
        try await withLake { cloud in
            try await upload(cloud, "one.json", "{\"id\": 1}\n")
            let job = try await load(cloud, ["sourceUris": ["gs://lake/one.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON",
                                             "schema": Self.eventSchema, "createDisposition": "CREATE_NEVER"])
            #expect(job["status"]?["errorResult"]?["reason"] == "notFound")
            #expect(try await cloud.call("GET", BQ.table("lake", "events")).status == 404)
        }
    }

    @Test func tooManyBadRecordsChangeNothing() async throws {
        try await withLake { cloud in
            try await upload(cloud, "mixed.json", "{\"id\": 1}\n{\"id\": \"x\"}\n{\"id\": 3}\n")
            let config: [String: JSON] = ["sourceUris": ["gs://lake/mixed.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": Self.eventSchema]
            let failed = try await load(cloud, config)
            #expect(failed["status"]?["errorResult"]?["reason"] == "invalid")
            #expect(failed["status"]?["errorResult"]?["message"]?.stringValue?.contains("too many errors") == true)
            // All or nothing: the table the load would have created does not exist.
            #expect(try await cloud.call("GET", BQ.table("lake", "events")).status == 404)

            var tolerant = config
            tolerant["maxBadRecords"] = 1
            let done = try await load(cloud, tolerant)
            #expect(done["status"]?["errorResult"] == nil)
            #expect(done["status"]?["errors"]?.arrayValue?.count == 1)
            #expect(done["statistics"]?["load"]?["badRecords"] == "1")
            #expect(try await rows(cloud) == [["1", nil], ["3", nil]])
        }
    }

    @Test func newFieldsNeedAllowFieldAddition() async throws {
        try await withLake { cloud in
            try await upload(cloud, "one.json", "{\"id\": 1}\n")
            try await upload(cloud, "wider.json", "{\"id\": 2, \"kind\": \"x\", \"extra\": true}\n")
            _ = try await load(cloud, ["sourceUris": ["gs://lake/one.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": Self.eventSchema])
            let wider = BQ.schema(BQ.field("id", "INTEGER", mode: "REQUIRED"), BQ.field("kind", "STRING"), BQ.field("extra", "BOOLEAN"))
            var config: [String: JSON] = ["sourceUris": ["gs://lake/wider.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": wider]
            let refused = try await load(cloud, config)
            let message = "Provided Schema does not match Table \(BQ.project):lake.events. Cannot add fields (field: extra)."
            #expect(refused["status"]?["errorResult"]?["message"]?.stringValue == message)
            config["schemaUpdateOptions"] = ["ALLOW_FIELD_ADDITION"]
            let added = try await load(cloud, config)
            #expect(added["status"]?["errorResult"] == nil)
            #expect(try await rows(cloud) == [["1", nil, nil], ["2", "x", "true"]])
        }
    }

    @Test func aMissingSourceFailsTheJobNamingTheURI() async throws {
        try await withLake { cloud in
            try await upload(cloud, "one.json", "{\"id\": 1}\n")
            let job = try await load(cloud, ["sourceUris": ["gs://lake/nope.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": Self.eventSchema])
            #expect(job["status"]?["errorResult"] == ["reason": "notFound", "message": "Not found: URI gs://lake/nope.json"])
        }
    }

    @Test func aWildcardLoadsEveryMatchingObject() async throws {
        try await withLake { cloud in
            try await upload(cloud, "part-1.json", "{\"id\": 1}\n")
            try await upload(cloud, "part-2.json", "{\"id\": 2}\n")
            let job = try await load(cloud, ["sourceUris": ["gs://lake/part-*"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": Self.eventSchema])
            #expect(job["statistics"]?["load"]?["inputFiles"] == "2")
            #expect(try await rows(cloud).count == 2)
        }
    }

    @Test func aNewTableTakesTheLoadsTimePartitioning() async throws {
        try await withLake { cloud in
            try await upload(cloud, "one.json", "{\"id\": 1}\n")
            _ = try await load(cloud, ["sourceUris": ["gs://lake/one.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": Self.eventSchema,
                                       "timePartitioning": ["type": "DAY"]])
            #expect(try await cloud.call("GET", BQ.table("lake", "events")).body["timePartitioning"]?["type"] == "DAY")
        }
    }

    @Test func jobsAreGotListedCancelledAndDeleted() async throws {
        try await withLake { cloud in
            try await upload(cloud, "one.json", "{\"id\": 1}\n")
            let config: [String: JSON] = ["sourceUris": ["gs://lake/one.json"], "sourceFormat": "NEWLINE_DELIMITED_JSON", "schema": Self.eventSchema]
            _ = try await load(cloud, config, jobID: "load_1")
            let (duplicateStatus, duplicate) = try await cloud.call("POST", Self.jobs, [
                "jobReference": ["projectId": .string(BQ.project), "jobId": "load_1"], "configuration": ["load": .object(config)],
            ])
            #expect(duplicateStatus == 409)
            #expect(duplicate.errorReason == "duplicate")
            let got = try await cloud.call("GET", Self.jobs + "/load_1").body
            #expect(got["jobReference"]?["jobId"] == "load_1")
            let list = try await cloud.call("GET", Self.jobs).body
            #expect(list["jobs"]?.arrayValue?.map { $0["jobReference"]?["jobId"] } == ["load_1"])
            #expect(list["jobs"]?[0]?["state"] == "DONE")
            let cancel = try await cloud.call("POST", Self.jobs + "/load_1/cancel").body
            #expect(cancel["job"]?["status"]?["state"] == "DONE")
            #expect(try await cloud.call("DELETE", Self.jobs + "/load_1/delete").status == 204)
            let (missing, body) = try await cloud.call("GET", Self.jobs + "/load_1")
            #expect(missing == 404)
            #expect(body.errorReason == "notFound")
        }
    }

    @Test func extractJobsAreNotImplementedYet() async throws {
        try await withLake { cloud in
            let (status, body) = try await cloud.call("POST", Self.jobs, ["configuration": ["extract": [
                "sourceTable": ["projectId": .string(BQ.project), "datasetId": "lake", "tableId": "a"], "destinationUris": ["gs://lake/a.csv"],
            ]]])
            #expect(status == 501)
            #expect(body.errorReason == "notImplemented")
        }
    }
}
