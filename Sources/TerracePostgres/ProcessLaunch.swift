import Foundation

/// Starts child processes one at a time. Foundation's `Process.run()` on Linux is not safe to
/// call from two threads at once (seen: a crash in its memcpy while two test suites started
/// servers together), so every launch in a process goes through this lock.
public enum ProcessLaunch {
    private static let lock = NSLock()

    public static func run(_ process: Process) throws {
        try lock.withLock { try process.run() }
    }
}
