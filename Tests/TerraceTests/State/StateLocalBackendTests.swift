import Foundation
import GoogleCloud
import LocalCloud
import Testing
import TerraceEngine

@Suite("State in a local file")
struct StateLocalBackendTests {
    struct InjectedCrash: Error {}

    static func backend(_ directory: String, clock: ManualClock = ManualClock(), sleeps: Sleeps? = nil,
                        hooks: LocalStateBackend.Hooks = .init(), id: String? = nil) -> LocalStateBackend {
        LocalStateBackend(path: directory + "/state/dev.json", time: manualTime(clock, sleeps: sleeps), hooks: hooks,
                          makeID: { id ?? StateIDs.random() })
    }

    static func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map { Array($0) } }

    @Test func aMissingFileIsNoStateAndTheFirstWriteCreatesSerialOne() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let backend = Self.backend(directory)
        #expect(try await backend.read() == nil)
        let written = try await backend.write(StateFile(lineage: "L", resources: StateFileTests.sample().resources), basedOn: nil)
        #expect(written.state.serial == 1)
        let read = try #require(try await backend.read())
        #expect(read == written)
        #expect(Set(read.state.resources) == Set(StateFileTests.sample().resources))
    }

    @Test func everyWriteBumpsTheSerialAndKeepsTheLineage() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let backend = Self.backend(directory)
        let first = try await backend.write(StateFile(lineage: "L"), basedOn: nil)
        #expect(first.state.serial == 1)
        var changed = first.state
        changed.resources.append(StateResource(address: "topic.t", type: "pubsub_topic", id: "t"))
        let second = try await backend.write(changed, basedOn: first)
        #expect(second.state.serial == 2)
        #expect(second.state.lineage == "L")
        let error = await #expect(throws: StateError.self) { try await backend.write(StateFile(lineage: "M"), basedOn: second) }
        #expect(error?.code == .lineageMismatch)
    }

    @Test func aWriteBasedOnAStaleReadIsRefused() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let backend = Self.backend(directory)
        let first = try await backend.write(StateFile(lineage: "L"), basedOn: nil)
        _ = try await backend.write(first.state, basedOn: first)
        let error = await #expect(throws: StateError.self) { try await backend.write(first.state, basedOn: first) }
        #expect(error?.code == .stateChanged)
        #expect(error?.description.contains("the state changed since it was read (read serial 1, now serial 2)") == true)
    }

    @Test func theFileIsMode0600AndThePreviousVersionIsKeptAsBackup() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let backend = Self.backend(directory)
        let first = try await backend.write(StateFile(lineage: "L"), basedOn: nil)
        let firstBytes = try #require(Self.bytes(backend.path))
        #expect(Self.bytes(backend.backupPath) == nil)
        // The next operation's writes keep the state as it was before that operation.
        let lock = try await backend.lock(operation: "apply", timeout: 0)
        let second = try await backend.write(first.state, basedOn: first)
        #expect(Self.bytes(backend.backupPath) == firstBytes)
        _ = try await backend.write(second.state, basedOn: second)
        #expect(Self.bytes(backend.backupPath) == firstBytes)
        try await backend.unlock(lock)
        for path in [backend.path, backend.backupPath] {
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o600)
        }
    }

    @Test func aFailureBeforeRenameLeavesTheOldStateIntactAndNoPartialFile() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await Self.backend(directory).write(StateFile(lineage: "L"), basedOn: nil)
        let before = try #require(Self.bytes(directory + "/state/dev.json"))
        let crashing = Self.backend(directory, hooks: .init(beforeRename: { throw InjectedCrash() }))
        var changed = first.state
        changed.resources.append(StateResource(address: "topic.t", type: "pubsub_topic", id: "t"))
        await #expect(throws: InjectedCrash.self) { try await crashing.write(changed, basedOn: first) }
        #expect(Self.bytes(crashing.path) == before)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory + "/state").sorted()
        #expect(files == ["dev.json", "dev.json.backup"])
        #expect(try await crashing.read() == first)
    }

    @Test func aBrokenFileIsReportedAndNeverOverwritten() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let backend = Self.backend(directory)
        try FileManager.default.createDirectory(atPath: directory + "/state", withIntermediateDirectories: true)
        try "{\"format_version\": 1, \"lin".write(toFile: backend.path, atomically: true, encoding: .utf8)
        let error = await #expect(throws: StateError.self) { try await backend.read() }
        #expect(error?.code == .syntax)
        #expect(error?.description.hasPrefix(backend.path + ":1:") == true)
        await #expect(throws: StateError.self) { try await backend.write(StateFile(), basedOn: nil) }
        #expect(Self.bytes(backend.path) == Array("{\"format_version\": 1, \"lin".utf8))
    }

    @Test func aHeldLockIsReportedWithItsHolderAndASecondLockerTimesOut() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = ManualClock()
        let sleeps = Sleeps()
        let first = Self.backend(directory, clock: clock, id: "lock-one")
        let second = Self.backend(directory, clock: clock, sleeps: sleeps, id: "lock-two")
        let lock = try await first.lock(operation: "apply", timeout: 0)
        #expect(lock.id == "lock-one")
        let holder = try #require(try await second.lockHolder())
        #expect(holder == lock)
        #expect(holder.operation == "apply")
        #expect(holder.who.contains("@"))
        #expect(holder.pid == Int64(getpid()))
        let error = await #expect(throws: StateError.self) { try await second.lock(operation: "plan", timeout: 30) }
        #expect(error?.code == .lockHeld)
        #expect(error?.holder == lock)
        #expect(error?.description.contains("the state is locked after waiting 30s, held by \(lock.who) (pid \(lock.pid)) since \(lock.when) for apply, lock id lock-one") == true)
        #expect(error?.description.contains("terrace force-unlock lock-one") == true)
        #expect(sleeps.all.reduce(0, +) == 30)
        try await first.unlock(lock)
        #expect(try await second.lockHolder() == nil)
        let taken = try await second.lock(operation: "plan", timeout: 0)
        #expect(taken.id == "lock-two")
        try await second.unlock(taken)
        #expect(!FileManager.default.fileExists(atPath: first.lockPath))
    }

    @Test func aLockFreedWhileWaitingIsTaken() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let holder = Self.backend(directory, id: "held")
        let lock = try await holder.lock(operation: "apply", timeout: 0)
        let clock = ManualClock()
        let waiter = LocalStateBackend(
            path: holder.path,
            time: TimeSource(now: { Double(clock.nowMicros()) / 1e6 }, sleep: { seconds in
                clock.advance(seconds: seconds)
                if clock.nowMicros() >= 3_000_000 { try await holder.unlock(lock) }
            }),
            makeID: { "waiter" })
        let taken = try await waiter.lock(operation: "plan", timeout: 30)
        #expect(taken.id == "waiter")
        try await waiter.unlock(taken)
    }

    @Test func forceUnlockRefusesTheWrongIdAndRemovesTheRightOne() async throws {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stuck = Self.backend(directory, id: "stale-id")
        let lock = try await stuck.lock(operation: "apply", timeout: 0)
        let other = Self.backend(directory, id: "new-id")
        let error = await #expect(throws: StateError.self) { try await other.forceUnlock("wrong-id") }
        #expect(error?.code == .lockIDMismatch)
        #expect(error?.description.contains("refusing to force-unlock: the lock is") == true)
        #expect(error?.description.contains("lock id stale-id, not wrong-id") == true)
        #expect(try await other.lockHolder()?.id == "stale-id")
        try await other.forceUnlock("stale-id")
        let taken = try await other.lock(operation: "plan", timeout: 0)
        #expect(taken.id == "new-id")
        // The old holder learns its lock was broken, and does not remove the new one.
        let lost = await #expect(throws: StateError.self) { try await stuck.unlock(lock) }
        #expect(lost?.code == .lockLost)
        #expect(try await other.lockHolder()?.id == "new-id")
        try await other.unlock(taken)
        let none = await #expect(throws: StateError.self) { try await other.forceUnlock("new-id") }
        #expect(none?.code == .noLock)
    }
}
