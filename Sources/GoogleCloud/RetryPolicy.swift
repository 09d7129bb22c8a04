/// When to retry a request to a Google API: 429, 500, 502, 503, 504 and transient transport
/// failures (reset, refused, timed out), with exponential backoff and full jitter, honouring
/// `Retry-After`, within a bounded number of attempts and a bounded total time.
///
/// A value type with a `mutating` ``decide(_:now:random:)``: the caller runs the attempt, reports
/// its outcome and the time, and sleeps for what the policy answers. No I/O happens here.
public struct RetryPolicy: Sendable, Equatable {
    /// The most attempts, the first included.
    public var maxAttempts: Int
    /// The longest time from the first attempt's start to the start of the last retry, in seconds.
    public var maxTotalSeconds: Double
    /// The backoff ceiling of the first retry; it doubles with each retry.
    public var initialBackoffSeconds: Double
    /// The largest backoff ceiling.
    public var maxBackoffSeconds: Double

    /// Attempts reported so far.
    public private(set) var attempts = 0
    private var startedAt: Double?

    public init(maxAttempts: Int = 8, maxTotalSeconds: Double = 60, initialBackoffSeconds: Double = 0.5,
                maxBackoffSeconds: Double = 16) {
        self.maxAttempts = maxAttempts
        self.maxTotalSeconds = maxTotalSeconds
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
    }

    /// A policy that never retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// What one attempt came to.
    public enum Outcome: Sendable, Equatable {
        /// An HTTP answer, with its `Retry-After` in seconds when it had one.
        case status(Int, retryAfterSeconds: Double?)
        /// No HTTP answer; `transient` when a retry may succeed (reset, refused, timeout).
        case transportFailure(transient: Bool)
    }

    /// Why the policy stopped.
    public enum StopReason: Sendable, Equatable {
        /// The attempt succeeded (any status below 400 other than a retryable one).
        case succeeded
        /// The failure is not one a retry can fix (a 4xx other than 429, a permanent transport failure).
        case notRetryable
        /// ``maxAttempts`` attempts were made.
        case attemptsExhausted
        /// Waiting again would pass ``maxTotalSeconds``.
        case timeExhausted
    }

    /// What to do next.
    public enum Decision: Sendable, Equatable {
        case retry(afterSeconds: Double)
        case stop(StopReason)
    }

    /// Whether an HTTP status is one Google asks clients to retry.
    public static func isRetryable(status: Int) -> Bool { [429, 500, 502, 503, 504].contains(status) }

    /// Marks the start of the first attempt; without it the first ``decide(_:now:random:)`` does.
    public mutating func start(now: Double) {
        if startedAt == nil { startedAt = now }
    }

    /// Records one attempt's outcome at `now` (seconds) and answers whether and when to retry.
    /// `random` answers a number in `0..<1` for the full jitter.
    public mutating func decide(_ outcome: Outcome, now: Double, random: () -> Double) -> Decision {
        start(now: now)
        attempts += 1
        let retryAfter: Double?
        switch outcome {
        case .status(let status, let after):
            guard Self.isRetryable(status: status) else { return .stop(status < 400 ? .succeeded : .notRetryable) }
            retryAfter = after
        case .transportFailure(let transient):
            guard transient else { return .stop(.notRetryable) }
            retryAfter = nil
        }
        guard attempts < maxAttempts else { return .stop(.attemptsExhausted) }
        let ceiling = min(maxBackoffSeconds, initialBackoffSeconds * Double(1 << min(attempts - 1, 30)))
        let delay = retryAfter.map { max(0, $0) } ?? ceiling * min(max(random(), 0), 1)
        let elapsed = now - (startedAt ?? now)
        guard elapsed + delay <= maxTotalSeconds else { return .stop(.timeExhausted) }
        return .retry(afterSeconds: delay)
    }

    /// Parses a `Retry-After` header given in seconds (an HTTP date is ignored).
    public static func retryAfterSeconds(_ header: String?) -> Double? {
        guard let header, let seconds = Double(header.trimmingSpaces()), seconds >= 0 else { return nil }
        return seconds
    }
}

extension String {
    func trimmingSpaces() -> String {
        var slice = Substring(self)
        while slice.first == " " || slice.first == "\t" { slice.removeFirst() }
        while slice.last == " " || slice.last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
