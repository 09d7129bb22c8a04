import GoogleCloud
import TerraceJSON
import Testing
@testable import TerraceCLI

/// `terrace query` on a query that outlives `jobs.query`'s timeout: it waits through
/// `jobs.getQueryResults` as BigQuery's clients do.
struct CLIQueryPollingTests {
    @Test func aQueryStillRunningWhenJobsQueryAnswersIsWaitedFor() async throws {
        let gate = JobGate()
        // The gate opens once jobs.query has answered (jobComplete false: the job waits at the gate).
        try await withCloud(configure: { configuration in
            configuration.hooks.bigQueryJobGate = gate.hook
            configuration.observer = { method, path, _ in
                if method == "POST" && path.hasSuffix("/queries") { gate.open() }
            }
        }) { cloud in
            let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: BQ.project)
            let (columns, rows) = try await QueryCommand.fetch("SELECT 1 AS one, 'a' AS letter", cloud: google, project: BQ.project,
                                                               maxRows: 10, waitMilliseconds: 20)
            #expect(columns.map(\.name) == ["one", "letter"])
            #expect(rows == [[1, "a"]])
        }
    }

    @Test func anInfiniteFloatIsShownAsBigQuerySpellsIt() {
        let field: JSON = ["name": "x", "type": "FLOAT"]
        #expect(QueryCommand.value("Infinity", field: field) == "Infinity")
        #expect(QueryCommand.value("-Infinity", field: field) == "-Infinity")
        #expect(QueryCommand.value("1.5", field: field) == .double(1.5))
    }
}
