import Testing
import TerraceJSON
import TerracePipelines

/// Write dispositions, idempotent re-runs, schema evolution and contracts, and failures that
/// leave the bronze table as it was.
@Suite(.serialized)
struct BronzeLoadingTests {
    func items(_ h: BronzeHarness, disposition: WriteDisposition, version: Int = 1, columns: [Column]? = nil,
               contract: SchemaContract = .evolve) -> Source {
        .http("items", h.http("/evolve/items?version=\(version)"), columns: columns, contract: contract, disposition: disposition)
    }

    @Test func appendAddsEachRunAndRunningARunAgainReplacesWhatItAdded() async throws {
        try await BronzeHarness.with { h in
            await h.succeed(items(h, disposition: .append))
            await h.succeed(items(h, disposition: .append))
            try await h.expectCount("items", 20)
            await h.succeed(items(h, disposition: .append), h.options(date: "2024-03-02"))
            try await h.expectCount("items", 40)
            let runs = try await h.rows("SELECT COUNT(DISTINCT _run_id) FROM bronze.items")
            #expect(runs == [["2"]])
        }
    }

    @Test func replaceMakesTheTableTheRunsRecords() async throws {
        try await BronzeHarness.with { h in
            await h.succeed(.http("items", h.http("/offset/items", pagination: .offset(limit: 100, total: "total")), disposition: .replace))
            try await h.expectCount("items", FixtureAPI.count)
            await h.succeed(items(h, disposition: .replace), h.options(date: "2024-03-02"))
            try await h.expectCount("items", 20)
        }
    }

    @Test func mergeUpsertsOnThePrimaryKey() async throws {
        try await BronzeHarness.with { h in
            await h.succeed(.http("items", h.http("/offset/items", pagination: .offset(limit: 100, total: "total")),
                                  disposition: .merge(primaryKey: ["id"])))
            await h.succeed(items(h, disposition: .merge(primaryKey: ["id"]), version: 2), h.options(date: "2024-03-02"))
            try await h.expectCount("items", FixtureAPI.count)
            let colors = try await h.rows("SELECT COUNTIF(color IS NOT NULL), COUNT(DISTINCT _run_id) FROM bronze.items")
            #expect(colors == [["20", "2"]])
        }
    }

    @Test func periodicKeepsOneDatedCopyPerLogicalDate() async throws {
        try await BronzeHarness.with { h in
            await h.succeed(items(h, disposition: .periodic))
            await h.succeed(items(h, disposition: .periodic), h.options(date: "2024-04-01"))
            await h.succeed(items(h, disposition: .periodic), h.options(date: "2024-04-01"))
            let dates = try await h.rows("SELECT CAST(_snapshot_date AS STRING), COUNT(*) FROM bronze.items GROUP BY 1 ORDER BY 1")
            #expect(dates == [["2024-03-01", "20"], ["2024-04-01", "20"]])
            let (_, table) = try await h.cloud.call("GET", BQ.table(BronzeHarness.dataset, "items"))
            #expect(table["timePartitioning"]?["field"] == "_snapshot_date")
        }
    }

    @Test func aNewFieldOnALaterRunBecomesANewColumn() async throws {
        try await BronzeHarness.with { h in
            await h.succeed(items(h, disposition: .append))
            await h.succeed(items(h, disposition: .append, version: 2), h.options(date: "2024-03-02"))
            let rows = try await h.rows("SELECT COUNT(*), COUNT(color) FROM bronze.items")
            #expect(rows == [["40", "20"]])
        }
    }

    @Test func aTypeConflictWithTheTableNamesFieldAndRunAndChangesNothing() async throws {
        try await BronzeHarness.with { h in
            await h.succeed(items(h, disposition: .append))
            let result = await h.run(items(h, disposition: .append, version: 3), h.options(date: "2024-03-02"))
            #expect(result.status == .error)
            #expect(result.error?.contains("has field price as STRING, but the bronze table has it as FLOAT") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("run \(result.runID)") == true)
            #expect(result.error?.contains("(e.g. {") == true)
            #expect(result.error?.contains("\"price\":\"expensive\"") == true)
            try await h.expectCount("items", 20)
        }
    }

    @Test func aTypeChangeWithinARunNamesTheFieldAndASampleRecord() async throws {
        try await BronzeHarness.with { h in
            let source = Source.http("items", h.http("/evolve/items?version=1")) { record in
                var fields = record.objectValue ?? [:]
                if record["id"] == 7 { fields["name"] = 7 }
                return .object(fields)
            }
            let result = await h.run(source)
            #expect(result.error?.contains("field name changed type: it was STRING") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("record 8") == true)
        }
    }

    @Test func aFrozenContractRefusesUndeclaredFields() async throws {
        try await BronzeHarness.with { h in
            let columns = [Column("id", .int64, required: true), Column("name", .string)]
            let frozen = await h.run(items(h, disposition: .append, columns: columns, contract: .freeze))
            #expect(frozen.status == .error)
            #expect(frozen.error?.contains("is not among the declared columns and the contract is freeze") == true, "\(frozen.error ?? "")")
            let discarded = await h.succeed(items(h, disposition: .append, columns: columns, contract: .discard))
            #expect(discarded.records == 20)
            let (_, table) = try await h.cloud.call("GET", BQ.table(BronzeHarness.dataset, "items"))
            let names = (table["schema"]?["fields"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
            #expect(names == ["id", "name", "_ingested_at", "_run_id", "_source"])
            #expect(table["schema"]?["fields"]?[0]?["mode"] == "REQUIRED")
        }
    }

    @Test func aDeclaredColumnsTypeIsChecked() async throws {
        try await BronzeHarness.with { h in
            let columns = [Column("id", .int64), Column("name", .int64)]
            let result = await h.run(items(h, disposition: .append, columns: columns))
            #expect(result.error?.contains("field name is declared INTEGER but has \"item 0\"") == true, "\(result.error ?? "")")
        }
    }

    @Test func aMissingDatasetIsOneClearError() async throws {
        try await BronzeHarness.with { h in
            var options = h.options()
            options.dataset = "nowhere"
            let result = await h.run(items(h, disposition: .append), options)
            #expect(result.error?.contains("the bronze dataset \(BQ.project):nowhere does not exist") == true, "\(result.error ?? "")")
        }
    }

    @Test func aMissingBucketIsOneClearError() async throws {
        try await BronzeHarness.with { h in
            var options = h.options()
            options.bucket = "no-such-lake"
            let result = await h.run(items(h, disposition: .append), options)
            #expect(result.error?.contains("the lake bucket gs://no-such-lake does not exist") == true, "\(result.error ?? "")")
        }
    }
}

/// The local cloud failing a fifth of its Cloud Storage and BigQuery requests: runs still
/// complete through retries, and nothing is duplicated.
@Suite(.serialized)
struct BronzeFaultTests {
    @Test func aRunCompletesThroughInjectedFailuresWithoutDuplicates() async throws {
        try await BronzeHarness.with(faults: "seed=7;storage=0.2:503;bigquery=0.2:500") { h in
            let source = Source.http("items", h.http("/offset/items", pagination: .offset(limit: 25, total: "total")))
            let first = await h.succeed(source)
            let again = await h.succeed(source)
            #expect(first.records == Int64(FixtureAPI.count))
            #expect(again.records == Int64(FixtureAPI.count))
            let rows = try await h.rows("SELECT COUNT(*), COUNT(DISTINCT id) FROM bronze.items")
            #expect(rows == [[.string(String(FixtureAPI.count)), .string(String(FixtureAPI.count))]])
        }
    }
}
