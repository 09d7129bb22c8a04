import GoogleCloud
import TerraceDSL
import TerraceJSON

/// Plan, apply, destroy and import for one environment: its validated declarations, its cloud
/// and its state backend. Every operation that reads or writes the state holds the state lock.
public struct Engine: Sendable {
    public let environment: String
    public let resources: [Resource]
    public let context: ProviderContext
    public let backend: any StateBackend
    public var parallelism: Int
    /// Seconds to wait for a lock held elsewhere.
    public var lockTimeout: Double

    public init(environment: String, resources: [Resource], context: ProviderContext, backend: any StateBackend,
                parallelism: Int = 10, lockTimeout: Double = 0) {
        self.environment = environment
        self.resources = resources
        self.context = context
        self.backend = backend
        self.parallelism = parallelism
        self.lockTimeout = lockTimeout
    }

    /// Runs `body` with the state locked for `operation` and read; unlocks afterwards, whatever happens.
    public func withLock<T: Sendable>(_ operation: String, _ body: (StateSnapshot?) async throws -> T) async throws -> T {
        let lock = try await backend.lock(operation: operation, timeout: lockTimeout)
        let result: T
        do {
            let snapshot = try await backend.read()
            result = try await body(snapshot)
        } catch {
            try? await backend.unlock(lock)
            throw error
        }
        try await backend.unlock(lock)
        return result
    }

    var planner: Planner { Planner(resources: resources, context: context, parallelism: parallelism) }

    /// Refreshes and plans against `snapshot`.
    public func plan(_ snapshot: StateSnapshot?, targets: [String] = [], destroy: Bool = false) async throws -> Plan {
        try await planner.plan(environment: environment, state: snapshot, targets: targets, destroy: destroy)
    }

    /// Refuses a saved plan made for another environment, from other declarations, or against
    /// a state that has changed since.
    public func check(saved plan: Plan, file: String, against snapshot: StateSnapshot?) throws(EngineError) {
        guard plan.environment == environment, plan.project == context.project else {
            throw EngineError("\(file) was made for environment \(plan.environment) (project \(plan.project)), not \(environment) "
                                  + "(project \(context.project)); run `terrace plan --env \(environment) --out \(file)`")
        }
        guard plan.declarationsDigest == Planner.digest(resources) else {
            throw EngineError("\(file) was made from different declarations than this terrace binary has; "
                                  + "run `terrace plan --env \(environment) --out \(file)` again")
        }
        let lineage = snapshot?.state.lineage, serial = snapshot?.state.serial
        guard plan.stateLineage == lineage, plan.stateSerial == serial else {
            let then = plan.stateSerial.map { "serial \($0)" } ?? "no state"
            let now = serial.map { "serial \($0)" } ?? "no state"
            throw EngineError("\(file) is stale: the state changed since it was planned (\(then), now \(now)); "
                                  + "run `terrace plan --env \(environment) --out \(file)` again")
        }
    }

    /// Applies `plan` to the locked `snapshot`.
    public func apply(_ plan: Plan, snapshot: StateSnapshot?,
                      observe: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async throws -> ApplyReport {
        try await Applier(context: context, backend: backend, parallelism: parallelism).apply(plan, snapshot: snapshot, observe: observe)
    }

    /// Brings an existing cloud resource under management at `address` (which must be declared),
    /// reading it by `id`; writes it to the state and answers its record.
    public func importResource(_ address: String, id given: String, snapshot: StateSnapshot?) async throws -> StateResource {
        guard let resource = resources.first(where: { $0.address.rawValue == address }) else {
            throw EngineError("\(address): no declaration has this address; declare it in infra/ first (see `terrace graph --env \(environment)`)")
        }
        if let existing = snapshot?.state[address] {
            throw EngineError("\(address): already in the state as \(existing.id); to import another resource there, run `terrace state rm \(address)` first")
        }
        guard let provider = Providers.provider(resource.type) else { throw EngineError("\(address): unknown type \(resource.type)") }
        let id = provider.importID(given, project: context.project)
        let declaredID = provider.id(name: resource.name, attributes: resource.attributes)
        let desired = provider.marked(resource.attributes, context)
        let live: JSON?
        do {
            live = try await provider.read(id: id, known: id == declaredID ? desired : resource.attributes, context)
        } catch let error as GoogleAPIError {
            throw EngineError("\(address): cannot read \(provider.noun) \(id): \(error.description)")
        }
        guard let live else {
            throw EngineError("\(address): \(provider.noun) \(id) does not exist in project \(context.project); check the id (the declaration names \(declaredID))")
        }
        let record = StateResource(address: address, type: resource.type, id: id,
                                   attributes: .object(provider.canonical(live, shapedLike: desired)),
                                   dependencies: resource.dependencies.map(\.rawValue), protected: resource.protected)
        var state = snapshot?.state ?? StateFile()
        state.resources.append(record)
        _ = try await backend.write(state, basedOn: snapshot)
        return record
    }
}
