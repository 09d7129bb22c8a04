import Testing
import TerraceJSON

/// tabledata.insertAll and tabledata.list: rows stored with BigQuery's types and answered in its
/// `{"f":[{"v":…}]}` encoding.
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/insertAll
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/tabledata/list
struct BigQueryTableDataTests {
    static let schema = BQ.schema(
        BQ.field("id", "INT64", mode: "REQUIRED"), BQ.field("name", "STRING"), BQ.field("score", "FLOAT64"),
        BQ.field("ok", "BOOL"), BQ.field("at", "TIMESTAMP"), BQ.field("day", "DATE"), BQ.field("amount", "NUMERIC"),
        BQ.field("tags", "STRING", mode: "REPEATED"),
        BQ.field("address", "RECORD", fields: [BQ.field("city", "STRING"), BQ.field("zip", "INTEGER")]))

    private func withTable(_ body: (TestCloud) async throws -> Void) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "shop")
            try await BQ.createTable(cloud, "shop", "orders", ["schema": Self.schema])
            try await body(cloud)
        }
    }

    private func insert(_ cloud: TestCloud, _ rows: [JSON], _ extra: [String: JSON] = [:]) async throws -> (Int, JSON) {
        var body = extra
        body["rows"] = .array(rows)
        return try await cloud.call("POST", BQ.table("shop", "orders") + "/insertAll", .object(body))
    }

    @Test func insertedRowsAreListedAsStringCellsInSchemaOrder() async throws {
        try await withTable { cloud in
            let row: JSON = [
                "id": 1, "name": "Ann", "score": 2.5, "ok": true, "at": "2024-01-31 10:00:00.5 UTC", "day": "2024-2-3",
                "amount": "12.50", "tags": ["a", "b"], "address": ["city": "Oslo", "zip": "150"],
            ]
            let (status, answer) = try await insert(cloud, [["json": row]])
            #expect(status == 200)
            #expect(answer == ["kind": "bigquery#tableDataInsertAllResponse"])
            let (listed, list) = try await cloud.call("GET", BQ.table("shop", "orders") + "/data")
            #expect(listed == 200)
            #expect(list["totalRows"] == "1")
            #expect(list["rows"] == [["f": [
                ["v": "1"], ["v": "Ann"], ["v": "2.5"], ["v": "true"], ["v": "1.7066952005E9"], ["v": "2024-02-03"], ["v": "12.5"],
                ["v": [["v": "a"], ["v": "b"]]], ["v": ["f": [["v": "Oslo"], ["v": "150"]]]],
            ]]])
        }
    }

    @Test func timestampsAreMicrosecondsWithUseInt64Timestamp() async throws {
        try await withTable { cloud in
            _ = try await insert(cloud, [["json": ["id": 1, "at": "2024-01-31T10:00:00.123456Z"]]])
            let (_, list) = try await cloud.call("GET", BQ.table("shop", "orders") + "/data?formatOptions.useInt64Timestamp=true&selectedFields=at")
            #expect(list["rows"] == [["f": [["v": "1706695200123456"]]]])
        }
    }

    @Test func nullsAreNullCellsAndAMissingArrayIsEmpty() async throws {
        try await withTable { cloud in
            _ = try await insert(cloud, [["json": ["id": 7]]])
            let (_, list) = try await cloud.call("GET", BQ.table("shop", "orders") + "/data?selectedFields=id,name,tags,address")
            #expect(list["rows"] == [["f": [["v": "7"], ["v": nil], ["v": []], ["v": nil]]]])
        }
    }

    @Test func anInvalidRowStopsTheOthersUnlessSkipInvalidRows() async throws {
        try await withTable { cloud in
            let rows: [JSON] = [["json": ["id": 1]], ["json": ["id": "one"]], ["json": ["name": "no id"]]]
            let (status, answer) = try await insert(cloud, rows)
            #expect(status == 200)
            let errors = try #require(answer["insertErrors"]?.arrayValue)
            #expect(errors.map { $0["index"]?.intValue } == [0, 1, 2])
            #expect(errors[0]["errors"]?[0]?["reason"] == "stopped")
            #expect(errors[1]["errors"]?[0]?["reason"] == "invalid")
            #expect(errors[1]["errors"]?[0]?["location"] == "id")
            #expect(errors[2]["errors"]?[0]?["message"] == "Missing required field: id.")
            #expect(try await cloud.call("GET", BQ.table("shop", "orders") + "/data").body["totalRows"] == "0")

            let (_, skipped) = try await insert(cloud, rows, ["skipInvalidRows": true])
            #expect(skipped["insertErrors"]?.arrayValue?.count == 2)
            #expect(try await cloud.call("GET", BQ.table("shop", "orders") + "/data").body["totalRows"] == "1")
        }
    }

    @Test func unknownFieldsAreErrorsUnlessIgnored() async throws {
        try await withTable { cloud in
            let (_, refused) = try await insert(cloud, [["json": ["id": 1, "colour": "red"]]])
            #expect(refused["insertErrors"]?[0]?["errors"]?[0]?["message"] == "no such field: colour.")
            let (_, accepted) = try await insert(cloud, [["json": ["id": 1, "colour": "red"]]], ["ignoreUnknownValues": true])
            #expect(accepted["insertErrors"] == nil)
        }
    }

    @Test func aRetriedInsertIDIsStoredOnce() async throws {
        try await withTable { cloud in
            let row: JSON = ["insertId": "abc", "json": ["id": 1]]
            _ = try await insert(cloud, [row, row])
            _ = try await insert(cloud, [row])
            #expect(try await cloud.call("GET", BQ.table("shop", "orders") + "/data").body["totalRows"] == "1")
            // After the de-duplication window, the same id is a new row.
            cloud.clock.advance(seconds: 61)
            _ = try await insert(cloud, [row])
            #expect(try await cloud.call("GET", BQ.table("shop", "orders") + "/data").body["totalRows"] == "2")
        }
    }

    @Test func listingPagesWithMaxResultsAndPageToken() async throws {
        try await withTable { cloud in
            _ = try await insert(cloud, (1...5).map { ["json": ["id": .int(Int64($0))]] })
            let (_, first) = try await cloud.call("GET", BQ.table("shop", "orders") + "/data?maxResults=2&selectedFields=id")
            #expect(first["rows"] == [["f": [["v": "1"]]], ["f": [["v": "2"]]]])
            let token = try #require(first["pageToken"]?.stringValue)
            let (_, second) = try await cloud.call("GET", BQ.table("shop", "orders") + "/data?maxResults=10&selectedFields=id&pageToken=\(token)")
            #expect(second["rows"]?.arrayValue?.count == 3)
            #expect(second["pageToken"] == nil)
            let (_, from) = try await cloud.call("GET", BQ.table("shop", "orders") + "/data?startIndex=4&selectedFields=id")
            #expect(from["rows"] == [["f": [["v": "5"]]]])
        }
    }

    @Test func insertsUpdateNumRowsAndNumBytes() async throws {
        try await withTable { cloud in
            _ = try await insert(cloud, [["json": ["id": 1, "name": "Ann", "ok": true]]])
            let table = try await cloud.call("GET", BQ.table("shop", "orders")).body
            #expect(table["numRows"] == "1")
            // INT64 8 + STRING 2 + 3 + BOOL 1 (logical sizes: https://cloud.google.com/bigquery/pricing#data)
            #expect(table["numBytes"] == "14")
        }
    }

    @Test func aDeletedTableDoesNotKeepItsRows() async throws {
        try await withTable { cloud in
            _ = try await insert(cloud, [["json": ["id": 1]]])
            #expect(try await cloud.call("DELETE", BQ.table("shop", "orders")).status == 204)
            try await BQ.createTable(cloud, "shop", "orders", ["schema": Self.schema])
            #expect(try await cloud.call("GET", BQ.table("shop", "orders") + "/data").body["totalRows"] == "0")
        }
    }

    @Test func rowsSurviveARestart() async throws {
        let directory = makeTemporaryDirectory()
        try await withCloud(directory: directory, keepData: true) { cloud in
            try await BQ.createDataset(cloud, "shop")
            try await BQ.createTable(cloud, "shop", "orders", ["schema": Self.schema])
            _ = try await insert(cloud, [["json": ["id": 3, "name": "Bo"]]])
        }
        try await withCloud(directory: directory) { cloud in
            let (_, list) = try await cloud.call("GET", BQ.table("shop", "orders") + "/data?selectedFields=id,name")
            #expect(list["rows"] == [["f": [["v": "3"], ["v": "Bo"]]]])
        }
    }

    @Test func aMissingTableIsNotFound() async throws {
        try await withTable { cloud in
            let (status, body) = try await cloud.call("GET", BQ.table("shop", "nope") + "/data")
            #expect(status == 404)
            #expect(body.errorReason == "notFound")
        }
    }
}
