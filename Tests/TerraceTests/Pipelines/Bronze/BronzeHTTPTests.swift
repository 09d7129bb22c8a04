import Testing
import TerraceCompression
import TerraceJSON
import TerracePipelines

/// HTTP sources end to end: every pagination style lands all 250 fixture items in the lake and
/// in bronze, with the run's metadata, a manifest, retries, auth and incremental cursors.
@Suite(.serialized)
struct BronzeHTTPTests {
    @Test(arguments: [
        ("offset with a total", "/offset/items", "items", Pagination.offset(limit: 30, total: "total")),
        ("offset until an empty page", "/offset-open/items", "items", Pagination.offset(offsetParameter: "skip", limit: 70)),
        ("page numbers with a page count", "/page/items", "data", Pagination.pageNumber(sizeParameter: "per_page", size: 25, totalPages: "meta.total_pages")),
        ("a cursor", "/cursor/items", "results", Pagination.cursor(parameter: "cursor", next: "next_cursor")),
        ("a next-page URL", "/next/items", "items", Pagination.nextURL(next: "links.next")),
        ("a Link header", "/link/items", nil, Pagination.linkHeader),
    ])
    func everyPaginationStyleLandsEveryRecordOnce(_ style: String, _ path: String, _ records: String?, _ pagination: Pagination) async throws {
        try await BronzeHarness.with { h in
            let result = await h.succeed(.http("items", h.http(path, records: records, pagination: pagination)))
            #expect(result.records == Int64(FixtureAPI.count), "\(style)")
            let count = try await h.count("items")
            #expect(count == FixtureAPI.count, "\(style)")
            let distinct = try await h.rows("SELECT COUNT(DISTINCT id) FROM bronze.items")
            #expect(distinct == [[.string(String(FixtureAPI.count))]], "\(style)")
        }
    }

    @Test func recordsLandAsGzippedNDJSONWithAManifestUnderTheRunsPrefix() async throws {
        try await BronzeHarness.with { h in
            let result = await h.succeed(.http("items", h.http("/offset/items", pagination: .offset(limit: 50, total: "total"))))
            let prefix = "raw/items/dt=2024-03-01/run=\(result.runID)/"
            let names = try await h.objects(prefix)
            #expect(names == [prefix + "_manifest.json", prefix + "part-00000.jsonl.gz"])
            let lines = try GzipReader.decompress(try await h.object(prefix + "part-00000.jsonl.gz")).split(separator: 0x0A)
            #expect(lines.count == FixtureAPI.count)
            let first = try JSON.parse(Array(lines[0]))
            #expect(first["_run_id"] == .string(result.runID))
            #expect(first["_source"] == "items")
            let manifest = try JSON.parse(try await h.object(prefix + "_manifest.json"))
            #expect(manifest["records"] == .int(Int64(FixtureAPI.count)))
            #expect(manifest["parts"]?[0]?["crc32c"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func theRunIDIsAHashOfEnvironmentSourceAndDate() {
        let a = BronzeRunner.runID(environment: "dev", source: "carts", date: "2024-01-01")
        #expect(a == BronzeRunner.runID(environment: "dev", source: "carts", date: "2024-01-01"))
        #expect(a != BronzeRunner.runID(environment: "dev", source: "carts", date: "2024-01-02"))
        #expect(a != BronzeRunner.runID(environment: "prod", source: "carts", date: "2024-01-01"))
        #expect(a.count == 16)
    }

    @Test func bronzeRowsCarryTheMetadataColumnsAndNestedFields() async throws {
        try await BronzeHarness.with { h in
            let result = await h.succeed(.http("items", h.http("/offset/items", pagination: .offset(limit: 100, total: "total"))))
            let rows = try await h.rows("SELECT _source, _run_id, CAST(_ingested_at AS STRING), dims.w, ARRAY_LENGTH(tags) FROM bronze.items WHERE id = 8")
            #expect(rows == [["items", .string(result.runID), "2024-03-01 00:00:00+00", "1", "2"]])
        }
    }

    @Test func retryableFailuresAreRetriedThenTheRunSucceeds() async throws {
        try await BronzeHarness.with { h in
            let result = await h.succeed(.http("flaky", h.http("/flaky/items")))
            #expect(result.records == 10)
            #expect(h.api.hitCount("/flaky/items") == 3)
        }
    }

    @Test func aSourceThatVanishesMidRunFailsAndLeavesTheEarlierBronzeTableAsItWas() async throws {
        try await BronzeHarness.with { h in
            let first = await h.succeed(.http("items", h.http("/offset/items", pagination: .offset(limit: 50, total: "total"))))
            let vanishing = h.http("/vanishing/items", pagination: .offset(limit: 50, total: "total"))
            let second = await h.run(.http("items", vanishing), h.options(date: "2024-03-02"))
            #expect(second.status == .error)
            // Named down to the page that failed (pages are fetched ahead, so one from 150 on).
            let failed = try #require(second.error)
            #expect(failed.contains("source items: GET \(h.api.base)/vanishing/items?limit=50&offset="), "\(failed)")
            let offset = failed.split(separator: "offset=").last.flatMap { Int($0.prefix { $0.isNumber }) }
            #expect(offset.map { $0 >= 150 } == true, "\(failed)")
            #expect(failed.contains(" answered 404"), "\(failed)")
            #expect(try await h.rows("SELECT _run_id, COUNT(*) FROM bronze.items GROUP BY _run_id") == [[.string(first.runID), "250"]])
            let (_, tables) = try await h.cloud.call("GET", "/bigquery/v2/projects/\(BQ.project)/datasets/\(BronzeHarness.dataset)/tables")
            #expect(tables["tables"]?.arrayValue?.compactMap { $0["tableReference"]?["tableId"]?.stringValue } == ["items"], "no staging table left")
            let landed = try await h.objects("raw/items/dt=2024-03-02/")
            #expect(!landed.contains { $0.hasSuffix("_manifest.json") }, "\(landed)")
        }
    }

    @Test func anErrorShowsThePagesParametersButNotTheURLsOwnQuery() async throws {
        try await BronzeHarness.with { h in
            let result = await h.run(.http("down", h.http("/down/items?key=secret", pagination: .pageNumber(parameter: "page"))))
            #expect(result.error?.contains("GET \(h.api.base)/down/items?…&page=1") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("secret") == false, "\(result.error ?? "")")
        }
    }

    @Test func aSourceThatFailsForeverFailsAfterBoundedRetriesAndLoadsNothing() async throws {
        try await BronzeHarness.with { h in
            let result = await h.run(.http("down", h.http("/down/items")))
            #expect(result.status == .error)
            #expect(result.error?.contains("source down: GET \(h.api.base)/down/items answered 500") == true, "\(result.error ?? "")")
            #expect(result.error?.contains("after 4 attempts") == true)
            #expect(h.api.hitCount("/down/items") == 4)
            let (status, _) = try await h.cloud.call("GET", BQ.table(BronzeHarness.dataset, "down"))
            #expect(status == 404)
        }
    }

    @Test func theAuthHeaderComesFromAnEnvironmentVariable() async throws {
        try await BronzeHarness.with { h in
            var spec = h.http("/auth/items")
            spec.auth = .bearer(variable: "FIXTURE_TOKEN")
            let missing = await h.run(.http("secure", spec))
            #expect(missing.error?.contains("the environment variable FIXTURE_TOKEN is not set") == true)
            let wrong = await h.run(.http("secure", spec), h.options(variables: ["FIXTURE_TOKEN": "nope"]))
            #expect(wrong.error?.contains("answered 401") == true)
            #expect(wrong.error?.contains("check the credentials in $FIXTURE_TOKEN") == true)
            #expect(wrong.error?.contains("nope") == false)
            let right = await h.succeed(.http("secure", spec), h.options(variables: ["FIXTURE_TOKEN": "s3cret"]))
            #expect(right.records == 5)
        }
    }

    @Test func anIncrementalCursorSendsTheLastRunsHighWaterMark() async throws {
        try await BronzeHarness.with { h in
            var spec = h.http("/incremental/items")
            spec.incremental = Incremental(parameter: "updated_since", field: "updated_at", initial: "2024-01-20")
            let first = await h.succeed(.http("changes", spec))
            #expect(h.api.lastQuery.withLock { $0["updated_since"] } == "2024-01-20")
            #expect(first.records > 0)
            let second = await h.succeed(.http("changes", spec), h.options(date: "2024-03-02"))
            #expect(h.api.lastQuery.withLock { $0["updated_since"] } == "2024-01-28T00:00:00Z")
            #expect(second.records == 0)
        }
    }

    @Test func aRecordThatIsNotAnObjectIsABadRecordNamedByPage() async throws {
        try await BronzeHarness.with { h in
            let refused = await h.run(.http("odd", h.http("/malformed/items")))
            #expect(refused.status == .error)
            #expect(refused.error?.contains("page 1 of \(h.api.base)/malformed/items, record 2: a record must be a JSON object") == true, "\(refused.error ?? "")")
            let tolerated = await h.succeed(.http("odd", h.http("/malformed/items")), h.options(maxBadRecords: 1))
            #expect(tolerated.records == 2)
            #expect(tolerated.badRecords == 1)
        }
    }

    @Test func pagesWithoutTheRecordsPathNameTheKeysTheyHave() async throws {
        try await BronzeHarness.with { h in
            let result = await h.run(.http("items", h.http("/offset/items", records: "data")))
            #expect(result.error?.contains("has no array of records at \"data\" (its keys: items, total)") == true, "\(result.error ?? "")")
        }
    }

    @Test func aRowLimitFromTheEnvironmentStopsTheRead() async throws {
        try await BronzeHarness.with { h in
            let result = await h.succeed(.http("items", h.http("/offset/items", pagination: .offset(limit: 10, total: "total"))),
                                         h.options(overrides: ["items": ["rowLimit": 35]]))
            #expect(result.records == 35)
            let count = try await h.count("items")
            #expect(count == 35)
        }
    }

    @Test func aTransformReshapesOrDropsRecords() async throws {
        try await BronzeHarness.with { h in
            let source = Source.http("items", h.http("/offset/items", pagination: .offset(limit: 100, total: "total"))) { record in
                guard let id = record["id"]?.intValue, id % 2 == 0 else { return nil }
                var fields = record.objectValue ?? [:]
                fields["skills"] = .array((record["name"]?.stringValue ?? "").split(separator: " ").map { .string(String($0)) })
                return .object(fields)
            }
            let result = await h.succeed(source)
            #expect(result.records == 125)
            let first = try await h.rows("SELECT skills[OFFSET(0)] FROM bronze.items WHERE id = 4")
            #expect(first == [["item"]])
        }
    }
}
