import GoogleCloud
import Synchronization
import TerraceJSON

/// What happens while a plan is applied, for progress output.
public enum ApplyEvent: Sendable {
    case started(address: String, action: PlanAction, phase: ApplyPhase)
    case finished(address: String, action: PlanAction, phase: ApplyPhase, seconds: Double)
    case failed(address: String, action: PlanAction, phase: ApplyPhase, message: String)
}

/// A replace runs as two operations: the delete, then the create.
public enum ApplyPhase: String, Sendable {
    case put, remove
}

/// The outcome of an apply.
public struct ApplyReport: Sendable {
    public struct Failure: Sendable {
        public var address: String
        public var action: PlanAction
        public var message: String
    }

    public var succeeded: [(address: String, action: PlanAction)]
    public var failed: [Failure]
    /// Operations not started because an earlier one failed.
    public var notStarted: [String]
    /// The state as last written.
    public var state: StateSnapshot?

    public var ok: Bool { failed.isEmpty && notStarted.isEmpty }
}

/// Applies a plan: each resource's operation once its dependencies' are done, at most
/// `parallelism` at a time; each resource's state written the moment its operation completes.
/// After a failure no new operation starts, in-flight ones finish, and the report says what
/// succeeded and what failed.
public struct Applier: Sendable {
    public let context: ProviderContext
    public let backend: any StateBackend
    public var parallelism: Int

    public init(context: ProviderContext, backend: any StateBackend, parallelism: Int = 10) {
        self.context = context
        self.backend = backend
        self.parallelism = max(1, parallelism)
    }

    /// One operation in the apply graph.
    struct Node: Sendable {
        let change: PlannedChange
        let phase: ApplyPhase
        var key: String { "\(phase.rawValue) \(change.address)" }
    }

    /// The operations of `plan` and what each waits for.
    static func graph(_ plan: Plan, recorded: [StateResource]) -> (nodes: [Node], waits: [String: Set<String>]) {
        var nodes: [Node] = []
        for change in plan.changes {
            switch change.action {
            case .noop: break
            case .create, .adopt, .update: nodes.append(Node(change: change, phase: .put))
            case .delete: nodes.append(Node(change: change, phase: .remove))
            case .replace:
                nodes.append(Node(change: change, phase: .remove))
                nodes.append(Node(change: change, phase: .put))
            }
        }
        let puts = Set(nodes.filter { $0.phase == .put }.map(\.change.address))
        let removes = Set(nodes.filter { $0.phase == .remove }.map(\.change.address))
        var dependenciesInState: [String: [String]] = [:]
        for resource in recorded { dependenciesInState[resource.address] = resource.dependencies }
        for change in plan.changes { dependenciesInState[change.address, default: []] += change.dependencies }

        var waits: [String: Set<String>] = [:]
        for node in nodes {
            var needs: Set<String> = []
            let address = node.change.address
            switch node.phase {
            case .put:
                // After what it depends on exists, and after its own delete when replaced.
                for dependency in node.change.dependencies where puts.contains(dependency) { needs.insert("put \(dependency)") }
                if removes.contains(address) { needs.insert("remove \(address)") }
            case .remove:
                // After everything that depends on it is gone.
                for (other, dependencies) in dependenciesInState where other != address && dependencies.contains(address)
                    && removes.contains(other) {
                    needs.insert("remove \(other)")
                }
            }
            waits[node.key] = needs
        }
        return (nodes, waits)
    }

    /// Applies `plan` over `snapshot` (the state it was planned against, locked by the caller).
    public func apply(_ plan: Plan, snapshot: StateSnapshot?, lineage: String? = nil, owner: (environment: String, project: String)? = nil,
                      observe: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async throws -> ApplyReport {
        var initial = snapshot?.state ?? StateFile(lineage: lineage ?? StateIDs.random())
        if let owner {
            initial.environment = owner.environment
            initial.project = owner.project
        }
        // Resources with nothing to do still get their refreshed attributes and dependencies.
        for change in plan.changes where change.action == .noop && change.refreshesState {
            if let index = initial.resources.firstIndex(where: { $0.address == change.address }), let current = change.current {
                initial.resources[index].attributes = current
                initial.resources[index].dependencies = change.dependencies
                initial.resources[index].protected = change.protected
            }
        }
        let writer = StateWriter(backend: backend, state: initial, snapshot: snapshot)
        if let snapshot, initial != snapshot.state { try await writer.update { _ in } }

        let (nodes, waits) = Self.graph(plan, recorded: snapshot?.state.resources ?? [])
        let byKey = Dictionary(uniqueKeysWithValues: nodes.map { ($0.key, $0) })
        var pending = waits
        var done: Set<String> = []
        var succeeded: [(String, PlanAction)] = []
        var failed: [ApplyReport.Failure] = []
        var stopping = false
        var running = 0
        var fatal: (any Error)?

        try await withThrowingTaskGroup(of: (String, Result<Void, any Error>).self) { group in
            func startReady() {
                guard !stopping else { return }
                let ready = pending.filter { $0.value.isSubset(of: done) }.keys.sorted()
                for key in ready where running < parallelism {
                    pending[key] = nil
                    running += 1
                    let node = byKey[key]!
                    group.addTask {
                        let start = context.time.now()
                        observe(.started(address: node.change.address, action: node.change.action, phase: node.phase))
                        do {
                            try await run(node, writer: writer)
                            observe(.finished(address: node.change.address, action: node.change.action, phase: node.phase,
                                              seconds: context.time.now() - start))
                            return (key, .success(()))
                        } catch {
                            observe(.failed(address: node.change.address, action: node.change.action, phase: node.phase,
                                            message: Self.message(error)))
                            return (key, .failure(error))
                        }
                    }
                }
            }
            startReady()
            while let (key, result) = try await group.next() {
                running -= 1
                let node = byKey[key]!
                switch result {
                case .success:
                    done.insert(key)
                    if node.phase == .put || node.change.action == .delete { succeeded.append((node.change.address, node.change.action)) }
                case .failure(let error):
                    stopping = true
                    if error is StateError { fatal = error }
                    failed.append(.init(address: node.change.address, action: node.change.action, message: Self.message(error)))
                }
                startReady()
            }
        }
        if let fatal { throw fatal }
        let notStarted = pending.keys.map { String($0.split(separator: " ", maxSplits: 1)[1]) }
        return ApplyReport(succeeded: succeeded, failed: failed, notStarted: Array(Set(notStarted)).sorted(),
                           state: await writer.snapshot)
    }

    static func message(_ error: any Error) -> String {
        if let error = error as? GoogleAPIError { return error.description }
        if let error = error as? EngineError { return error.description }
        if let error = error as? StateError { return error.description }
        return "\(error)"
    }

    /// Runs one operation and records its outcome in the state.
    func run(_ node: Node, writer: StateWriter) async throws {
        let change = node.change
        guard let provider = Providers.provider(change.type) else {
            throw EngineError("\(change.address): unknown resource type \(change.type)")
        }
        switch node.phase {
        case .remove:
            let id = change.previousID ?? change.id
            let attributes = await writer.attributes(of: change.address) ?? change.current ?? [:]
            try await provider.delete(id: id, attributes: attributes, force: change.deletesContents, context)
            try await writer.update { $0.resources.removeAll { $0.address == change.address } }
        case .put:
            guard let desired = change.desired else { throw EngineError("\(change.address): the plan has no attributes to apply") }
            let live = try await put(change, desired: desired, provider: provider)
            let record = StateResource(
                address: change.address, type: change.type, id: change.id,
                attributes: .object(provider.canonical(live, shapedLike: desired)), dependencies: change.dependencies,
                protected: change.protected)
            try await writer.update { state in
                state.resources.removeAll { $0.address == change.address }
                state.resources.append(record)
            }
        }
    }

    /// Creates, adopts or updates one resource; answers its attributes afterwards.
    private func put(_ change: PlannedChange, desired: JSON, provider: any ResourceProvider) async throws -> JSON {
        if change.action == .create || change.action == .replace {
            do {
                return try await provider.create(id: change.id, desired: desired, context)
            } catch let error as GoogleAPIError where error.isConflict {
                // Already there: created by an apply that was interrupted, or by someone else.
                guard let live = try await provider.read(id: change.id, known: desired, context) else { throw error }
                guard provider.isMarked(live, context) else {
                    throw EngineError("\(change.address): \(provider.noun) \(change.id) already exists and is not marked as this stack's; "
                                          + "to manage it, run `terrace import --env \(context.stackName) \(change.address) \(change.id)`")
                }
                return try await converge(change, desired: desired, live: live, provider: provider)
            }
        }
        // Update or adopt: compare against a fresh read, so the write carries a current etag.
        guard let live = try await provider.read(id: change.id, known: desired, context) else {
            return try await provider.create(id: change.id, desired: desired, context)
        }
        return try await converge(change, desired: desired, live: live, provider: provider)
    }

    private func converge(_ change: PlannedChange, desired: JSON, live: JSON, provider: any ResourceProvider) async throws -> JSON {
        let current = provider.canonical(live, shapedLike: desired)
        let wanted = provider.canonical(desired, shapedLike: desired)
        let changed = Set(AttributeChange.diff(.object(current), .object(wanted)).map(\.attribute))
        if changed.isEmpty { return live }
        return try await provider.update(id: change.id, desired: desired, live: live, changed: changed, context)
    }
}

/// Writes the state as operations complete: one write at a time, each based on the last, with
/// changes that arrive during a write folded into the next.
actor StateWriter {
    private let backend: any StateBackend
    private var state: StateFile
    private(set) var snapshot: StateSnapshot?
    private var version = 0
    private var written = 0
    private var writing = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(backend: any StateBackend, state: StateFile, snapshot: StateSnapshot?) {
        self.backend = backend
        self.state = state
        self.snapshot = snapshot
    }

    func attributes(of address: String) -> JSON? { state[address]?.attributes }

    func update(_ change: (inout StateFile) -> Void) async throws {
        change(&state)
        version += 1
        try await flush()
    }

    /// Returns once everything changed so far is written.
    func flush() async throws {
        let wanted = version
        while written < wanted {
            if writing {
                await withCheckedContinuation { waiters.append($0) }
                continue
            }
            writing = true
            let next = state, nextVersion = version
            do {
                snapshot = try await backend.write(next, basedOn: snapshot)
                written = max(written, nextVersion)
            } catch {
                writing = false
                resumeWaiters()
                throw error
            }
            writing = false
            resumeWaiters()
        }
    }

    private func resumeWaiters() {
        let waiting = waiters
        waiters = []
        for waiter in waiting { waiter.resume() }
    }
}
