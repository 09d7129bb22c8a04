import GoogleCloud
import LocalCloud
import Testing
import TerraceJSON

@Suite("GoogleCloud retries over injected faults")
struct GoogleCloudRetryOverFaultsTests {
    /// The attempts each of `calls` sequential requests needs: one plus the faults drawn in a row.
    static func expectedAttempts(_ spec: String, api: String, method: String, calls: Int) throws -> [Int] {
        let injector = FaultInjector(plan: try FaultPlan(spec: spec))
        return (0..<calls).map { _ in
            var attempts = 1
            while injector.draw(api: api, method: method) != nil { attempts += 1 }
            return attempts
        }
    }

    @Test func storage503WithRetryAfterZeroAlwaysSucceedsAfterTheSeededAttempts() async throws {
        let spec = "seed=11;storage.GET=0.5:503+retry-after=0"
        let expected = try Self.expectedAttempts(spec, api: "storage", method: "GET", calls: 20)
        #expect(expected.contains { $0 > 1 })
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: spec) }) { cloud in
            let sleeps = Sleeps()
            let gcp = GoogleCloudClientTests.cloudClients(cloud, sleeps: sleeps)
            var attempts: [Int] = []
            for _ in 0..<20 {
                attempts.append(try await gcp.storage.send("GET", "b", query: [("project", "demo-project")]).attempts)
            }
            #expect(attempts == expected)
            #expect(sleeps.all.count == expected.reduce(0, +) - 20)
            #expect(sleeps.all.allSatisfy { $0 == 0 })
        }
    }

    @Test func pubsubResetsAreRetriedUntilEveryCallSucceeds() async throws {
        let spec = "seed=5;pubsub=0.3:reset"
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: spec) }) { cloud in
            let sleeps = Sleeps()
            let gcp = GoogleCloudClientTests.cloudClients(cloud, sleeps: sleeps)
            var attempts: [Int] = []
            for _ in 0..<20 {
                attempts.append(try await gcp.pubsub.send("GET", "projects/demo-project/topics").attempts)
            }
            #expect(attempts.contains { $0 > 1 })
            #expect(sleeps.all.count == attempts.reduce(0, +) - 20)
            // Full jitter at 0.5 of a ceiling that starts at 0.5 s and doubles.
            #expect(sleeps.all.allSatisfy { [0.25, 0.5, 1, 2, 4, 8].contains($0) })
            #expect(attempts == (try Self.expectedResetAttempts(spec, calls: 20)))
        }
    }

    /// libcurl itself resends a request once when a reused connection dies before answering; the
    /// next request then runs on a fresh connection. Each of our attempts therefore draws once on
    /// a fresh connection and up to twice on a reused one.
    static func expectedResetAttempts(_ spec: String, calls: Int) throws -> [Int] {
        let injector = FaultInjector(plan: try FaultPlan(spec: spec))
        var reused = false
        return (0..<calls).map { _ in
            var attempts = 1
            while true {
                var fault = injector.draw(api: "pubsub", method: "GET") != nil
                if fault && reused { fault = injector.draw(api: "pubsub", method: "GET") != nil }
                if !fault { reused = true; return attempts }
                reused = false
                attempts += 1
            }
        }
    }

    @Test func totalTimeIsBoundedByTheInjectedClock() async throws {
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: "storage.GET=1:503+retry-after=7") }) { cloud in
            let sleeps = Sleeps()
            let start = cloud.clock.nowMicros()
            let gcp = GoogleCloudClientTests.cloudClients(cloud, retry: RetryPolicy(maxAttempts: 100, maxTotalSeconds: 60), sleeps: sleeps)
            let error = await #expect(throws: GoogleAPIError.self) { try await gcp.storage.get("b", query: [("project", "demo-project")]) }
            #expect(error?.status == 503)
            #expect(error?.reason == "backendError")
            #expect(error?.attempts == 9)  // at 0, 7, …, 56 s; a wait to 63 s would pass 60 s
            #expect(sleeps.all == Array(repeating: 7, count: 8))
            #expect(cloud.clock.nowMicros() - start == 56_000_000)
        }
    }

    @Test func rateLimitsAreRetriedForEveryMethod() async throws {
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: "seed=3;iam=0.5:429+retry-after=0") }) { cloud in
            let gcp = GoogleCloudClientTests.cloudClients(cloud)
            let account = try await gcp.iam.post("projects/demo-project/serviceAccounts", body: ["accountId": "retried-sa"])
            #expect(account["email"] == "retried-sa@demo-project.iam.gserviceaccount.com")
            let list = try await gcp.iam.get("projects/demo-project/serviceAccounts")
            #expect(list["accounts"]?.arrayValue?.contains { $0["email"] == account["email"] } == true)
        }
    }
}
