import TerraceJSON

/// What a plan will do to one resource.
public enum PlanAction: String, Sendable, Hashable, CaseIterable {
    case create
    /// Take a resource that already exists and carries this stack's marker into the state
    /// (updating it when it differs).
    case adopt
    case update
    /// Delete, then create (an attribute that cannot change in place changed).
    case replace
    case delete
    case noop = "no-op"

    /// Whether it changes anything in the cloud or the state.
    public var isChange: Bool { self != .noop }
}

/// One attribute that differs, by its dotted path (`labels.layer`, `versioning.enabled`).
public struct AttributeChange: Sendable, Hashable {
    public var path: String
    /// `nil` when the attribute is absent.
    public var before: JSON?
    public var after: JSON?

    public init(path: String, before: JSON?, after: JSON?) {
        self.path = path
        self.before = before
        self.after = after
    }

    /// Every leaf that differs between two attribute objects (either may be absent); arrays
    /// compare whole.
    public static func diff(_ before: JSON?, _ after: JSON?, path: String = "") -> [AttributeChange] {
        if before == after { return [] }
        let old = before?.objectValue, new = after?.objectValue
        let objects = (old != nil || before == nil) && (new != nil || after == nil)
        if objects, !(old ?? [:]).isEmpty || !(new ?? [:]).isEmpty {
            return Set((old ?? [:]).keys).union((new ?? [:]).keys).sorted().flatMap { key in
                diff(old?[key], new?[key], path: path.isEmpty ? key : "\(path).\(key)")
            }
        }
        // Lists of objects (lifecycle rules, schema fields) read better element by element.
        let oldList = before?.arrayValue, newList = after?.arrayValue
        let lists = (oldList != nil || before == nil) && (newList != nil || after == nil)
        if lists, !path.isEmpty, (oldList ?? newList ?? []).contains(where: { $0.objectValue != nil }),
           oldList == nil || newList == nil || oldList?.count == newList?.count {
            let count = max(oldList?.count ?? 0, newList?.count ?? 0)
            return (0..<count).flatMap { index in diff(oldList?[index], newList?[index], path: "\(path)[\(index)]") }
        }
        return [AttributeChange(path: path, before: before, after: after)]
    }

    /// The top-level attribute it belongs to.
    public var attribute: String {
        String(path.split(separator: ".", maxSplits: 1).first?.split(separator: "[", maxSplits: 1).first ?? "")
    }
}

/// One resource in a plan.
public struct PlannedChange: Sendable, Hashable {
    public var address: String
    public var type: String
    /// The id it has (for a delete or replace, the existing one) or will have.
    public var id: String
    public var action: PlanAction
    /// Why, in a few words: "not in the cloud", "deleted outside Terrace", "no longer declared".
    public var reason: String?
    /// The attributes that will change (compared after normalisation).
    public var changes: [AttributeChange]
    /// For a replace: what forces it.
    public var replaceReasons: [String]
    /// What will be sent: the declared attributes, marked as this stack's (creates, updates).
    public var desired: JSON?
    /// The attributes as they are now (the state's for a delete).
    public var current: JSON?
    /// The id of the resource a replace deletes, when it differs from `id`.
    public var previousID: String?
    public var dependencies: [String]
    /// Whether it is protected from deletion while holding data.
    public var protected: Bool
    /// For deletes: also delete what it holds (declared with `forceDestroy: true`).
    public var deletesContents: Bool
    /// For no-ops: the state records something else (attributes changed outside Terrace that
    /// match the declarations again, new dependencies or protection); apply rewrites the record.
    public var refreshesState: Bool = false

    public init(address: String, type: String, id: String, action: PlanAction, reason: String? = nil,
                changes: [AttributeChange] = [], replaceReasons: [String] = [], desired: JSON? = nil, current: JSON? = nil,
                previousID: String? = nil, dependencies: [String] = [], protected: Bool = false, deletesContents: Bool = false) {
        self.address = address
        self.type = type
        self.id = id
        self.action = action
        self.reason = reason
        self.changes = changes
        self.replaceReasons = replaceReasons
        self.desired = desired
        self.current = current
        self.previousID = previousID
        self.dependencies = dependencies
        self.protected = protected
        self.deletesContents = deletesContents
    }
}

/// A change made outside Terrace: the cloud no longer matches what the state recorded.
public struct Drift: Sendable, Hashable {
    public var address: String
    /// Empty when the resource was deleted.
    public var changes: [AttributeChange]
    public var deleted: Bool

    public init(address: String, changes: [AttributeChange], deleted: Bool) {
        self.address = address
        self.changes = changes
        self.deleted = deleted
    }
}

/// What `plan` found and what `apply` will do, made against one state serial.
public struct Plan: Sendable, Hashable {
    public var environment: String
    public var project: String
    /// The state it was made against (`nil` when none existed).
    public var stateLineage: String?
    public var stateSerial: Int64?
    /// A digest of the declarations it was made from: a saved plan is refused by a binary
    /// whose declarations differ.
    public var declarationsDigest: String
    public var targets: [String]
    public var destroy: Bool
    /// One entry per resource considered, sorted by address.
    public var changes: [PlannedChange]
    public var drift: [Drift]

    public init(environment: String, project: String, stateLineage: String?, stateSerial: Int64?, declarationsDigest: String,
                targets: [String] = [], destroy: Bool = false, changes: [PlannedChange], drift: [Drift] = []) {
        self.environment = environment
        self.project = project
        self.stateLineage = stateLineage
        self.stateSerial = stateSerial
        self.declarationsDigest = declarationsDigest
        self.targets = targets
        self.destroy = destroy
        self.changes = changes.sorted { $0.address < $1.address }
        self.drift = drift.sorted { $0.address < $1.address }
    }

    /// Whether applying it would change anything in the cloud.
    public var hasChanges: Bool { changes.contains { $0.action.isChange } }

    /// Whether applying it would rewrite the state even with nothing to change in the cloud.
    public var refreshesState: Bool { changes.contains(where: \.refreshesState) }

    /// How many resources each action touches.
    public func count(_ action: PlanAction) -> Int { changes.filter { $0.action == action }.count }

    /// "2 to create, 1 to update, 0 to replace, 0 to delete" (adoptions count with creates'
    /// neighbours only when present).
    public var summary: String {
        var parts = ["\(count(.create)) to create"]
        if count(.adopt) > 0 { parts.append("\(count(.adopt)) to adopt") }
        parts += ["\(count(.update)) to update", "\(count(.replace)) to replace", "\(count(.delete)) to delete"]
        return parts.joined(separator: ", ")
    }
}
