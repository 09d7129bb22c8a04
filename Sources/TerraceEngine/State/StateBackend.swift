import GoogleCloud

/// The state as read from a backend, with what a conditional write needs.
public struct StateSnapshot: Sendable, Hashable {
    public var state: StateFile
    /// The GCS object generation (for the local backend, the serial) it was read at.
    public var generation: Int64

    public init(state: StateFile, generation: Int64) {
        self.state = state
        self.generation = generation
    }
}

/// Where an environment's state lives, and how it is locked: a local file
/// (``LocalStateBackend``) or a Cloud Storage prefix (``GCSStateBackend``).
public protocol StateBackend: Sendable {
    /// The state's location as the user names it, for messages.
    var location: String { get }
    /// The current state, or `nil` when none has been written yet.
    func read() async throws -> StateSnapshot?
    /// Writes `state` with its serial one past `basedOn`'s (1 for a first write), keeping the
    /// lineage; throws ``StateError/Code/stateChanged`` when the stored state is no longer
    /// `basedOn`, so no concurrent update is lost.
    func write(_ state: StateFile, basedOn: StateSnapshot?) async throws -> StateSnapshot
    /// Takes the lock for `operation`, waiting up to `timeout` seconds while another holder has
    /// it; then throws ``StateError/Code/lockHeld`` naming the holder.
    func lock(operation: String, timeout: Double) async throws -> StateLockInfo
    /// Releases a lock this process took.
    func unlock(_ lock: StateLockInfo) async throws
    /// The current holder, if any.
    func lockHolder() async throws -> StateLockInfo?
    /// Removes a stale lock, only when its id is `lockID`.
    func forceUnlock(_ lockID: String) async throws
}

extension StateBackend {
    /// The state that a write based on `basedOn` stores: lineage kept, serial bumped.
    func next(_ state: StateFile, basedOn: StateSnapshot?) throws(StateError) -> StateFile {
        var next = state
        if let basedOn {
            guard state.lineage == basedOn.state.lineage else {
                throw StateError(.lineageMismatch, location,
                                 "\(location): the state being written has lineage \(state.lineage) but the stored state has "
                                     + "\(basedOn.state.lineage); they are different states (check the environment's `state` setting)")
            }
            next.serial = basedOn.state.serial + 1
        } else {
            next.serial = max(state.serial, 0) + 1
        }
        next.formatVersion = StateFile.formatVersion
        next.resources.sort { $0.address < $1.address }
        return next
    }

    /// Tries `attempt` until it acquires the lock or `timeout` seconds (by `time`) have passed;
    /// then throws ``StateError/Code/lockHeld`` naming the last holder seen.
    func waitForLock(timeout: Double, time: TimeSource,
                     attempt: () async throws -> LockAttempt) async throws -> StateLockInfo {
        let start = time.now()
        while true {
            switch try await attempt() {
            case .acquired(let lock):
                return lock
            case .held(let holder):
                let waited = time.now() - start
                if waited >= timeout { throw StateError.lockHeld(location, holder, waited: waited) }
                try await time.sleep(min(1, timeout - waited))
            }
        }
    }
}

/// One try at taking a lock.
enum LockAttempt {
    case acquired(StateLockInfo)
    /// Someone else has it (`nil` when the holder cannot be read).
    case held(StateLockInfo?)
}
