import Synchronization
import TerraceHTTP

/// A pool of libcurl handles shared by every client: each handle keeps its connection alive
/// and runs its exchanges on its own queue, so requests never block Swift's cooperative threads
/// and parallel requests each get a handle.
public final class Transport: Sendable {
    /// The limits on each exchange.
    public struct Timeouts: Sendable, Equatable {
        /// Seconds to establish a connection.
        public var connectSeconds: Int
        /// Seconds for a whole exchange.
        public var totalSeconds: Int

        public init(connectSeconds: Int = 10, totalSeconds: Int = 60) {
            self.connectSeconds = connectSeconds
            self.totalSeconds = totalSeconds
        }
    }

    public let timeouts: Timeouts
    private let maxIdle: Int
    private let idle = Mutex<[HTTPClient]>([])
    private let created = Atomic<Int>(0)

    /// A pool that keeps at most `maxIdle` idle handles (and their connections).
    public init(timeouts: Timeouts = Timeouts(), maxIdle: Int = 16) {
        self.timeouts = timeouts
        self.maxIdle = maxIdle
    }

    /// How many handles the pool has opened so far (connection reuse keeps this small).
    public var handlesCreated: Int { created.load(ordering: .relaxed) }

    /// Sends one request on an idle handle (or a new one) and answers the whole response.
    public func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil)
        async throws -> HTTPResult
    {
        let client = idle.withLock { $0.popLast() } ?? makeClient()
        defer { idle.withLock { if $0.count < maxIdle { $0.append(client) } } }
        return try await client.fetch(method, url, headers: headers, body: body)
    }

    private func makeClient() -> HTTPClient {
        created.add(1, ordering: .relaxed)
        let client = HTTPClient(timeoutSeconds: timeouts.totalSeconds)
        client.connectTimeoutSeconds = timeouts.connectSeconds
        return client
    }
}

/// The answer to a request that was retried as the policy allowed.
public struct RetriedResult: Sendable {
    /// The last answer, or the last transport failure when no answer came.
    public let outcome: Result<HTTPResult, HTTPTransportError>
    public let attempts: Int
}

extension Transport {
    /// Sends a request until it succeeds or `policy` stops, sleeping through `time` between
    /// attempts. `headers` is asked for again before every attempt (a token may be refreshed).
    public func sendRetrying(_ method: String, _ url: String, headers: () async throws -> [(String, String)],
                      body: [UInt8]?, policy: RetryPolicy, time: TimeSource) async throws -> RetriedResult {
        var policy = policy
        policy.start(now: time.now())
        while true {
            try Task.checkCancellation()
            let outcome: Result<HTTPResult, HTTPTransportError>
            do {
                outcome = .success(try await send(method, url, headers: try await headers(), body: body))
            } catch let failure as HTTPTransportError {
                outcome = .failure(failure)
            }
            let report: RetryPolicy.Outcome = switch outcome {
            case .success(let result): .status(result.status, retryAfterSeconds: RetryPolicy.retryAfterSeconds(result.header("retry-after")))
            case .failure(let failure): .transportFailure(transient: failure.isTransient)
            }
            switch policy.decide(report, now: time.now(), random: time.random) {
            case .stop: return RetriedResult(outcome: outcome, attempts: policy.attempts)
            case .retry(let seconds): try await time.sleep(seconds)
            }
        }
    }
}
