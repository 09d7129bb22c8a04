import GoogleCloud
import LocalCloud
import Testing
import TerraceEngine
import TerraceJSON

@Suite("State in Cloud Storage")
struct StateGCSBackendTests {
    /// A bucket (versioned, as `terrace init` will create it) and a backend on it.
    static func backend(_ cloud: TestCloud, bucket: String = "state-bucket", prefix: String = "envs/dev", id: String,
                        sleeps: Sleeps? = nil) async throws -> (GoogleCloud, GCSStateBackend) {
        let gcp = GoogleCloudClientTests.cloudClients(cloud, sleeps: sleeps)
        if (try? await gcp.storage.get("b/\(bucket)")) == nil {
            _ = try await gcp.storage.post("b", query: [("project", "demo-project")],
                                           body: ["name": .string(bucket), "versioning": ["enabled": true]])
        }
        return (gcp, GCSStateBackend(bucket: bucket, prefix: prefix, cloud: gcp, makeID: { id }))
    }

    /// Runs the whole state life cycle on `backend`.
    static func lifeCycle(_ backend: GCSStateBackend, _ other: GCSStateBackend) async throws {
        #expect(try await backend.read() == nil)
        let first = try await backend.write(StateFile(lineage: "L"), basedOn: nil)
        #expect(first.state.serial == 1)
        #expect(first.generation > 0)
        let read = try #require(try await other.read())
        #expect(read == first)
        var changed = read.state
        changed.resources.append(StateResource(address: "bucket.raw", type: "storage_bucket", id: "p-raw", attributes: ["location": "US"]))
        let second = try await other.write(changed, basedOn: read)
        #expect(second.state.serial == 2)
        #expect(second.generation != first.generation)
        // The first writer still holds the snapshot of generation 1: its write is refused.
        let error = await #expect(throws: StateError.self) { try await backend.write(first.state, basedOn: first) }
        #expect(error?.code == .stateChanged)
        #expect(error?.description == "gs://state-bucket/envs/dev/terrace.state.json: the state changed since it was read "
            + "(read generation \(first.generation), now generation \(second.generation)); another run wrote it — run the command again")
        #expect(try await backend.read() == second)
    }

    @Test func firstWriteSecondWriteAndAStaleWriterIsRejected() async throws {
        try await withCloud { cloud in
            let (_, backend) = try await Self.backend(cloud, id: "a")
            let (_, other) = try await Self.backend(cloud, id: "b")
            #expect(backend.location == "gs://state-bucket/envs/dev/terrace.state.json")
            try await Self.lifeCycle(backend, other)
        }
    }

    @Test func aFirstWriteRacingAnotherFirstWriteLosesCleanly() async throws {
        try await withCloud { cloud in
            let (_, backend) = try await Self.backend(cloud, prefix: "", id: "a")
            #expect(backend.stateObject == "terrace.state.json")
            _ = try await backend.write(StateFile(lineage: "L"), basedOn: nil)
            let error = await #expect(throws: StateError.self) { try await backend.write(StateFile(lineage: "M"), basedOn: nil) }
            #expect(error?.code == .stateChanged)
            #expect(try await backend.read()?.state.lineage == "L")
        }
    }

    @Test func aLockIsAcquiredReportedWithItsHolderAndReleased() async throws {
        try await withCloud { cloud in
            let sleeps = Sleeps()
            let (gcp, first) = try await Self.backend(cloud, id: "lock-one")
            let (_, second) = try await Self.backend(cloud, id: "lock-two", sleeps: sleeps)
            #expect(try await first.lockHolder() == nil)
            let lock = try await first.lock(operation: "apply", timeout: 0)
            let body = try await gcp.storage.send("GET", "b/state-bucket/o/\(URLEncoding.component("envs/dev/terrace.lock"))",
                                                  query: [("alt", "media")])
            #expect(try JSON.parse(body.body)["operation"] == "apply")
            #expect(try await second.lockHolder() == lock)
            let error = await #expect(throws: StateError.self) { try await second.lock(operation: "plan", timeout: 5) }
            #expect(error?.code == .lockHeld)
            #expect(error?.holder == lock)
            #expect(error?.description.hasPrefix("gs://state-bucket/envs/dev/terrace.state.json: the state is locked after waiting 5s, "
                + "held by \(lock.who) (pid \(lock.pid)) since \(lock.when) for apply, lock id lock-one") == true)
            #expect(sleeps.all == [1, 1, 1, 1, 1])
            try await first.unlock(lock)
            #expect(try await second.lockHolder() == nil)
            let taken = try await second.lock(operation: "plan", timeout: 0)
            #expect(taken.id == "lock-two")
            try await second.unlock(taken)
        }
    }

    @Test func forceUnlockNeedsTheRightLockID() async throws {
        try await withCloud { cloud in
            let (_, stuck) = try await Self.backend(cloud, id: "stale-id")
            let (_, other) = try await Self.backend(cloud, id: "new-id")
            let lock = try await stuck.lock(operation: "apply", timeout: 0)
            let error = await #expect(throws: StateError.self) { try await other.forceUnlock("wrong-id") }
            #expect(error?.code == .lockIDMismatch)
            #expect(error?.description.contains("refusing to force-unlock") == true)
            #expect(error?.description.contains("lock id stale-id, not wrong-id") == true)
            try await other.forceUnlock("stale-id")
            let taken = try await other.lock(operation: "plan", timeout: 0)
            let lost = await #expect(throws: StateError.self) { try await stuck.unlock(lock) }
            #expect(lost?.code == .lockLost)
            #expect(try await other.lockHolder()?.id == "new-id")
            try await other.unlock(taken)
            let none = await #expect(throws: StateError.self) { try await other.forceUnlock("new-id") }
            #expect(none?.code == .noLock)
        }
    }

    @Test func aBrokenStateObjectIsReportedWithItsURL() async throws {
        try await withCloud { cloud in
            let (gcp, backend) = try await Self.backend(cloud, id: "a")
            _ = try await gcp.storageUpload.send("POST", "b/state-bucket/o", query: [("uploadType", "media"), ("name", backend.stateObject)],
                                                 body: Array("{\"format_version\": 7}".utf8))
            let error = await #expect(throws: StateError.self) { try await backend.read() }
            #expect(error?.code == .futureVersion)
            #expect(error?.description.hasPrefix("gs://state-bucket/envs/dev/terrace.state.json: format_version 7") == true)
        }
    }

    @Test func aMissingBucketSaysToRunInit() async throws {
        try await withCloud { cloud in
            let gcp = GoogleCloudClientTests.cloudClients(cloud)
            let backend = GCSStateBackend(bucket: "no-such-bucket", prefix: "p", cloud: gcp)
            let error = await #expect(throws: StateError.self) { try await backend.write(StateFile(), basedOn: nil) }
            #expect(error?.code == .backend)
            #expect(error?.description.contains("terrace init") == true)
        }
    }

    @Test func everythingWorksUnder20PercentInjected503s() async throws {
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: "seed=3;storage=0.2:503") }) { cloud in
            let sleeps = Sleeps()
            let (_, backend) = try await Self.backend(cloud, id: "a", sleeps: sleeps)
            let (_, other) = try await Self.backend(cloud, id: "b", sleeps: sleeps)
            try await Self.lifeCycle(backend, other)
            // Faults were drawn and retried (retry sleeps are under a second; lock waits are 1 s).
            #expect(sleeps.all.contains { $0 < 1 })
            let lock = try await backend.lock(operation: "apply", timeout: 0)
            #expect(try await other.lockHolder() == lock)
            await #expect(throws: StateError.self) { try await other.lock(operation: "plan", timeout: 2) }
            try await backend.unlock(lock)
            let taken = try await other.lock(operation: "plan", timeout: 0)
            await #expect(throws: StateError.self) { try await backend.forceUnlock("wrong") }
            try await backend.forceUnlock(taken.id)
            #expect(try await other.lockHolder() == nil)
        }
    }
}
