import Testing
import TerraceJSON

@Suite("BigQuery tables")
struct BigQueryTableTests {
    @Test func createdTableHasBigQuerysFieldsAndIsReadBack() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d", ["location": "EU"])
            let created = try await BQ.createTable(cloud, "d", "events", [
                "schema": BQ.schema(BQ.field("id", "STRING", mode: "REQUIRED"), BQ.field("n", "INTEGER")),
                "description": "Events", "friendlyName": "E", "labels": ["k": "v"],
            ])
            #expect(created["kind"] == "bigquery#table")
            #expect(created["id"] == "proj-test:d.events")
            #expect(created["tableReference"] == ["projectId": "proj-test", "datasetId": "d", "tableId": "events"])
            #expect(created["type"] == "TABLE")
            #expect(created["location"] == "EU")
            #expect(created["numRows"] == "0")
            #expect(created["numBytes"] == "0")
            #expect(created["creationTime"] == "1767225600000")
            #expect(created["schema"]?["fields"]?[1] == ["name": "n", "type": "INTEGER", "mode": "NULLABLE"])
            let (status, fetched) = try await cloud.call("GET", BQ.table("d", "events"))
            #expect(status == 200)
            #expect(fetched == created)
        }
    }

    @Test func nestedRepeatedRecordSchemaIsKeptWithLegacyTypeNames() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let schema = BQ.schema(
                BQ.field("id", "INT64"),
                BQ.field("ok", "BOOL"),
                BQ.field("score", "FLOAT64"),
                BQ.field("items", "STRUCT", mode: "REPEATED", fields: [
                    BQ.field("sku", "STRING"),
                    BQ.field("tags", "STRING", mode: "REPEATED"),
                    BQ.field("price", "RECORD", fields: [BQ.field("amount", "NUMERIC"), BQ.field("currency", "STRING")]),
                ]))
            let created = try await BQ.createTable(cloud, "d", "t", ["schema": schema])
            let fields = created["schema"]?["fields"]
            #expect(fields?[0]?["type"] == "INTEGER")
            #expect(fields?[1]?["type"] == "BOOLEAN")
            #expect(fields?[2]?["type"] == "FLOAT")
            #expect(fields?[3]?["type"] == "RECORD")
            #expect(fields?[3]?["mode"] == "REPEATED")
            #expect(fields?[3]?["fields"]?[1] == ["name": "tags", "type": "STRING", "mode": "REPEATED"])
            #expect(fields?[3]?["fields"]?[2]?["fields"]?[0] == ["name": "amount", "type": "NUMERIC", "mode": "NULLABLE"])
        }
    }

    @Test(arguments: [
        BQ.schema(BQ.field("bad-name", "STRING")),
        BQ.schema(BQ.field("1st", "STRING")),
        BQ.schema(BQ.field("a", "STRING"), BQ.field("A", "INTEGER")),
        BQ.schema(BQ.field("a", "VARCHAR")),
        BQ.schema(BQ.field("a", "STRING", mode: "OPTIONAL")),
        BQ.schema(BQ.field("r", "RECORD")),
        BQ.schema(BQ.field("s", "STRING", fields: [BQ.field("x", "STRING")])),
        BQ.schema(BQ.field("r", "RECORD", fields: [BQ.field("x", "STRING"), BQ.field("X", "STRING")])),
        BQ.schema(BQ.field(String(repeating: "a", count: 301), "STRING")),
    ])
    func badSchemaIsInvalidAndNothingIsStored(schema: JSON) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let (status, body) = try await cloud.call("POST", BQ.tables("d"), BQ.tableBody("d", "t", ["schema": schema]))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).status == 404)
        }
    }

    @Test func emptyTableIdIsInvalidAndNothingIsStored() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let (status, body) = try await cloud.call("POST", BQ.tables("d"), BQ.tableBody("d", ""))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            let (_, list) = try await cloud.call("GET", BQ.tables("d"))
            #expect(list["totalItems"] == 0)
        }
    }

    @Test func creatingAnExistingTableIsADuplicate() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let first = try await BQ.createTable(cloud, "d", "t", ["description": "first"])
            let (status, body) = try await cloud.call("POST", BQ.tables("d"), BQ.tableBody("d", "t", ["description": "second"]))
            #expect(status == 409)
            #expect(body.errorReason == "duplicate")
            #expect(body["error"]?["message"] == "Already Exists: Table proj-test:d.t")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).body == first)
        }
    }

    @Test func missingTableAndMissingDatasetAreNotFound() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let (status, body) = try await cloud.call("GET", BQ.table("d", "nope"))
            #expect(status == 404)
            #expect(body.errorReason == "notFound")
            #expect(body["error"]?["message"] == "Not found: Table proj-test:d.nope")
            let (status2, body2) = try await cloud.call("POST", BQ.tables("gone"), BQ.tableBody("gone", "t"))
            #expect(status2 == 404)
            #expect(body2["error"]?["message"] == "Not found: Dataset proj-test:gone")
            let (status3, body3) = try await cloud.call("GET", BQ.table("gone", "t"))
            #expect(status3 == 404)
            #expect(body3["error"]?["message"] == "Not found: Dataset proj-test:gone")
        }
    }

    @Test func timePartitioningAndClusteringAreStored() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "t", [
                "schema": BQ.schema(BQ.field("ts", "TIMESTAMP"), BQ.field("country", "STRING"), BQ.field("id", "INT64")),
                "timePartitioning": ["type": "DAY", "field": "ts", "expirationMs": 86_400_000, "requirePartitionFilter": true],
                "clustering": ["fields": ["country", "id"]],
            ])
            #expect(created["timePartitioning"] == ["type": "DAY", "field": "ts", "expirationMs": "86400000", "requirePartitionFilter": true])
            #expect(created["clustering"] == ["fields": ["country", "id"]])
        }
    }

    @Test func rangePartitioningIsStoredWithInt64Strings() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "t", [
                "schema": BQ.schema(BQ.field("bucket", "INTEGER")),
                "rangePartitioning": ["field": "bucket", "range": ["start": 0, "end": "100", "interval": 10]],
            ])
            #expect(created["rangePartitioning"] == ["field": "bucket", "range": ["start": "0", "end": "100", "interval": "10"]])
        }
    }

    @Test(arguments: [
        ["clustering": ["fields": ["missing"]]] as JSON,
        ["clustering": ["fields": ["a", "b", "c", "d", "e"]]],
        ["timePartitioning": ["type": "WEEK"]],
        ["timePartitioning": ["type": "DAY", "field": "a"]],
        ["rangePartitioning": ["field": "a", "range": ["start": "0", "end": "10", "interval": "1"]]],
        ["rangePartitioning": ["field": "n", "range": ["start": "10", "end": "0", "interval": "1"]]],
    ])
    func badPartitioningOrClusteringIsInvalidAndNothingIsStored(extra: JSON) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            var fields = extra.objectValue ?? [:]
            fields["schema"] = BQ.schema(BQ.field("a", "STRING"), BQ.field("b", "STRING"), BQ.field("c", "STRING"),
                                         BQ.field("d", "STRING"), BQ.field("e", "STRING"), BQ.field("n", "INTEGER"))
            let (status, body) = try await cloud.call("POST", BQ.tables("d"), BQ.tableBody("d", "t", fields))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).status == 404)
        }
    }

    @Test func viewIsTypeViewAndKeepsItsQueryAndDialect() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "v", [
                "view": ["query": "SELECT 1 AS x", "useLegacySql": false],
            ])
            #expect(created["type"] == "VIEW")
            #expect(created["view"] == ["query": "SELECT 1 AS x", "useLegacySql": false])
            #expect(created["numRows"] == nil)
            let (_, list) = try await cloud.call("GET", BQ.tables("d"))
            #expect(list["tables"]?[0]?["type"] == "VIEW")
            #expect(list["tables"]?[0]?["view"] == ["useLegacySql": false])
        }
    }

    @Test func aViewsSchemaIsItsQuerysColumnsWithTheDescriptionsGiven() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "v", [
                "view": ["query": "SELECT 1 AS id, 'a' AS name, [2.5] AS scores", "useLegacySql": false],
                "schema": ["fields": [["name": "ID", "type": "INTEGER", "description": "The key."]]],
            ])
            #expect(created["schema"] == ["fields": [
                ["name": "id", "type": "INTEGER", "mode": "NULLABLE", "description": "The key."],
                ["name": "name", "type": "STRING", "mode": "NULLABLE"],
                ["name": "scores", "type": "FLOAT", "mode": "REPEATED"],
            ]])
            let (status, patched) = try await cloud.call("PATCH", BQ.table("d", "v"), [
                "schema": ["fields": [["name": "id", "type": "INTEGER"], ["name": "name", "type": "STRING", "description": "A label."]]],
            ])
            #expect(status == 200, "\(patched)")
            #expect(patched["schema"]?["fields"]?[0]?["description"] == nil)
            #expect(patched["schema"]?["fields"]?[1]?["description"] == "A label.")
        }
    }

    @Test func describingAColumnAViewDoesNotHaveIsInvalid() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let (status, body) = try await cloud.call("POST", BQ.tables("d"), BQ.tableBody("d", "v", [
                "view": ["query": "SELECT 1 AS id", "useLegacySql": false], "schema": ["fields": [["name": "nope", "type": "STRING", "description": "?"]]],
            ]))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
        }
    }

    @Test func viewWithoutAQueryIsInvalid() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let (status, body) = try await cloud.call("POST", BQ.tables("d"), BQ.tableBody("d", "v", ["view": ["query": "  "]]))
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.table("d", "v")).status == 404)
        }
    }

    @Test func patchAddingAColumnAndRelaxingRequiredIsAllowed() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "t", ["schema": BQ.schema(BQ.field("id", "STRING", mode: "REQUIRED"))])
            let (status, patched) = try await cloud.call("PATCH", BQ.table("d", "t"), [
                "schema": BQ.schema(BQ.field("id", "STRING", mode: "NULLABLE"), BQ.field("extra", "INT64")),
            ])
            #expect(status == 200)
            #expect(patched["schema"]?["fields"] == [
                ["name": "id", "type": "STRING", "mode": "NULLABLE"], ["name": "extra", "type": "INTEGER", "mode": "NULLABLE"],
            ])
            #expect(patched["etag"] != created["etag"])
        }
    }

    @Test(arguments: [
        BQ.schema(BQ.field("id", "STRING")),
        BQ.schema(BQ.field("id", "STRING"), BQ.field("n", "STRING")),
        BQ.schema(BQ.field("id", "STRING"), BQ.field("n", "INTEGER"), BQ.field("must", "STRING", mode: "REQUIRED")),
        BQ.schema(BQ.field("id", "STRING", mode: "REQUIRED"), BQ.field("n", "INTEGER")),
        BQ.schema(BQ.field("ID", "STRING"), BQ.field("n", "INTEGER")),
    ])
    func patchDroppingRetypingOrTighteningAColumnIsInvalid(schema: JSON) async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "t", ["schema": BQ.schema(BQ.field("id", "STRING"), BQ.field("n", "INTEGER"))])
            let (status, body) = try await cloud.call("PATCH", BQ.table("d", "t"), ["schema": schema])
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).body == created)
        }
    }

    @Test func droppingAColumnNamesIt() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t", ["schema": BQ.schema(BQ.field("id", "STRING"), BQ.field("gone", "INTEGER"))])
            let (_, body) = try await cloud.call("PUT", BQ.table("d", "t"), BQ.tableBody("d", "t", ["schema": BQ.schema(BQ.field("id", "STRING"))]))
            #expect(body["error"]?["message"]?.stringValue?.contains("gone") == true)
        }
    }

    @Test func patchMergesAndUpdateReplacesTableFields() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t", ["description": "x", "friendlyName": "T", "labels": ["a": "1"]])
            let (_, patched) = try await cloud.call("PATCH", BQ.table("d", "t"), ["description": "y", "labels": ["a": nil]])
            #expect(patched["description"] == "y")
            #expect(patched["friendlyName"] == "T")
            #expect(patched["labels"] == nil)
            let (_, updated) = try await cloud.call("PUT", BQ.table("d", "t"), BQ.tableBody("d", "t", ["description": "z"]))
            #expect(updated["description"] == "z")
            #expect(updated["friendlyName"] == nil)
        }
    }

    @Test func staleIfMatchOnTableUpdateFailsThePrecondition() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "t")
            let (_, patched) = try await cloud.call("PATCH", BQ.table("d", "t"), ["description": "one"])
            let (status, body) = try await cloud.call("PATCH", BQ.table("d", "t"), ["description": "two"],
                                                      headers: [("If-Match", created["etag"]?.stringValue ?? "")])
            #expect(status == 412)
            #expect(body.errorReason == "conditionNotMet")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).body == patched)
        }
    }

    @Test func changingPartitioningIsInvalid() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            let created = try await BQ.createTable(cloud, "d", "t", ["schema": BQ.schema(BQ.field("ts", "TIMESTAMP")),
                                                                     "timePartitioning": ["type": "DAY"]])
            let (status, body) = try await cloud.call("PATCH", BQ.table("d", "t"), ["timePartitioning": ["type": "HOUR"]])
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            #expect(try await cloud.call("GET", BQ.table("d", "t")).body == created)
            let (okStatus, ok) = try await cloud.call("PATCH", BQ.table("d", "t"), ["timePartitioning": ["expirationMs": "3600000"]])
            #expect(okStatus == 200)
            #expect(ok["timePartitioning"] == ["type": "DAY", "expirationMs": "3600000"])
        }
    }

    @Test func datasetDefaultExpirationAppliesAndExpiredTablesDisappear() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d", ["defaultTableExpirationMs": "3600000"])
            let created = try await BQ.createTable(cloud, "d", "t")
            #expect(created["expirationTime"] == "1767229200000")
            cloud.clock.advance(seconds: 3600)
            #expect(try await cloud.call("GET", BQ.table("d", "t")).status == 404)
            #expect(try await cloud.call("DELETE", BQ.dataset("d")).status == 204)
        }
    }

    @Test func datasetDefaultPartitionExpirationIsInherited() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d", ["defaultPartitionExpirationMs": "86400000"])
            let created = try await BQ.createTable(cloud, "d", "t", ["timePartitioning": ["type": "DAY"]])
            #expect(created["timePartitioning"] == ["type": "DAY", "expirationMs": "86400000"])
        }
    }

    @Test func selectedFieldsNarrowsTheReturnedSchema() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t", ["schema": BQ.schema(BQ.field("a", "STRING"), BQ.field("b", "STRING"),
                                                                            BQ.field("c", "STRING"))])
            let (_, table) = try await cloud.call("GET", BQ.table("d", "t") + "?selectedFields=a,c")
            #expect((table["schema"]?["fields"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue } == ["a", "c"])
        }
    }

    @Test func deletedTableIsGone() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            try await BQ.createTable(cloud, "d", "t")
            #expect(try await cloud.call("DELETE", BQ.table("d", "t")).status == 204)
            #expect(try await cloud.call("GET", BQ.table("d", "t")).status == 404)
            #expect(try await cloud.call("DELETE", BQ.table("d", "t")).status == 404)
        }
    }

    @Test func listPagesThroughTablesWithTotalItems() async throws {
        try await withCloud { cloud in
            try await BQ.createDataset(cloud, "d")
            for id in ["t3", "t1", "t5", "t2", "t4"] { try await BQ.createTable(cloud, "d", id) }
            let (_, first) = try await cloud.call("GET", BQ.tables("d") + "?maxResults=3")
            #expect(first["kind"] == "bigquery#tableList")
            #expect(first["totalItems"] == 5)
            #expect(BQ.ids(first, "tables") == ["proj-test:d.t1", "proj-test:d.t2", "proj-test:d.t3"])
            let token = first["nextPageToken"]?.stringValue ?? ""
            let (_, second) = try await cloud.call("GET", BQ.tables("d") + "?maxResults=3&pageToken=\(token)")
            #expect(BQ.ids(second, "tables") == ["proj-test:d.t4", "proj-test:d.t5"])
            #expect(second["nextPageToken"] == nil)
        }
    }
}
