import Foundation

/// Runs `body` on a new thread of its own and waits — without holding a thread — for its answer.
///
/// libpq blocks the calling thread for every round trip, and starting a
/// ``PostgresTestServer`` blocks for seconds. Swift's cooperative pool has only as many threads
/// as the machine has cores, so blocking one stalls unrelated tasks. `Task.detached` does not
/// help (detached tasks run on that same pool); a dedicated thread does. Use this from async
/// code for anything that talks to PostgreSQL: open the connection, stream, and close it all
/// inside `body` (a ``PostgresConnection`` must stay on one thread at a time anyway).
public func runOffCooperativePool<T: Sendable>(
    _ body: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
        let thread = Thread {
            do {
                continuation.resume(returning: try body())
            } catch {
                continuation.resume(throwing: error)
            }
        }
        thread.name = "terrace-postgres"
        thread.start()
    }
}
