import Foundation
#if canImport(Glibc)
import Glibc
#endif
import LocalCloud
import Synchronization
import TerraceEngine
import TerraceJSON
import Testing

/// Apply under injected faults, eventual consistency, SIGKILL mid-apply and a concurrent apply:
/// each ends with exactly the declared resources and a state that parses.
@Suite(.serialized)
struct ApplyFailureTests {
    @Test func applyUnderTwentyPercentFaultsEndsWithExactlyTheDeclaredResources() async throws {
        let directory = makeTemporaryDirectory("terrace-faults")
        let project = makeTemporaryDirectory("terrace-faults-project")
        defer { try? FileManager.default.removeItem(atPath: project) }
        let faults = "seed=11;storage=0.2:429;bigquery=0.2:500;pubsub=0.2:502;iam=0.2:503;cloudresourcemanager=0.2:504;serviceusage=0.2:503"
        try await withCloud(directory: directory, keepData: true, configure: { $0.faults = try! FaultPlan(spec: faults) }) { cloud in
            let fixture = FailureFixture(cloud: cloud, projectDirectory: project)
            let engine = try fixture.engine()
            let report = try await engine.withLock("apply") { snapshot in
                try await engine.apply(try await engine.plan(snapshot), snapshot: snapshot)
            }
            #expect(report.ok, "failed: \(report.failed.map { "\($0.address): \($0.message)" })")
        }
        // Checked without faults: the cloud holds exactly the stack, and the state agrees.
        try await withCloud(directory: directory) { cloud in
            let fixture = FailureFixture(cloud: cloud, projectDirectory: project)
            #expect(try await fixture.cloudInventory() == FailureFixture.declaredInventory)
            let state = try #require(try fixture.state())
            #expect(Set(state.resources.map(\.address)) == Set(try fixture.resources.map(\.address.rawValue)))
            let engine = try fixture.engine()
            let plan = try await engine.withLock("plan") { try await engine.plan($0) }
            #expect(!plan.hasChanges, "\(plan.changes.filter { $0.action.isChange }.map(\.address))")
        }
    }

    @Test func applyWaitsOutTheConsistencyDelayBeforeIAMOnNewResources() async throws {
        let project = makeTemporaryDirectory("terrace-consistency-project")
        defer { try? FileManager.default.removeItem(atPath: project) }
        let hidden = Atomic<Int>(0)
        try await withCloud(configure: { configuration in
            configuration.faults = try! FaultPlan(spec: "consistency=5")
            configuration.observer = { _, _, status in if status == 404 { hidden.add(1, ordering: .relaxed) } }
        }) { cloud in
            let fixture = FailureFixture(cloud: cloud, projectDirectory: project)
            let engine = try fixture.engine(parallelism: 10)
            let report = try await engine.withLock("apply") { snapshot in
                try await engine.apply(try await engine.plan(snapshot), snapshot: snapshot)
            }
            #expect(report.ok, "failed: \(report.failed.map { "\($0.address): \($0.message)" })")
            #expect(hidden.load(ordering: .relaxed) > 0, "the apply never met the delay")
            cloud.clock.advance(seconds: 10)
            #expect(try await fixture.cloudInventory() == FailureFixture.declaredInventory)
            let plan = try await engine.withLock("plan") { try await engine.plan($0) }
            #expect(!plan.hasChanges, "\(plan.changes.filter { $0.action.isChange }.map(\.address))")
        }
    }

    /// How many mutating requests a clean apply of the stack makes.
    private func mutatingRequestsOfACleanApply() async throws -> Int {
        let project = makeTemporaryDirectory("terrace-count-project")
        defer { try? FileManager.default.removeItem(atPath: project) }
        let count = Atomic<Int>(0)
        var total = 0
        try await withCloud(configure: { configuration in
            configuration.observer = { method, path, _ in if isMutating(method, path) { count.add(1, ordering: .relaxed) } }
        }) { cloud in
            let fixture = FailureFixture(cloud: cloud, projectDirectory: project)
            try fixture.writeEnvironment()
            let run = try await FixtureBinary.run(["apply", "--env", "fx", "--auto-approve"], in: project)
            #expect(run.status == 0, "\(run.output)")
            total = count.load(ordering: .relaxed)
        }
        return total
    }

    @Test func applyKilledAfterEveryMutatingRequestIsCompletedByTheNextApply() async throws {
        let total = try await mutatingRequestsOfACleanApply()
        #expect(total >= 20, "a clean apply made \(total) mutating requests")
        for k in 1...total {
            let project = makeTemporaryDirectory("terrace-kill-project")
            defer { try? FileManager.default.removeItem(atPath: project) }
            let seen = Atomic<Int>(0)
            let victim = Atomic<Int32>(0)
            try await withCloud(configure: { configuration in
                configuration.observer = { method, path, _ in
                    guard isMutating(method, path), seen.add(1, ordering: .relaxed).newValue == k else { return }
                    let pid = victim.load(ordering: .relaxed)
                    if pid > 0 { kill(pid, SIGKILL) }
                }
            }) { cloud in
                let fixture = FailureFixture(cloud: cloud, projectDirectory: project)
                try fixture.writeEnvironment()
                let process = try FixtureBinary.start(["apply", "--env", "fx", "--auto-approve"], in: project)
                victim.store(process.pid, ordering: .relaxed)
                let (status, signalled, output) = await FixtureBinary.finish(process)
                // It really died mid-apply: killed by the signal, before its summary.
                #expect(signalled && status == SIGKILL, "k=\(k): \(output)")
                #expect(!output.contains("Apply complete"), "k=\(k)")
                _ = try fixture.state()  // whatever was written parses

                let again = try await FixtureBinary.run(["apply", "--env", "fx", "--auto-approve"], in: project)
                #expect(again.status == 0, "k=\(k): \(again.output)")
                #expect(try await fixture.cloudInventory() == FailureFixture.declaredInventory, "k=\(k)")
                let state = try #require(try fixture.state(), "k=\(k)")
                #expect(state.resources.count == 20, "k=\(k)")
                let check = try await FixtureBinary.run(["plan", "--env", "fx", "--detailed-exitcode"], in: project)
                #expect(check.status == 0, "k=\(k): \(check.output)")
            }
        }
    }

    @Test func aConcurrentApplyReportsTheLockHolderAndLeavesTheStateIntact() async throws {
        let project = makeTemporaryDirectory("terrace-lock-project")
        defer { try? FileManager.default.removeItem(atPath: project) }
        let paused = Atomic<Bool>(false)
        let release = Atomic<Bool>(false)
        try await withCloud(configure: { configuration in
            configuration.observer = { method, path, _ in
                guard isMutating(method, path), !paused.exchange(true, ordering: .relaxed) else { return }
                // Hold the first apply inside its first change until the second one has given up.
                while !release.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(10)) }
            }
        }) { cloud in
            let fixture = FailureFixture(cloud: cloud, projectDirectory: project)
            try fixture.writeEnvironment()
            let first = try FixtureBinary.start(["apply", "--env", "fx", "--auto-approve"], in: project)
            while !paused.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(10)) }

            let second = try await FixtureBinary.run(["apply", "--env", "fx", "--auto-approve"], in: project)
            #expect(second.status == 1)
            #expect(second.output.contains("locked"), "\(second.output)")
            #expect(second.output.contains("pid \(first.pid)") || second.output.contains("\(first.pid)"),
                    "\(second.output)")
            #expect(second.output.contains("apply"))

            release.store(true, ordering: .relaxed)
            let (status, _, output) = await FixtureBinary.finish(first)
            #expect(status == 0, "\(output)")
            let state = try #require(try fixture.state())
            #expect(state.resources.count == 20)
            #expect(try await fixture.cloudInventory() == FailureFixture.declaredInventory)
        }
    }
}
