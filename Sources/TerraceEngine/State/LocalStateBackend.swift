import Glibc
import GoogleCloud
import Synchronization

/// State in a local file: atomic writes (mode 0600) keeping the state as it was before the
/// current operation (the first write after each lock, or after the backend is made) as
/// `<file>.backup`, and a lock file `<file>.lock` held with `flock` whose JSON body says who
/// holds it. A holder that dies releases the flock with it; `forceUnlock` removes a lock file
/// whose id matches. Writes check that the file is still the snapshot they are based on; that
/// check is exact only for callers holding the lock, as every command that writes does.
public final class LocalStateBackend: StateBackend {
    /// Test seams: failures injected at points of a write.
    public struct Hooks: Sendable {
        /// Runs after the new file is written and synced, before it is renamed into place.
        public var beforeRename: @Sendable () throws -> Void
        public init(beforeRename: @escaping @Sendable () throws -> Void = {}) { self.beforeRename = beforeRename }
    }

    /// The state file's path.
    public let path: String
    public let location: String
    public var backupPath: String { path + ".backup" }
    public var lockPath: String { path + ".lock" }
    let time: TimeSource
    let hooks: Hooks
    let makeID: @Sendable () -> String
    /// Lock id → open, flocked descriptor of the lock file, for locks this process holds.
    private let held = Mutex<[String: Int32]>([:])
    /// Whether this operation's first write has saved the previous state as the backup yet.
    private let backedUp = Mutex(false)

    /// A backend for the file at `path` (`location` names it in messages, default the path).
    public init(path: String, location: String? = nil, time: TimeSource = .live, hooks: Hooks = Hooks(),
                makeID: @escaping @Sendable () -> String = { StateIDs.random() }) {
        self.path = path
        self.location = location ?? path
        self.time = time
        self.hooks = hooks
        self.makeID = makeID
    }

    deinit {
        held.withLock { fds in for fd in fds.values { close(fd) } }
    }

    public func read() async throws -> StateSnapshot? {
        guard let bytes = try StateFileSystem.readIfExists(path, location: location) else { return nil }
        let state = try StateFile.decode(bytes, location: location)
        return StateSnapshot(state: state, generation: state.serial)
    }

    public func write(_ state: StateFile, basedOn: StateSnapshot?) async throws -> StateSnapshot {
        let current = try await read()
        if current?.state.lineage != basedOn?.state.lineage || current?.state.serial != basedOn?.state.serial {
            throw stateChanged(read: basedOn, now: current)
        }
        let next = try next(state, basedOn: basedOn)
        try StateFileSystem.makeDirectories(StateFileSystem.directoryName(path), location: location)
        if !backedUp.withLock({ $0 }), let old = try StateFileSystem.readIfExists(path, location: location) {
            // One backup per operation: what the state was before it, not before its last resource.
            try StateFileSystem.replaceAtomically(backupPath, with: old, location: location)
        }
        backedUp.withLock { $0 = true }
        try StateFileSystem.replaceAtomically(path, with: next.encoded(), location: location, beforeRename: hooks.beforeRename)
        return StateSnapshot(state: next, generation: next.serial)
    }

    private func stateChanged(read: StateSnapshot?, now: StateSnapshot?) -> StateError {
        let was = read.map { "serial \($0.state.serial)" } ?? "no state"
        let isNow = now.map { "serial \($0.state.serial)" } ?? "no state"
        return StateError(.stateChanged, location,
                          "\(location): the state changed since it was read (read \(was), now \(isNow)); another run wrote it — "
                              + "run the command again")
    }

    // MARK: Locking

    public func lock(operation: String, timeout: Double) async throws -> StateLockInfo {
        try StateFileSystem.makeDirectories(StateFileSystem.directoryName(path), location: location)
        let info = StateLockInfo.current(operation: operation, id: makeID(), now: time.now())
        backedUp.withLock { $0 = false }
        return try await waitForLock(timeout: timeout, time: time) { try tryLock(info) }
    }

    private func tryLock(_ info: StateLockInfo) throws(StateError) -> LockAttempt {
        while true {
            let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw StateFileSystem.failure(location, "cannot open the lock file \(lockPath)", errno) }
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let code = errno
                let holder = try? StateFileSystem.readAll(fd, location: location)
                close(fd)
                guard code == EWOULDBLOCK else { throw StateFileSystem.failure(location, "cannot lock \(lockPath)", code) }
                return .held(holder.flatMap { StateLockInfo(bytes: $0) })
            }
            // A force-unlock may have removed the file between open and flock: lock the new one.
            guard sameFile(fd, lockPath) else {
                close(fd)
                continue
            }
            let body = info.json.encodedBytes(.pretty) + [0x0A]
            guard ftruncate(fd, 0) == 0, StateFileSystem.writeAll(fd, body), fsync(fd) == 0 else {
                let code = errno
                unlink(lockPath)
                close(fd)
                throw StateFileSystem.failure(location, "cannot write the lock file \(lockPath)", code)
            }
            held.withLock { $0[info.id] = fd }
            return .acquired(info)
        }
    }

    public func unlock(_ lock: StateLockInfo) async throws {
        guard let fd = held.withLock({ $0.removeValue(forKey: lock.id) }) else {
            throw StateError(.noLock, location, "\(location): this process does not hold lock \(lock.id)")
        }
        defer { close(fd) }
        guard sameFile(fd, lockPath) else {
            throw StateError(.lockLost, location,
                             "\(location): lock \(lock.id) was force-unlocked while \(lock.operation) ran (check the state with `terrace plan`)")
        }
        unlink(lockPath)
    }

    public func lockHolder() async throws -> StateLockInfo? {
        let fd = open(lockPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return nil
        }
        return (try? StateFileSystem.readAll(fd, location: location)).flatMap { StateLockInfo(bytes: $0) }
    }

    public func forceUnlock(_ lockID: String) async throws {
        guard let bytes = try StateFileSystem.readIfExists(lockPath, location: location) else {
            throw StateError(.noLock, location, "\(location): is not locked (there is nothing to force-unlock)")
        }
        let holder = StateLockInfo(bytes: bytes)
        guard let holder, holder.id == lockID else {
            let who = holder.map { "the lock is \($0.summary)" } ?? "the lock file \(lockPath) holds no lock id"
            throw StateError(.lockIDMismatch, location, holder: holder,
                             "\(location): refusing to force-unlock: \(who), not \(lockID) (pass the id of the lock to remove)")
        }
        unlink(lockPath)
    }

    /// Whether `fd` is still the file at `path` (not unlinked or replaced).
    private func sameFile(_ fd: Int32, _ path: String) -> Bool {
        var open = stat()
        var named = stat()
        guard fstat(fd, &open) == 0, stat(path, &named) == 0 else { return false }
        return open.st_ino == named.st_ino && open.st_dev == named.st_dev
    }
}
