import TerraceJSON
import Testing

/// DDL and DML through jobs.query: what pipelines materialise models with.
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/data-definition-language
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax
struct BigQueryStatementTests: BigQueryStatementSuite {
    @Test func createTableAsSelectMakesATableWithTheQuerysSchemaAndRows() async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.numbers AS SELECT 1 AS n, 'one' AS word UNION ALL SELECT 2, 'two'")
            let table = try await cloud.call("GET", BQ.table("m", "numbers")).body
            #expect(table["schema"]?["fields"]?.arrayValue?.map { $0["type"]?.stringValue ?? "" } == ["INTEGER", "STRING"])
            #expect(table["numRows"] == "2")
            #expect(try await rows(cloud, "SELECT n, word FROM m.numbers ORDER BY n") == [["1", "one"], ["2", "two"]])
            // Again: an existing table is refused unless OR REPLACE, skipped with IF NOT EXISTS.
            let refused = try await run(cloud, "CREATE TABLE m.numbers AS SELECT 3 AS n", status: 409)
            #expect(refused.errorReason == "duplicate")
            try await run(cloud, "CREATE TABLE IF NOT EXISTS m.numbers AS SELECT 3 AS n")
            try await run(cloud, "CREATE OR REPLACE TABLE m.numbers AS SELECT 3 AS n")
            #expect(try await rows(cloud, "SELECT n FROM m.numbers") == [["3"]])
        }
    }

    @Test func aCreateTableAsSelectOfManyRowsKeepsEveryRow() async throws {
        try await withDataset { cloud in
            try await run(cloud, """
                CREATE TABLE m.big AS SELECT (a - 1) * 200 + b AS x, ((a - 1) * 200 + b) * 2 AS y
                FROM UNNEST(GENERATE_ARRAY(1, 300)) AS a CROSS JOIN UNNEST(GENERATE_ARRAY(1, 200)) AS b
                """)
            #expect(try await rows(cloud, "SELECT COUNT(*), SUM(y) FROM m.big") == [["60000", "3600060000"]])
            try await run(cloud, "CREATE TABLE m.small AS SELECT x FROM UNNEST(GENERATE_ARRAY(1, 3)) AS x")
            #expect(try await rows(cloud, "SELECT SUM(x) FROM m.small") == [["6"]])
        }
    }

    @Test func createTableWithAColumnListThenInsertValuesAndSelect() async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.people (id INT64 NOT NULL, name STRING, score FLOAT64)")
            let inserted = try await run(cloud, "INSERT INTO m.people (id, name, score) VALUES (1, 'ann', 2), (2, 'bob', NULL)")
            #expect(inserted["numDmlAffectedRows"] == "2")
            try await run(cloud, "INSERT m.people (id, name) SELECT id + 10, UPPER(name) FROM m.people")
            #expect(try await rows(cloud, "SELECT id, name, score FROM m.people ORDER BY id") ==
                [["1", "ann", "2.0"], ["2", "bob", nil], ["11", "ANN", nil], ["12", "BOB", nil]])
            let table = try await cloud.call("GET", BQ.table("m", "people")).body
            #expect(table["schema"]?["fields"]?[0]?["mode"] == "REQUIRED")
            #expect(table["numRows"] == "4")
        }
    }

    @Test func partitionByAndClusterByAreRecorded() async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.events (event_time TIMESTAMP, kind STRING, user_id INT64) PARTITION BY DATE(event_time) CLUSTER BY kind, user_id")
            let table = try await cloud.call("GET", BQ.table("m", "events")).body
            #expect(table["timePartitioning"] == ["type": "DAY", "field": "event_time"])
            #expect(table["clustering"] == ["fields": ["kind", "user_id"]])
        }
    }

    @Test func tableAndColumnOptionsAreRecorded() async throws {
        try await withDataset { cloud in
            try await run(cloud, """
                CREATE TABLE m.people (id INT64 OPTIONS(description = 'The key.'), name STRING)
                OPTIONS(description = 'People.', friendly_name = 'People', labels = [('layer', 'gold')])
                """)
            let table = try await cloud.call("GET", BQ.table("m", "people")).body
            #expect(table["description"] == "People.")
            #expect(table["friendlyName"] == "People")
            #expect(table["labels"] == ["layer": "gold"])
            #expect(table["schema"]?["fields"]?[0]?["description"] == "The key.")
            #expect(table["schema"]?["fields"]?[1]?["description"] == nil)
            try await run(cloud, "CREATE VIEW m.names OPTIONS(description = 'Names only.') AS SELECT name FROM m.people")
            #expect(try await cloud.call("GET", BQ.table("m", "names")).body["description"] == "Names only.")
        }
    }

    @Test func anOptionTheLocalBigQueryDoesNotKeepIsRefusedNotIgnored() async throws {
        try await withDataset { cloud in
            let refused = try await run(cloud, "CREATE TABLE m.t (id INT64) OPTIONS(kms_key_name = 'k')", status: 400)
            #expect(refused["error"]?["message"]?.stringValue?.contains("kms_key_name") == true, "\(refused)")
            #expect(try await cloud.call("GET", BQ.table("m", "t")).status == 404)
        }
    }

    @Test func insertTypeMismatchesAreRefusedNamingTheTypes() async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.t (id INT64)")
            let answer = try await run(cloud, "INSERT INTO m.t (id) VALUES ('x')", status: 400)
            #expect(answer["error"]?["message"] == "Value has type STRING which cannot be inserted into column of type INT64 at [1:30]")
        }
    }

    @Test func deleteAndUpdateAffectTheMatchingRows() async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.t AS SELECT 1 AS id, 'a' AS v UNION ALL SELECT 2, 'b' UNION ALL SELECT 3, 'c'")
            let deleted = try await run(cloud, "DELETE FROM m.t WHERE id = 2")
            #expect(deleted["numDmlAffectedRows"] == "1")
            let updated = try await run(cloud, "UPDATE m.t SET v = CONCAT(v, '!') WHERE id > 1")
            #expect(updated["numDmlAffectedRows"] == "1")
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "a"], ["3", "c!"]])
            try await run(cloud, "TRUNCATE TABLE m.t")
            #expect(try await rows(cloud, "SELECT COUNT(*) FROM m.t") == [["0"]])
        }
    }

    @Test func viewsAreCreatedQueriedAndDropped() async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.t AS SELECT 1 AS id UNION ALL SELECT 2")
            try await run(cloud, "CREATE VIEW m.evens AS SELECT id FROM m.t WHERE MOD(id, 2) = 0")
            let view = try await cloud.call("GET", BQ.table("m", "evens")).body
            #expect(view["type"] == "VIEW")
            #expect(try await rows(cloud, "SELECT id FROM m.evens") == [["2"]])
            let wrongKind = try await run(cloud, "DROP TABLE m.evens", status: 400)
            #expect(wrongKind["error"]?["message"]?.stringValue?.contains("DROP VIEW") == true)
            try await run(cloud, "DROP VIEW m.evens")
            #expect(try await cloud.call("GET", BQ.table("m", "evens")).status == 404)
            try await run(cloud, "DROP TABLE IF EXISTS m.nothing")
            let missing = try await run(cloud, "DROP TABLE m.nothing", status: 404)
            #expect(missing.errorReason == "notFound")
        }
    }

    @Test func aFailingStatementChangesNothing() async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.t (n INT64)")
            try await run(cloud, "INSERT INTO m.t (n) VALUES (9223372036854775807)")
            // The overflow fails the statement; the table is as it was.
            let failed = try await run(cloud, "INSERT INTO m.t (n) SELECT n + 1 FROM m.t", status: 400)
            #expect(failed["error"]?["message"]?.stringValue?.hasPrefix("int64 overflow") == true)
            #expect(try await rows(cloud, "SELECT COUNT(*) FROM m.t") == [["1"]])
        }
    }
}
