import GoogleCloud
import TerraceJSON

/// State in Cloud Storage under `gs://BUCKET/PREFIX/`: the state object `terrace.state.json`,
/// written with `ifGenerationMatch` of the generation read (0 when none existed) so a concurrent
/// writer is detected, never overwritten; and the lock object `terrace.lock`, created with
/// `ifGenerationMatch=0` and holding who, when and what operation, deleted with the
/// generation it was created at. The bucket should have object versioning on (`terrace init`
/// creates it so), which keeps every previous state.
public struct GCSStateBackend: StateBackend {
    public let bucket: String
    public let prefix: String
    let storage: GoogleCloudClient
    let upload: GoogleCloudClient
    let time: TimeSource
    let makeID: @Sendable () -> String

    /// A backend over `cloud`'s storage clients; time (for lock waits) is `cloud.storage.time`
    /// unless given.
    public init(bucket: String, prefix: String, cloud: GoogleCloud, time: TimeSource? = nil,
                makeID: @escaping @Sendable () -> String = { StateIDs.random() }) {
        self.bucket = bucket
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.storage = cloud.storage
        self.upload = cloud.storageUpload
        self.time = time ?? cloud.storage.time
        self.makeID = makeID
    }

    public var stateObject: String { object("terrace.state.json") }
    public var lockObject: String { object("terrace.lock") }
    public var location: String { "gs://\(bucket)/\(stateObject)" }
    var lockLocation: String { "gs://\(bucket)/\(lockObject)" }

    private func object(_ name: String) -> String { prefix.isEmpty ? name : "\(prefix)/\(name)" }

    // MARK: Objects

    /// The object's bytes and generation, or `nil` when it does not exist.
    private func download(_ name: String) async throws -> (bytes: [UInt8], generation: Int64)? {
        do {
            let response = try await storage.send("GET", "b/\(bucket)/o/\(URLEncoding.component(name))", query: [("alt", "media")])
            guard let generation = response.header("x-goog-generation").flatMap({ Int64($0) }) else {
                throw StateError(.backend, "gs://\(bucket)/\(name)",
                                 "gs://\(bucket)/\(name): the download carried no x-goog-generation header; cannot write it safely")
            }
            return (response.body, generation)
        } catch let error as GoogleAPIError where error.isNotFound {
            return nil
        } catch let error as GoogleAPIError {
            throw backend(error, "gs://\(bucket)/\(name)")
        }
    }

    /// Uploads `bytes` as `name` only if its generation is `generation` (0: only if absent);
    /// answers the new generation, or `nil` on 412.
    private func create(_ name: String, _ bytes: [UInt8], ifGeneration generation: Int64) async throws -> Int64? {
        do {
            let response = try await upload.send(
                "POST", "b/\(bucket)/o",
                query: [("uploadType", "media"), ("name", name), ("ifGenerationMatch", String(generation))],
                headers: [("Content-Type", "application/json")], body: bytes)
            guard let written = try response.json()["generation"]?.stringValue.flatMap({ Int64($0) }) else {
                throw StateError(.backend, "gs://\(bucket)/\(name)", "gs://\(bucket)/\(name): the upload answer has no generation")
            }
            return written
        } catch let error as GoogleAPIError where error.isPreconditionFailed {
            return nil
        } catch let error as GoogleAPIError {
            throw backend(error, "gs://\(bucket)/\(name)")
        }
    }

    private func backend(_ error: GoogleAPIError, _ where_: String) -> StateError {
        if error.isNotFound && error.message.lowercased().contains("bucket") {
            return StateError(.backend, where_, "\(where_): the state bucket gs://\(bucket) does not exist; create it with `terrace init`")
        }
        return StateError(.backend, where_, "\(where_): \(error.description)")
    }

    // MARK: State

    public func read() async throws -> StateSnapshot? {
        guard let (bytes, generation) = try await download(stateObject) else { return nil }
        return StateSnapshot(state: try StateFile.decode(bytes, location: location), generation: generation)
    }

    public func write(_ state: StateFile, basedOn: StateSnapshot?) async throws -> StateSnapshot {
        let next = try next(state, basedOn: basedOn)
        let bytes = next.encoded()
        let expected = basedOn?.generation ?? 0
        if let generation = try await create(stateObject, bytes, ifGeneration: expected) {
            return StateSnapshot(state: next, generation: generation)
        }
        // 412: someone else wrote it — unless a retried upload of ours had already landed.
        let current = try await download(stateObject)
        if let current, current.bytes == bytes { return StateSnapshot(state: next, generation: current.generation) }
        let now = current.map { "generation \($0.generation)" } ?? "no state object"
        throw StateError(.stateChanged, location,
                         "\(location): the state changed since it was read (read generation \(expected), now \(now)); "
                             + "another run wrote it — run the command again")
    }

    // MARK: Locking

    public func lock(operation: String, timeout: Double) async throws -> StateLockInfo {
        let info = StateLockInfo.current(operation: operation, id: makeID(), now: time.now())
        let body = info.json.encodedBytes(.pretty) + [0x0A]
        return try await waitForLock(timeout: timeout, time: time) {
            if try await create(lockObject, body, ifGeneration: 0) != nil { return .acquired(info) }
            guard let holder = try await currentLock() else { return .held(nil) }
            // A retried create of ours that had already succeeded.
            if holder.info?.id == info.id { return .acquired(info) }
            return .held(holder.info)
        }
    }

    /// The lock object's holder (nil when unreadable) and generation, or `nil` when unlocked.
    private func currentLock() async throws -> (info: StateLockInfo?, generation: Int64)? {
        guard let (bytes, generation) = try await download(lockObject) else { return nil }
        return (StateLockInfo(bytes: bytes), generation)
    }

    public func unlock(_ lock: StateLockInfo) async throws {
        guard let current = try await currentLock() else { return }
        guard current.info?.id == lock.id else {
            throw StateError(.lockLost, lockLocation, holder: current.info,
                             "\(lockLocation): lock \(lock.id) was force-unlocked while \(lock.operation) ran "
                                 + "(now \(current.info?.summary ?? "held by another")); check the state with `terrace plan`")
        }
        try await delete(lockObject, generation: current.generation)
    }

    public func lockHolder() async throws -> StateLockInfo? {
        guard let current = try await currentLock() else { return nil }
        return current.info ?? StateLockInfo(id: "unknown", who: "unknown", pid: 0, when: "unknown", operation: "unknown")
    }

    public func forceUnlock(_ lockID: String) async throws {
        guard let current = try await currentLock() else {
            throw StateError(.noLock, lockLocation, "\(lockLocation): the state is not locked (there is nothing to force-unlock)")
        }
        guard let info = current.info, info.id == lockID else {
            let who = current.info.map { "the lock is \($0.summary)" } ?? "the lock object holds no lock id"
            throw StateError(.lockIDMismatch, lockLocation, holder: current.info,
                             "\(lockLocation): refusing to force-unlock: \(who), not \(lockID) (pass the id of the lock to remove)")
        }
        try await delete(lockObject, generation: current.generation)
    }

    /// Deletes `name` at `generation`; gone already is fine (a retried delete), replaced is not.
    private func delete(_ name: String, generation: Int64) async throws {
        do {
            _ = try await storage.send("DELETE", "b/\(bucket)/o/\(URLEncoding.component(name))",
                                       query: [("ifGenerationMatch", String(generation))])
        } catch let error as GoogleAPIError where error.isNotFound {
            return
        } catch let error as GoogleAPIError where error.isPreconditionFailed {
            throw StateError(.lockLost, lockLocation, "\(lockLocation): the lock was replaced by another run before it could be removed")
        } catch let error as GoogleAPIError {
            throw backend(error, "gs://\(bucket)/\(name)")
        }
    }
}
