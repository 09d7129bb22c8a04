import Synchronization

/// The BigQuery jobs running in this process: which are running, which were asked to stop
/// (`jobs.cancel`), and the requests (`jobs.query`, `jobs.getQueryResults`) waiting for one to
/// finish, woken when it does or when their time is up. Jobs run on the cloud's
/// ``BackgroundTasks``; the store says what a job is, this only coordinates. Jobs are keyed
/// `project/jobID`.
final class BigQueryJobRunner: Sendable {
    private enum Waiter {
        /// Counted in, not yet suspended.
        case arriving
        /// Suspended until the job finishes or `timer` fires.
        case waiting(CheckedContinuation<Void, Never>, timer: Task<Void, Never>?)
        /// Gave up (its request was cancelled) before it suspended.
        case abandoned
    }

    private struct Job {
        var cancelled = false
        var task: Task<Void, Never>?
    }

    private struct State {
        var jobs: [String: Job] = [:]
        var waiters: [Int: (job: String, state: Waiter)] = [:]
        var nextWaiter = 0
    }

    private let state = Mutex(State())
    private let background: BackgroundTasks
    private let gate: (@Sendable (String) async -> Void)?

    init(background: BackgroundTasks, gate: (@Sendable (String) async -> Void)?) {
        self.background = background
        self.gate = gate
    }

    static func key(_ project: String, _ jobID: String) -> String { project + "/" + jobID }

    /// Runs `work` for job `key` in the background (after the test gate, when there is one);
    /// `false` when the cloud is stopping and nothing runs.
    func start(_ key: String, jobID: String, _ work: @escaping @Sendable () async -> Void) -> Bool {
        state.withLock { $0.jobs[key] = Job() }
        let gate = self.gate
        let task = background.run { [self] in
            if let gate { await gate(jobID) }
            await work()
            finish(key)
        }
        guard let task else {
            finish(key)
            return false
        }
        state.withLock { $0.jobs[key]?.task = task }
        return true
    }

    /// Whether job `key` is running in this process.
    func isRunning(_ key: String) -> Bool { state.withLock { $0.jobs[key] != nil } }

    /// Asks job `key` to stop; `false` when it is not running.
    func cancel(_ key: String) -> Bool {
        let task: Task<Void, Never>?? = state.withLock { state in
            guard state.jobs[key] != nil else { return nil }
            state.jobs[key]?.cancelled = true
            return .some(state.jobs[key]?.task)
        }
        guard let task else { return false }
        task?.cancel()
        return true
    }

    /// Whether job `key` was asked to stop.
    func isCancelled(_ key: String) -> Bool { state.withLock { $0.jobs[key]?.cancelled ?? false } }

    /// Suspends until job `key` is no longer running, `timeout` has passed, or the calling task
    /// is cancelled, whichever comes first; at once when it is not running.
    func wait(for key: String, upTo timeout: Duration) async {
        let id: Int? = state.withLock { state in
            guard state.jobs[key] != nil else { return nil }
            let id = state.nextWaiter
            state.nextWaiter += 1
            state.waiters[id] = (key, .arriving)
            return id
        }
        guard let id else { return }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let suspended = state.withLock { state -> Bool in
                    guard case .arriving = state.waiters[id]?.state, state.jobs[key] != nil else {
                        state.waiters[id] = nil
                        return false
                    }
                    state.waiters[id] = (key, .waiting(continuation, timer: nil))
                    return true
                }
                guard suspended else { return continuation.resume() }
                let timer = Task { [self] in
                    try? await Task.sleep(for: timeout)
                    wake(id, abandoning: false)
                }
                let kept = state.withLock { state -> Bool in
                    guard case .waiting(let continuation, _) = state.waiters[id]?.state else { return false }
                    state.waiters[id] = (key, .waiting(continuation, timer: timer))
                    return true
                }
                if !kept { timer.cancel() }
            }
        } onCancel: {
            wake(id, abandoning: true)
        }
    }

    /// Resumes waiter `id` if it is suspended; one still arriving is marked abandoned when its
    /// request was cancelled, so it does not suspend at all.
    private func wake(_ id: Int, abandoning: Bool) {
        let resumed: (CheckedContinuation<Void, Never>, Task<Void, Never>?)? = state.withLock { state in
            guard let waiter = state.waiters[id] else { return nil }
            switch waiter.state {
            case .waiting(let continuation, let timer):
                state.waiters[id] = nil
                return (continuation, timer)
            case .arriving:
                if abandoning { state.waiters[id] = (waiter.job, .abandoned) }
                return nil
            case .abandoned:
                return nil
            }
        }
        guard let (continuation, timer) = resumed else { return }
        timer?.cancel()
        continuation.resume()
    }

    /// Forgets job `key` and wakes everything waiting for it.
    private func finish(_ key: String) {
        let woken: [(CheckedContinuation<Void, Never>, Task<Void, Never>?)] = state.withLock { state in
            state.jobs[key] = nil
            var woken: [(CheckedContinuation<Void, Never>, Task<Void, Never>?)] = []
            for (id, waiter) in state.waiters where waiter.job == key {
                if case .waiting(let continuation, let timer) = waiter.state { woken.append((continuation, timer)) }
                state.waiters[id] = nil
            }
            return woken
        }
        for (continuation, timer) in woken {
            timer?.cancel()
            continuation.resume()
        }
    }
}
