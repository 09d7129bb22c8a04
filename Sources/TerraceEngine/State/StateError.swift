/// A state file that cannot be used, or a state operation that cannot proceed: one sentence
/// naming the file (or object) and what is wrong, and what to do.
public struct StateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: Sendable, Equatable {
        case unreadable, syntax, notAnObject, missingKey, unknownKey, wrongType, invalidValue, futureVersion
        case duplicateAddress, lineageMismatch, stateChanged, lockHeld, lockIDMismatch, noLock, lockLost
        case writeFailed, backend
    }

    public let code: Code
    /// The state file or object as the user names it (`.terrace/state/dev.json`, `gs://b/p/terrace.state.json`).
    public let location: String
    /// The lock holder, for ``Code/lockHeld`` and ``Code/lockIDMismatch``.
    public let holder: StateLockInfo?
    /// The whole sentence the user sees.
    public let description: String

    init(_ code: Code, _ location: String, holder: StateLockInfo? = nil, _ message: String) {
        self.code = code
        self.location = location
        self.holder = holder
        self.description = message
    }

    static func decoding(_ code: Code, _ location: String, _ what: String) -> StateError {
        StateError(code, location, "\(location): \(what) (restore it from \(location).backup or the bucket's previous version)")
    }

    static func lockHeld(_ location: String, _ holder: StateLockInfo?, waited: Double) -> StateError {
        let who = holder.map { "held by \($0.summary)" } ?? "held by another process"
        let wait = waited > 0 ? " after waiting \(formatSeconds(waited))" : ""
        let fix = holder.map { "wait for it to finish, or if it is stale run `terrace force-unlock \($0.id)`" } ?? "wait for it to finish"
        return StateError(.lockHeld, location, holder: holder, "\(location): the state is locked\(wait), \(who) (\(fix))")
    }

    static func formatSeconds(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
