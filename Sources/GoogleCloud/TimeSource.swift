#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The clock, the sleep and the random numbers the clients use: live in production, injected
/// in tests so that backoff and token expiry are deterministic and nothing sleeps for real.
public struct TimeSource: Sendable {
    /// Seconds since the Unix epoch.
    public var now: @Sendable () -> Double
    /// Waits `seconds` (throws when the task is cancelled).
    public var sleep: @Sendable (_ seconds: Double) async throws -> Void
    /// A random number in `0..<1`, for backoff jitter.
    public var random: @Sendable () -> Double

    public init(now: @escaping @Sendable () -> Double, sleep: @escaping @Sendable (Double) async throws -> Void,
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.now = now
        self.sleep = sleep
        self.random = random
    }

    /// The wall clock, real sleeps and system randomness.
    public static let live = TimeSource(
        now: {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
        },
        sleep: { seconds in
            guard seconds > 0 else { return }
            try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
        })
}
