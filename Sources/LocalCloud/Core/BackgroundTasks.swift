import Synchronization

/// Work the local cloud goes on doing after it has answered the request that started it
/// (BigQuery jobs run here). Each piece runs on a task of its own, tracked until it ends, so
/// stopping the cloud can cancel what is still running and wait for it.
public final class BackgroundTasks: Sendable {
    private struct State {
        var tasks: [Int: Task<Void, Never>] = [:]
        var next = 0
        var stopping = false
    }

    private let state = Mutex(State())

    public init() {}

    /// Whether the cloud is stopping: work still running must end without recording more, so
    /// that it reads, after a restart, as interrupted.
    public var isStopping: Bool { state.withLock { $0.stopping } }

    /// Runs `work` on a task of its own; nil (and nothing runs) once the cloud is stopping.
    @discardableResult
    public func run(_ work: @escaping @Sendable () async -> Void) -> Task<Void, Never>? {
        state.withLock { state in
            guard !state.stopping else { return nil }
            let id = state.next
            state.next += 1
            let task = Task { [weak self] in
                await work()
                self?.ended(id)
            }
            state.tasks[id] = task
            return task
        }
    }

    /// Cancels every task still running and waits until all have ended; nothing runs afterwards.
    public func stop() async {
        let running = state.withLock { state in
            state.stopping = true
            return Array(state.tasks.values)
        }
        for task in running { task.cancel() }
        for task in running { await task.value }
    }

    private func ended(_ id: Int) {
        state.withLock { _ = $0.tasks.removeValue(forKey: id) }
    }
}
