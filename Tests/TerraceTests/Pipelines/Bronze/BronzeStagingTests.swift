import Testing
import TerraceJSON
import TerracePipelines

/// Parts staged in BigQuery while the source is still read, and the commit's fallback when the
/// schema moves after the first parts were staged.
@Suite(.serialized)
struct BronzeStagingTests {
    /// The run's load jobs, as the source URIs each loaded.
    func loadJobs(_ h: BronzeHarness) async throws -> [[String]] {
        let (_, answer) = try await h.cloud.call("GET", "/bigquery/v2/projects/\(BQ.project)/jobs?allUsers=true&projection=full&maxResults=1000")
        return (answer["jobs"]?.arrayValue ?? []).compactMap { $0["configuration"]?["load"]?["sourceUris"]?.arrayValue?.compactMap(\.stringValue) }
    }

    func options(_ h: BronzeHarness, recordsPerPart: Int64) -> BronzeRunOptions {
        var options = h.options()
        options.recordsPerPart = recordsPerPart
        return options
    }

    @Test func eachPartIsStagedByItsOwnLoadAndNothingIsLoadedTwice() async throws {
        try await BronzeHarness.with { h in
            let source = Source.http("items", h.http("/offset/items", pagination: .offset(limit: 100, total: "total")), disposition: .append)
            let result = await h.succeed(source, options(h, recordsPerPart: 40))
            #expect(result.objects == 7)
            #expect(result.loadedRows == Int64(FixtureAPI.count))
            let loads = try await loadJobs(h)
            #expect(loads.count == 7)
            #expect(loads.allSatisfy { $0.count == 1 })
            #expect(Set(loads.flatMap { $0 }).count == 7)
            try await h.expectCount("items", FixtureAPI.count)
            let distinct = try await h.rows("SELECT COUNT(DISTINCT id) FROM bronze.items")
            #expect(distinct == [[.string(String(FixtureAPI.count))]])
        }
    }

    @Test func aFieldFirstSeenAfterPartsWereStagedRestagesTheRunWithIt() async throws {
        try await BronzeHarness.with { h in
            let source = Source.http("items", h.http("/growing/items", records: "results",
                                                      pagination: .cursor(parameter: "cursor", next: "next_cursor")), disposition: .append)
            let result = await h.succeed(source, options(h, recordsPerPart: 30))
            #expect(result.objects == 9)
            let loads = try await loadJobs(h)
            // Parts staged while `color` was unknown, then one load of all nine parts with it.
            #expect(loads.filter { $0.count == 9 }.count == 1, "\(loads.map(\.count))")
            #expect(loads.filter { $0.count == 1 }.count >= 1, "\(loads.map(\.count))")
            let rows = try await h.rows("SELECT COUNT(*), COUNT(color), COUNT(DISTINCT id) FROM bronze.items")
            #expect(rows == [["250", "130", "250"]])
        }
    }

    @Test func aRunThatFailsAfterStagingPartsLeavesNoStagingTableAndNoRows() async throws {
        try await BronzeHarness.with { h in
            // The third page is malformed past --max-bad-records: parts before it were staged.
            let source = Source.http("items", h.http("/offset/items", pagination: .offset(limit: 100, total: "total")),
                                     disposition: .append,
                                     transform: { record in
                                         if record["id"]?.intValue == 230 { throw TransformFailure() }
                                         return record
                                     })
            let result = await h.run(source, options(h, recordsPerPart: 40))
            #expect(result.status == .error)
            let (_, tables) = try await h.cloud.call("GET", BQ.tables(BronzeHarness.dataset))
            let names = (tables["tables"]?.arrayValue ?? []).compactMap { $0["tableReference"]?["tableId"]?.stringValue }
            #expect(names.allSatisfy { !$0.hasPrefix("_staging_") }, "\(names)")
            #expect(!names.contains("items"))
        }
    }

    struct TransformFailure: Error {}
}
