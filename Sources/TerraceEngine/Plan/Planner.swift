import GoogleCloud
import TerraceCrypto
import TerraceDSL
import TerraceJSON

/// Makes a plan: refreshes every declared and recorded resource in parallel, compares each
/// after normalisation, and classifies it.
public struct Planner: Sendable {
    public let resources: [Resource]
    public let context: ProviderContext
    public var parallelism: Int

    public init(resources: [Resource], context: ProviderContext, parallelism: Int = 10) {
        self.resources = resources
        self.context = context
        self.parallelism = max(1, parallelism)
    }

    /// A digest of every declared address, type, attribute and dependency.
    public static func digest(_ resources: [Resource]) -> String {
        let model: JSON = .array(resources.sorted { $0.address < $1.address }.map { resource in
            [
                "address": .string(resource.address.rawValue), "type": .string(resource.type), "attributes": resource.attributes,
                "dependencies": .array(resource.dependencies.map { .string($0.rawValue) }), "protected": .bool(resource.protected),
            ]
        })
        return Digest.hash(.sha256, model.encodedBytes()).hexString
    }

    /// One resource to refresh: what is declared and what the state records.
    struct Item: Sendable {
        let address: String
        let provider: any ResourceProvider
        let declared: Resource?
        let recorded: StateResource?
        /// Declared attributes with the stack's marker.
        let desired: JSON?
        /// The id to read: the recorded one, else the declared one.
        let id: String
        let declaredID: String?
        /// What the declaration says about protection, even when destroying.
        let declaredProtection: Bool?
    }

    /// Plans `state` toward the declarations (or, with `destroy`, toward nothing), limited to
    /// `targets` and what they depend on (for a destroy, what depends on them).
    public func plan(environment: String, state: StateSnapshot?, targets: [String] = [], destroy: Bool = false) async throws -> Plan {
        let recorded = state?.state.resources ?? []
        let items = try self.items(recorded: recorded, targets: targets, destroy: destroy)
        var refreshContext = context
        refreshContext.policyCache = PolicyCache()
        // The digest is only CPU: work it out while the refresh waits on the network.
        let resources = self.resources
        let digest = Task { Self.digest(resources) }

        var changes: [PlannedChange] = []
        var drift: [Drift] = []
        var problems: [String] = []
        // Each resource is classified as its read arrives, while the others are in flight.
        try await refresh(items, refreshContext) { index, live in
            switch classify(items[index], live: live) {
            case .change(let change, let itemDrift):
                changes.append(change)
                if let itemDrift { drift.append(itemDrift) }
            case .problem(let message):
                problems.append(message)
            }
        }
        problems += sameResourceTwice(changes)
        changes = Self.cascadeReplacements(changes)
        problems += try await protectionProblems(changes)
        if !problems.isEmpty {
            throw EngineError(problems.sorted().joined(separator: "\n") + "\nNothing was changed.")
        }
        return Plan(environment: environment, project: context.project, stateLineage: state?.state.lineage,
                    stateSerial: state?.state.serial, declarationsDigest: await digest.value, targets: targets, destroy: destroy,
                    changes: changes, drift: drift)
    }

    // MARK: What to refresh

    func items(recorded: [StateResource], targets: [String], destroy: Bool) throws -> [Item] {
        let declared = destroy ? [:] : Dictionary(uniqueKeysWithValues: resources.map { ($0.address.rawValue, $0) })
        let inState = Dictionary(uniqueKeysWithValues: recorded.map { ($0.address, $0) })
        let protection = Dictionary(uniqueKeysWithValues: resources.map { ($0.address.rawValue, $0.protected) })
        var addresses = Set(declared.keys).union(inState.keys)
        if !targets.isEmpty {
            let known = Set(resources.map(\.address.rawValue)).union(inState.keys)
            for target in targets where !known.contains(target) {
                throw EngineError("--target \(target): no resource has this address in the declarations or the state (see `terrace state list --env \(context.stackName)`)")
            }
            addresses = destroy ? Self.dependents(of: Set(targets), in: recorded) : dependencies(of: Set(targets), declared: declared, recorded: inState)
        }
        return try addresses.sorted().map { address in
            let resource = declared[address]
            let record = inState[address]
            let type = resource?.type ?? record?.type ?? ""
            guard let provider = Providers.provider(type) else {
                throw EngineError("\(address): the state records an unknown resource type \"\(type)\"; remove it with `terrace state rm --env \(context.stackName) \(address)`")
            }
            if let resource, let record, record.type != resource.type {
                throw EngineError("\(address): the state records it as \(record.type) but it is declared as \(resource.type); "
                                      + "remove the old one with `terrace state rm --env \(context.stackName) \(address)` or rename the declaration")
            }
            let desired = resource.map { provider.marked($0.attributes, context) }
            let declaredID = resource.map { provider.id(name: $0.name, attributes: $0.attributes) }
            return Item(address: address, provider: provider, declared: resource, recorded: record, desired: desired,
                        id: record?.id ?? declaredID ?? "", declaredID: declaredID,
                        declaredProtection: protection[address])
        }
    }

    /// `targets` and everything they depend on, through declarations and the state.
    private func dependencies(of targets: Set<String>, declared: [String: Resource], recorded: [String: StateResource]) -> Set<String> {
        var result: Set<String> = []
        var queue = Array(targets)
        while let next = queue.popLast() {
            guard result.insert(next).inserted else { continue }
            let needs = declared[next]?.dependencies.map(\.rawValue) ?? recorded[next]?.dependencies ?? []
            queue += needs.filter { declared[$0] != nil || recorded[$0] != nil }
        }
        return result
    }

    /// `targets` and every recorded resource that depends on them.
    static func dependents(of targets: Set<String>, in recorded: [StateResource]) -> Set<String> {
        var result = targets
        var changed = true
        while changed {
            changed = false
            for resource in recorded where !result.contains(resource.address) && resource.dependencies.contains(where: result.contains) {
                result.insert(resource.address)
                changed = true
            }
        }
        return result.filter { address in recorded.contains { $0.address == address } }
    }

    // MARK: Refresh

    /// Reads every item's live attributes, `parallelism` at a time, handing each to `receive`
    /// (with the item's index) as it arrives.
    func refresh(_ items: [Item], _ context: ProviderContext, receive: (Int, JSON?) -> Void) async throws {
        try await withThrowingTaskGroup(of: (Int, JSON?).self) { group in
            var next = 0
            func start() {
                let index = next, item = items[index]
                next += 1
                group.addTask {
                    do {
                        let live = try await item.provider.read(id: item.id, known: item.recorded?.attributes ?? item.desired ?? [:], context)
                        if let live, live.objectValue == nil {
                            throw EngineError("\(item.address): reading \(item.provider.noun) \(item.id) answered \(live.typeName) where "
                                                  + "an object was expected; check the environment's endpoint. Nothing was changed")
                        }
                        return (index, live)
                    } catch let error as GoogleAPIError {
                        throw EngineError("\(item.address): cannot read \(item.provider.noun) \(item.id): \(error.description)")
                    }
                }
            }
            while next < min(parallelism, items.count) { start() }
            while let (index, value) = try await group.next() {
                if next < items.count { start() }
                receive(index, value)
            }
        }
    }

    // MARK: Classification

    enum Outcome {
        case change(PlannedChange, Drift?)
        case problem(String)
    }

    func classify(_ item: Item, live: JSON?) -> Outcome {
        let provider = item.provider
        let dependencies = item.declared?.dependencies.map(\.rawValue) ?? item.recorded?.dependencies ?? []
        let protected = item.declared?.protected ?? item.recorded?.protected ?? false

        // Not declared: delete what the state records.
        guard let declared = item.declared, let desired = item.desired else {
            let record = item.recorded!
            let protected = item.declaredProtection ?? record.protected
            let verb = item.declaredProtection == nil ? "no longer declared" : "destroyed"
            guard let live else {
                return .change(PlannedChange(address: item.address, type: record.type, id: record.id, action: .delete,
                                             reason: "\(verb), and already gone from the cloud", current: record.attributes,
                                             dependencies: record.dependencies, protected: protected), nil)
            }
            let current = provider.canonical(live, shapedLike: record.attributes)
            let reason = provider is ServiceProvider ? "the API stays enabled; only the state forgets it" : item.declaredProtection == nil ? verb : nil
            return .change(PlannedChange(address: item.address, type: record.type, id: record.id, action: .delete,
                                         reason: reason, changes: AttributeChange.diff(.object(current), nil),
                                         current: .object(current), dependencies: record.dependencies, protected: protected,
                                         deletesContents: !protected), nil)
        }

        let wanted = provider.canonical(desired, shapedLike: desired)
        let declaredID = item.declaredID ?? item.id
        guard let live else {
            let reason: String? = item.recorded == nil ? nil : "deleted outside Terrace"
            let drift = item.recorded.map { _ in Drift(address: item.address, changes: [], deleted: true) }
            return .change(PlannedChange(address: item.address, type: declared.type, id: declaredID, action: .create, reason: reason,
                                         changes: AttributeChange.diff(nil, .object(wanted)), desired: desired,
                                         dependencies: dependencies, protected: protected), drift)
        }

        let current = provider.canonical(live, shapedLike: desired)
        var drift: Drift?
        var takeover: String?
        if let record = item.recorded {
            let recordedValue = provider.canonical(record.attributes, shapedLike: desired)
            let changed = AttributeChange.diff(.object(recordedValue), .object(current))
            if !changed.isEmpty { drift = Drift(address: item.address, changes: changed, deleted: false) }
        } else if !provider.isMarked(live, context) {
            guard let reason = provider.replacesUnmarked(live) else {
                return .problem("\(item.address): \(provider.noun) \(item.id) already exists and is not marked as this stack's; "
                                    + "to manage it, run `terrace import --env \(context.stackName) \(item.address) \(item.id)` (\(declared.sourceLocation))")
            }
            takeover = reason
        }

        let changes = AttributeChange.diff(.object(current), .object(wanted))
        let changedAttributes = Set(changes.map(\.attribute))
        var replaceReasons = changedAttributes.intersection(provider.replaceOn).sorted().map { "\($0) cannot change in place" }
        if item.recorded != nil, item.id != declaredID, replaceReasons.isEmpty {
            replaceReasons.append("its id changes from \(item.id) to \(declaredID)")
        }
        replaceReasons += provider.replacementReasons(desired: wanted, live: current)
        if let takeover { replaceReasons.append(takeover) }

        let action: PlanAction
        if item.recorded == nil {
            action = replaceReasons.isEmpty ? .adopt : .replace
        } else if !replaceReasons.isEmpty {
            action = .replace
        } else {
            action = changes.isEmpty ? .noop : .update
        }
        let reason: String? = switch action {
        case .adopt: provider.marker == .none ? "already in place; taking it over changes nothing" : "already exists, marked as this stack's"
        case .update where drift != nil: "changed outside Terrace"
        default: nil
        }
        var change = PlannedChange(address: item.address, type: declared.type, id: declaredID, action: action, reason: reason,
                                   changes: changes, replaceReasons: replaceReasons, desired: desired, current: .object(current),
                                   previousID: item.id == declaredID ? nil : item.id, dependencies: dependencies,
                                   protected: protected, deletesContents: action == .replace && !protected)
        if action == .noop, let record = item.recorded {
            // Nothing to change in the cloud, but the state is behind it (drift that happens to
            // match the declarations, or a new dependency or protection): apply records it.
            change.refreshesState = record.attributes != .object(current) || record.dependencies != dependencies
                || record.protected != protected
        }
        return .change(change, drift)
    }

    /// A resource replaced takes with it what lives inside or on it: a dataset's tables, a
    /// topic's subscriptions, the IAM grants and bindings on it, grants to a service account
    /// that is replaced. Those are replaced too, so one apply converges. Other dependents (a
    /// subscription whose dead-letter topic is renamed, an ordering-only `dependingOn`) are
    /// updated or left as their own diff says.
    static func cascadeReplacements(_ changes: [PlannedChange]) -> [PlannedChange] {
        var result = changes
        var replaced = Dictionary(uniqueKeysWithValues: changes.filter { $0.action == .replace }.map { ($0.address, $0) })
        var changed = true
        while changed {
            changed = false
            for index in result.indices where [.noop, .update, .adopt].contains(result[index].action) {
                let causes = replaced.values.filter { livesOn(result[index], $0) }.map(\.address).sorted()
                guard !causes.isEmpty else { continue }
                result[index].action = .replace
                result[index].replaceReasons += causes.map { "\($0) is replaced" }
                result[index].deletesContents = !result[index].protected
                replaced[result[index].address] = result[index]
                changed = true
            }
        }
        return result
    }

    /// Whether `change`'s resource cannot outlive `parent`'s deletion.
    static func livesOn(_ change: PlannedChange, _ parent: PlannedChange) -> Bool {
        guard change.dependencies.contains(parent.address) else { return false }
        switch (change.type, parent.type) {
        case ("bigquery.table", "bigquery.dataset"), ("bigquery.view", "bigquery.dataset"):
            return change.address.hasPrefix("table.\(parent.address.dropFirst("dataset.".count)).")
        case ("pubsub.subscription", "pubsub.topic"):
            let topic = change.desired?["topic"]?.stringValue
            return topic != nil && (topic == parent.id || topic == parent.previousID)
        case ("iam.grant", _), ("iam.binding", _):
            // On the replaced resource, or granting to the replaced service account.
            let prefix = change.type == "iam.grant" ? "iam.grant." : "iam.binding."
            if change.address.hasPrefix("\(prefix)\(parent.address)[") { return true }
            return parent.type == "iam.serviceAccount"
        default:
            return false
        }
    }

    /// A recorded address no longer declared whose id another address now declares is one
    /// resource under two names (a `state mv` to the wrong address, a renamed declaration):
    /// deleting the old one would delete the new one too.
    func sameResourceTwice(_ changes: [PlannedChange]) -> [String] {
        var declaredByID: [String: PlannedChange] = [:]
        for change in changes where change.action != .delete { declaredByID["\(change.type) \(change.id)"] = change }
        return changes.filter { $0.action == .delete }.compactMap { old in
            guard let new = declaredByID["\(old.type) \(old.id)"], new.address != old.address else { return nil }
            return "\(old.address) and \(new.address) are the same \(old.type) \(old.id): the state records it as \(old.address) but the "
                + "declarations call it \(new.address); run `terrace state mv --env \(context.stackName) \(old.address) \(new.address)`"
        }
    }

    // MARK: Protection

    /// Deletes and replacements of protected resources that hold data, refused before anything changes.
    func protectionProblems(_ changes: [PlannedChange]) async throws -> [String] {
        var problems: [String] = []
        for change in changes where change.protected && (change.action == .delete || change.action == .replace) {
            guard let provider = Providers.provider(change.type) else { continue }
            let id = change.previousID ?? change.id
            let holds: Bool
            do {
                holds = try await provider.holdsData(id: id, context)
            } catch let error as GoogleAPIError where error.isNotFound {
                holds = false
            }
            if holds {
                let verb = change.action == .delete ? "delete" : "replace (\(change.replaceReasons.joined(separator: "; ")))"
                let what = switch change.type {
                case "storage.bucket": "objects (noncurrent versions count too)"
                case "bigquery.dataset": "tables with rows"
                default: "rows"
                }
                problems.append("\(change.address): refusing to \(verb) \(provider.noun) \(id): it holds \(what) and is protected; "
                                    + "empty it first, or declare it with forceDestroy: true"
                                    + (change.action == .delete ? " (`--target` can destroy the rest meanwhile)" : ""))
            }
        }
        return problems
    }
}
