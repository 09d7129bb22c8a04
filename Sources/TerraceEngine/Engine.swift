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
            try checkOwner(snapshot)
            result = try await body(snapshot)
        } catch {
            try? await backend.unlock(lock)
            throw error
        }
        try await backend.unlock(lock)
        return result
    }

    /// Refuses a state written for another environment or project.
    func checkOwner(_ snapshot: StateSnapshot?) throws(EngineError) {
        guard let state = snapshot?.state else { return }
        let otherEnvironment = state.environment.map { $0 != environment } ?? false
        let otherProject = state.project.map { $0 != context.project } ?? false
        guard !otherEnvironment && !otherProject else {
            throw EngineError("\(backend.location) is the state of environment \(state.environment ?? "?") (project \(state.project ?? "?")), "
                                  + "not of \(environment) (project \(context.project)); give each environment its own `state` in its environment file")
        }
    }

    /// `state` stamped with this environment and project.
    func owned(_ state: StateFile) -> StateFile {
        var stamped = state
        stamped.environment = environment
        stamped.project = context.project
        return stamped
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
        try await Applier(context: context, backend: backend, parallelism: parallelism)
            .apply(plan, snapshot: snapshot, owner: (environment, context.project), observe: observe)
    }

    /// Brings an existing cloud resource under management at `address` (which must be declared),
    /// reading it by `id`; writes it to the state and answers its record.
    public func importResource(_ address: String, id given: String, snapshot: StateSnapshot?) async throws -> StateResource {
        guard let resource = resources.first(where: { $0.address.rawValue == address }) else {
            throw EngineError("\(address): no declaration has this address; declare it in infra/ first (see `terrace graph --env \(environment)`)")
        }
        if let existing = snapshot?.state[address] {
            throw EngineError("\(address): already in the state as \(existing.id); to import another resource there, run `terrace state rm --env \(environment) \(address)` first")
        }
        guard let provider = Providers.provider(resource.type) else { throw EngineError("\(address): unknown type \(resource.type)") }
        let id = provider.importID(given, project: context.project)
        let declaredID = provider.id(name: resource.name, attributes: resource.attributes)
        guard id == declaredID else {
            throw EngineError("\(address): the declaration names \(provider.noun) \(declaredID), not \(id); importing another resource "
                                  + "at this address would replace it on the next apply. Import \(declaredID), or change the declaration "
                                  + "(\(resource.sourceLocation))")
        }
        let desired = provider.marked(resource.attributes, context)
        let live: JSON?
        do {
            live = try await provider.read(id: id, known: desired, context)
        } catch let error as GoogleAPIError {
            throw EngineError("\(address): cannot read \(provider.noun) \(id): \(error.description)")
        }
        guard let live else {
            throw EngineError("\(address): \(provider.noun) \(id) does not exist in project \(context.project); nothing to import "
                                  + "(`terrace apply --env \(environment)` creates it)")
        }
        let record = StateResource(address: address, type: resource.type, id: id,
                                   attributes: .object(provider.canonical(live, shapedLike: desired)),
                                   dependencies: resource.dependencies.map(\.rawValue), protected: resource.protected)
        var state = owned(snapshot?.state ?? StateFile())
        state.resources.append(record)
        _ = try await backend.write(state, basedOn: snapshot)
        return record
    }
}
