import TerraceJSON
import Testing

/// Query jobs with `configuration.query.destinationTable`: the result rows written to a table
/// under the query's write and create dispositions.
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobConfigurationQuery
struct BigQueryQueryDestinationTests {
    /// A dataset `shop` with `orders` (id, customer) holding ids 1–3.
    private func withShop(_ body: (TestCloud) async throws -> Void) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "shop")
            try await BQ.createTable(cloud, "shop", "orders", ["schema": BQ.schema(BQ.field("id", "INTEGER"), BQ.field("customer", "STRING"))])
            _ = try await cloud.call("POST", BQ.table("shop", "orders") + "/insertAll", ["rows": [
                ["json": ["id": 1, "customer": "ann"]], ["json": ["id": 2, "customer": "bob"]], ["json": ["id": 3, "customer": "ann"]],
            ]])
            try await body(cloud)
        }
    }

    /// Runs `sql` as a query job writing to `shop.<table>` with `extra` settings; the job once DONE.
    private func query(_ cloud: TestCloud, _ sql: String, into table: String, _ extra: [String: JSON] = [:]) async throws -> JSON {
        var query = extra
        query["query"] = .string(sql)
        query["useLegacySql"] = false
        query["destinationTable"] = ["projectId": .string(BQ.project), "datasetId": "shop", "tableId": .string(table)]
        return try await BQ.runJob(cloud, ["query": .object(query)])
    }

    private func rows(_ answer: JSON) -> [[JSON]] {
        (answer["rows"]?.arrayValue ?? []).map { ($0["f"]?.arrayValue ?? []).map { $0["v"] ?? .null } }
    }

    private func tableRows(_ cloud: TestCloud, _ table: String) async throws -> [[JSON]] {
        rows(try await cloud.call("GET", BQ.table("shop", table) + "/data").body)
    }

    @Test func theResultRowsAndSchemaMakeANewTable() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT customer, COUNT(*) AS n FROM shop.orders GROUP BY customer ORDER BY customer", into: "totals")
            #expect(job["status"] == ["state": "DONE"], "\(job)")
            let table = try await cloud.call("GET", BQ.table("shop", "totals")).body
            #expect(table["schema"] == BQ.schema(BQ.field("customer", "STRING", mode: "NULLABLE"), BQ.field("n", "INTEGER", mode: "NULLABLE")))
            #expect(table["numRows"] == "2")
            #expect(try await tableRows(cloud, "totals") == [["ann", "2"], ["bob", "1"]])
        }
    }

    @Test func theResultsAreAlsoReadThroughGetQueryResults() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT id FROM shop.orders ORDER BY id", into: "ids")
            let id = try #require(job["jobReference"]?["jobId"]?.stringValue)
            let results = try await cloud.call("GET", "/bigquery/v2/projects/\(BQ.project)/queries/\(id)").body
            #expect(results["jobComplete"] == true)
            #expect(rows(results) == [["1"], ["2"], ["3"]])
            #expect(job["configuration"]?["query"]?["destinationTable"]?["tableId"] == "ids")
        }
    }

    /// WRITE_EMPTY is a query's default: a destination holding rows fails the job `duplicate`.
    @Test func writeEmptyIsTheDefaultAndRefusesATableWithRows() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT 9 AS id, 'zed' AS customer", into: "orders")
            #expect(job["status"]?["errorResult"]?["reason"] == "duplicate")
            #expect(try await tableRows(cloud, "orders").count == 3)
        }
    }

    /// getQueryResults of a job that failed `duplicate` answers 409, as jobs.get's error does
    /// (Google's client maps either to Conflict, whichever it polls first).
    @Test func getQueryResultsOfADuplicateFailureIsAConflict() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT 9 AS id, 'zed' AS customer", into: "orders")
            let jobID = job["jobReference"]?["jobId"]?.stringValue ?? ""
            let (status, answer) = try await cloud.call("GET", "/bigquery/v2/projects/\(BQ.project)/queries/\(jobID)")
            #expect(status == 409)
            #expect(answer["error"]?["errors"]?[0]?["reason"] == "duplicate")
        }
    }

    @Test func writeAppendAddsTheRowsByColumnName() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT 'zed' AS customer, 9 AS id", into: "orders", ["writeDisposition": "WRITE_APPEND"])
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await tableRows(cloud, "orders").last == ["9", "zed"])
            #expect(try await cloud.call("GET", BQ.table("shop", "orders")).body["numRows"] == "4")
        }
    }

    @Test func writeTruncateReplacesTheRowsAndTheSchema() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT 'only' AS note", into: "orders", ["writeDisposition": "WRITE_TRUNCATE"])
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await cloud.call("GET", BQ.table("shop", "orders")).body["schema"] == BQ.schema(BQ.field("note", "STRING", mode: "NULLABLE")))
            #expect(try await tableRows(cloud, "orders") == [["only"]])
        }
    }

    @Test func appendingAResultOfAnotherTypeIsInvalidAndChangesNothing() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT 'x' AS id, 'y' AS customer", into: "orders", ["writeDisposition": "WRITE_APPEND"])
            #expect(job["status"]?["errorResult"]?["reason"] == "invalid")
            #expect(job["status"]?["errorResult"]?["message"]
                == .string("Provided Schema does not match Table \(BQ.project):shop.orders. Field id has changed type from INTEGER to STRING"))
            #expect(try await tableRows(cloud, "orders").count == 3)
        }
    }

    /// Query results are NULLABLE: appending them to a REQUIRED column needs ALLOW_FIELD_RELAXATION.
    @Test func appendingToARequiredColumnNeedsFieldRelaxation() async throws {
        try await withShop { cloud in
            try await BQ.createTable(cloud, "shop", "strict", ["schema": BQ.schema(BQ.field("id", "INTEGER", mode: "REQUIRED"))])
            let refused = try await query(cloud, "SELECT 1 AS id", into: "strict", ["writeDisposition": "WRITE_APPEND"])
            #expect(refused["status"]?["errorResult"]?["message"]?.stringValue?.hasSuffix("Field id has changed mode from REQUIRED to NULLABLE") == true)
            let relaxed = try await query(cloud, "SELECT 1 AS id", into: "strict", ["writeDisposition": "WRITE_APPEND",
                                                                                   "schemaUpdateOptions": ["ALLOW_FIELD_RELAXATION"]])
            #expect(relaxed["status"]?["errorResult"] == nil, "\(relaxed)")
            #expect(try await cloud.call("GET", BQ.table("shop", "strict")).body["schema"]?["fields"]?[0]?["mode"] == "NULLABLE")
        }
    }

    @Test func createNeverOnAMissingTableIsNotFound() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT 1 AS x", into: "missing", ["createDisposition": "CREATE_NEVER"])
            #expect(job["status"]?["errorResult"] == ["reason": "notFound", "message": .string("Not found: Table \(BQ.project):shop.missing")])
        }
    }

    @Test func aNewDestinationTakesTheConfiguredPartitioning() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT DATE '2024-01-02' AS day, 1 AS n", into: "daily", ["timePartitioning": ["type": "DAY", "field": "day"]])
            #expect(job["status"]?["errorResult"] == nil, "\(job)")
            #expect(try await cloud.call("GET", BQ.table("shop", "daily")).body["timePartitioning"] == ["type": "DAY", "field": "day"])
        }
    }

    @Test func duplicateResultColumnNamesCannotMakeATable() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "SELECT id, id FROM shop.orders", into: "twice")
            #expect(job["status"]?["errorResult"]?["reason"] == "invalid")
            #expect(try await cloud.call("GET", BQ.table("shop", "twice")).status == 404)
        }
    }

    @Test func aStatementOtherThanAQueryCannotHaveADestination() async throws {
        try await withShop { cloud in
            let job = try await query(cloud, "DELETE FROM shop.orders WHERE true", into: "gone")
            #expect(job["status"]?["errorResult"]?["reason"] == "invalid")
            #expect(try await tableRows(cloud, "orders").count == 3)
        }
    }
}
