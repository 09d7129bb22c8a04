import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The local cloud's notion of now, in microseconds since the Unix epoch.
///
/// Everything time-based (ack deadlines, token expiry, generation numbers, timestamps) reads
/// this, so tests move time with ``ManualClock`` instead of sleeping.
public protocol CloudClock: Sendable {
    func nowMicros() -> Int64
}

extension CloudClock {
    public func nowMillis() -> Int64 { nowMicros() / 1000 }
}

/// The wall clock.
public struct SystemClock: CloudClock {
    public init() {}
    public func nowMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
    }
}

/// A clock that moves only when told to.
public final class ManualClock: CloudClock {
    private let micros: Mutex<Int64>

    /// Starts at `micros` (default 2026-01-01T00:00:00Z).
    public init(micros: Int64 = 1_767_225_600_000_000) { self.micros = Mutex(micros) }

    public func nowMicros() -> Int64 { micros.withLock { $0 } }

    public func advance(seconds: Double) {
        micros.withLock { $0 += Int64(seconds * 1_000_000) }
    }
}
