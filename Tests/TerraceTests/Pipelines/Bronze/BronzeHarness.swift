import GoogleCloud
import LocalCloud
import Testing
import TerraceJSON
import TerracePipelines

/// A local cloud with a lake bucket and a bronze dataset, the fixture API, and a bronze runner
/// aimed at both (fast job polling, retries without real sleeps).
struct BronzeHarness {
    let cloud: TestCloud
    let api: FixtureAPI
    let google: GoogleCloud
    static let bucket = "lake-test"
    static let dataset = "bronze"

    /// `faults`: the local cloud's fault plan (`--faults`), for the failure tests.
    static func with(faults: String? = nil, _ body: (BronzeHarness) async throws -> Void) async throws {
        try await withCloud(configure: { if let faults { $0.faults = try! FaultPlan(spec: faults) } }) { cloud in
            let api = try await FixtureAPI.start()
            let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: BQ.project,
                                     retryPolicy: RetryPolicy(maxAttempts: 10, maxTotalSeconds: 60), time: instant)
            _ = try await google.storage.post("b", query: [("project", BQ.project)], body: ["name": .string(bucket)])
            _ = try await google.bigquery.post("projects/\(BQ.project)/datasets",
                                               body: ["datasetReference": ["projectId": .string(BQ.project), "datasetId": .string(dataset)]])
            do {
                try await body(BronzeHarness(cloud: cloud, api: api, google: google))
            } catch {
                await api.stop()
                throw error
            }
            await api.stop()
        }
    }

    /// Retries without waiting: the retry policy's decisions, not its sleeps, are under test.
    static let instant = TimeSource(now: { 0 }, sleep: { _ in }, random: { 0.5 })

    func options(date: String = "2024-03-01", runID: String? = nil, maxBadRecords: Int = 0, overrides: [String: JSON] = [:],
                 variables: [String: String] = [:], startedAt: Int64 = 1_709_251_200_000_000) -> BronzeRunOptions {
        BronzeRunOptions(environment: "test", project: BQ.project, bucket: Self.bucket, dataset: Self.dataset, logicalDate: date,
                         runID: runID, maxBadRecords: maxBadRecords, overrides: overrides, variables: { variables[$0] },
                         startedAt: startedAt, parallelism: 4, retryPolicy: RetryPolicy(maxAttempts: 4, maxTotalSeconds: 60),
                         time: Self.instant, poll: { _ in try await Task.sleep(nanoseconds: 2_000_000) })
    }

    func run(_ source: Source, _ options: BronzeRunOptions? = nil) async -> SourceRunResult {
        await BronzeRunner(cloud: google, options: options ?? self.options()).run(source)
    }

    /// Runs and expects success.
    @discardableResult
    func succeed(_ source: Source, _ options: BronzeRunOptions? = nil) async -> SourceRunResult {
        let result = await run(source, options)
        #expect(result.status == .success, "\(result.error ?? "")")
        return result
    }

    /// A query's rows as cell values.
    func rows(_ sql: String) async throws -> [[JSON]] {
        // Retried on 5xx like a client would (the fault tests inject them).
        var (status, answer) = (0, JSON.null)
        for _ in 0..<10 {
            (status, answer) = try await cloud.call("POST", "/bigquery/v2/projects/\(BQ.project)/queries", ["query": .string(sql), "useLegacySql": false])
            if status < 500 { break }
        }
        #expect(status == 200, "\(sql): \(answer)")
        return (answer["rows"]?.arrayValue ?? []).map { ($0["f"]?.arrayValue ?? []).map { $0["v"] ?? .null } }
    }

    func count(_ table: String, where condition: String = "TRUE") async throws -> Int {
        Int(try await rows("SELECT COUNT(*) FROM \(Self.dataset).\(table) WHERE \(condition)").first?.first?.stringValue ?? "-1") ?? -1
    }

    func expectCount(_ table: String, _ expected: Int, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let found = try await count(table)
        #expect(found == expected, "rows in bronze.\(table)", sourceLocation: sourceLocation)
    }

    /// The names of the lake's objects under `prefix`.
    func objects(_ prefix: String) async throws -> [String] {
        let (_, answer) = try await cloud.call("GET", "/storage/v1/b/\(Self.bucket)/o?prefix=\(prefix)")
        return (answer["items"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
    }

    func object(_ name: String) async throws -> [UInt8] {
        var encoded = ""
        for byte in name.utf8 { encoded += byte == UInt8(ascii: "/") ? "%2F" : String(UnicodeScalar(byte)) }
        return try await cloud.raw("GET", "/storage/v1/b/\(Self.bucket)/o/\(encoded)?alt=media").body
    }

    func http(_ path: String, records: String? = "items", pagination: Pagination = .none) -> HTTPSource {
        HTTPSource(url: api.base + path, records: records, pagination: pagination)
    }
}
