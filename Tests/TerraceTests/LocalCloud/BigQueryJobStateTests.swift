import LocalCloud
import Synchronization
import TerraceJSON
import Testing

/// A gate BigQuery jobs wait at (``CloudHooks/bigQueryJobGate``) until the test opens it, so a
/// job is RUNNING for as long as the test needs, without timing. Waiting jobs give up when
/// their task is cancelled (jobs.cancel, the cloud stopping).
final class JobGate: Sendable {
    private let isOpen = Mutex(false)

    var hook: @Sendable (String) async -> Void {
        { [self] _ in
            while !isOpen.withLock({ $0 }) && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    func open() { isOpen.withLock { $0 = true } }
}

/// Jobs run in the background as in BigQuery: RUNNING, then DONE; `jobs.query` and
/// `getQueryResults` wait up to `timeoutMs`; `jobs.cancel` stops a running job; a job the cloud
/// was stopped under is marked interrupted when it starts again.
/// https://cloud.google.com/bigquery/docs/reference/rest/v2/Job#JobStatus
struct BigQueryJobStateTests {
    static let queries = "/bigquery/v2/projects/\(BQ.project)/queries"

    /// A cloud whose jobs wait at `gate`, with a dataset `shop` holding `orders` (ids 1–3).
    private func withGatedShop(_ gate: JobGate, directory: String? = nil, keepData: Bool = false,
                               _ body: (TestCloud) async throws -> Void) async throws {
        try await withCloud(directory: directory, keepData: keepData, configure: { $0.hooks.bigQueryJobGate = gate.hook }) { cloud in
            try await BQ.createDataset(cloud, "shop")
            try await BQ.createTable(cloud, "shop", "orders", ["schema": BQ.schema(BQ.field("id", "INTEGER"))])
            _ = try await cloud.call("POST", BQ.table("shop", "orders") + "/insertAll", ["rows": [
                ["json": ["id": 1]], ["json": ["id": 2]], ["json": ["id": 3]],
            ]])
            try await body(cloud)
        }
    }

    private func insertQuery(_ cloud: TestCloud, _ sql: String, jobID: String) async throws -> JSON {
        let (status, job) = try await cloud.call("POST", BQ.jobs, [
            "jobReference": ["projectId": .string(BQ.project), "jobId": .string(jobID)],
            "configuration": ["query": ["query": .string(sql), "useLegacySql": false]],
        ])
        #expect(status == 200, "\(job)")
        return job
    }

    private func state(_ cloud: TestCloud, _ jobID: String) async throws -> JSON {
        try await cloud.call("GET", BQ.jobs + "/\(jobID)").body
    }

    private func count(_ cloud: TestCloud) async throws -> JSON? {
        try await cloud.call("GET", BQ.table("shop", "orders")).body["numRows"]
    }

    @Test func insertAnswersAtOnceWithTheJobRunning() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            let job = try await insertQuery(cloud, "SELECT id FROM shop.orders", jobID: "q1")
            #expect(job["status"] == ["state": "RUNNING"])
            #expect(job["statistics"]?["startTime"] != nil)
            #expect(job["statistics"]?["endTime"] == nil)
            gate.open()
            _ = try await BQ.finished(cloud, job)
        }
    }

    @Test func getAnswersRunningUntilTheJobIsDoneThenItsEndTime() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            let job = try await insertQuery(cloud, "SELECT id FROM shop.orders", jobID: "q1")
            #expect(try await state(cloud, "q1")["status"] == ["state": "RUNNING"])
            let running = try await cloud.call("GET", BQ.jobs + "?stateFilter=running").body
            #expect(running["jobs"]?.arrayValue?.map { $0["jobReference"]?["jobId"] } == ["q1"])
            cloud.clock.advance(seconds: 2)
            gate.open()
            let done = try await BQ.finished(cloud, job)
            #expect(done["status"] == ["state": "DONE"])
            let started = try #require(done["statistics"]?["startTime"]?.intValue)
            #expect(done["statistics"]?["endTime"]?.intValue == started + 2000)
        }
    }

    @Test func aCopyJobIsRunningUntilItsGateOpens() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            let (_, job) = try await cloud.call("POST", BQ.jobs, ["configuration": ["copy": [
                "sourceTable": ["projectId": .string(BQ.project), "datasetId": "shop", "tableId": "orders"],
                "destinationTable": ["projectId": .string(BQ.project), "datasetId": "shop", "tableId": "copy"],
            ]]])
            #expect(job["status"]?["state"] == "RUNNING")
            #expect(try await cloud.call("GET", BQ.table("shop", "copy")).status == 404)
            gate.open()
            #expect(try await BQ.finished(cloud, job)["statistics"]?["copy"]?["copiedRows"] == "3")
        }
    }

    @Test func getQueryResultsAnswersIncompleteWhenItsTimeoutPasses() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            _ = try await insertQuery(cloud, "SELECT id FROM shop.orders", jobID: "q1")
            let (status, waiting) = try await cloud.call("GET", Self.queries + "/q1?timeoutMs=20")
            #expect(status == 200)
            #expect(waiting["jobComplete"] == false)
            #expect(waiting["jobReference"]?["jobId"] == "q1")
            #expect(waiting["rows"] == nil && waiting["totalRows"] == nil && waiting["schema"] == nil)
            gate.open()
            let done = try await cloud.call("GET", Self.queries + "/q1?timeoutMs=20000").body
            #expect(done["jobComplete"] == true)
            #expect(done["totalRows"] == "3")
        }
    }

    /// A waiting getQueryResults answers as soon as the job is done, not when its timeout passes.
    @Test func getQueryResultsAnswersWhenTheJobFinishes() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            _ = try await insertQuery(cloud, "SELECT id FROM shop.orders", jobID: "q1")
            let started = ContinuousClock.now
            async let answer = cloud.call("GET", Self.queries + "/q1?timeoutMs=25000")
            try await Task.sleep(for: .milliseconds(50))
            gate.open()
            let done = try await answer.body
            #expect(done["jobComplete"] == true)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func jobsQueryAnswersIncompleteWithTheJobReferenceAfterItsTimeout() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            let (status, answer) = try await cloud.call("POST", Self.queries, ["query": "SELECT id FROM shop.orders ORDER BY id",
                                                                               "useLegacySql": false, "timeoutMs": 20])
            #expect(status == 200)
            #expect(answer["jobComplete"] == false)
            #expect(answer["rows"] == nil)
            let id = try #require(answer["jobReference"]?["jobId"]?.stringValue)
            gate.open()
            let done = try await cloud.call("GET", Self.queries + "/\(id)?timeoutMs=20000").body
            #expect(done["jobComplete"] == true)
            #expect((done["rows"]?.arrayValue ?? []).count == 3)
        }
    }

    /// A cancelled job ends DONE with reason `stopped`, and its work never lands.
    @Test func cancellingARunningJobStopsItAndChangesNothing() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            _ = try await insertQuery(cloud, "DELETE FROM shop.orders WHERE true", jobID: "wipe")
            let (status, cancel) = try await cloud.call("POST", BQ.jobs + "/wipe/cancel")
            #expect(status == 200)
            #expect(cancel["kind"] == "bigquery#jobCancelResponse")
            #expect(cancel["job"]?["jobReference"]?["jobId"] == "wipe")
            gate.open()
            let done = try await BQ.finished(cloud, try await state(cloud, "wipe"))
            #expect(done["status"]?["errorResult"]?["reason"] == "stopped")
            #expect(done["statistics"]?["endTime"] != nil)
            #expect(try await count(cloud) == "3")
            let rows = try await cloud.call("GET", BQ.table("shop", "orders") + "/data").body
            #expect(rows["totalRows"] == "3")
        }
    }

    @Test func cancellingADoneJobChangesNothing() async throws {
        let gate = JobGate()
        gate.open()
        try await withGatedShop(gate) { cloud in
            let done = try await BQ.finished(cloud, try await insertQuery(cloud, "SELECT id FROM shop.orders", jobID: "q1"))
            let cancel = try await cloud.call("POST", BQ.jobs + "/q1/cancel").body
            #expect(cancel["job"] == done)
            #expect(try await state(cloud, "q1") == done)
        }
    }

    @Test func aRunningJobCannotBeDeleted() async throws {
        let gate = JobGate()
        try await withGatedShop(gate) { cloud in
            _ = try await insertQuery(cloud, "SELECT id FROM shop.orders", jobID: "q1")
            let (status, body) = try await cloud.call("DELETE", BQ.jobs + "/q1/delete")
            #expect(status == 400)
            #expect(body.errorReason == "invalid")
            gate.open()
            _ = try await BQ.finished(cloud, try await state(cloud, "q1"))
            #expect(try await cloud.call("DELETE", BQ.jobs + "/q1/delete").status == 204)
        }
    }

    /// A job still running when the cloud stops never commits; the next start marks it DONE
    /// with a `backendError`.
    @Test func aJobRunningWhenTheCloudStopsIsMarkedInterruptedOnRestart() async throws {
        let directory = makeTemporaryDirectory()
        try await withGatedShop(JobGate(), directory: directory, keepData: true) { cloud in
            _ = try await insertQuery(cloud, "DELETE FROM shop.orders WHERE true", jobID: "wipe")
        }
        try await withCloud(directory: directory) { cloud in
            let job = try await state(cloud, "wipe")
            #expect(job["status"]?["state"] == "DONE")
            #expect(job["status"]?["errorResult"]?["reason"] == "backendError")
            #expect(job["status"]?["errorResult"]?["message"] == "The job was interrupted by a restart of the local cloud.")
            #expect(job["statistics"]?["endTime"] != nil)
            #expect(try await count(cloud) == "3")
            let (status, results) = try await cloud.call("GET", Self.queries + "/wipe")
            #expect(status == 500)
            #expect(results.errorReason == "backendError")
        }
    }
}
