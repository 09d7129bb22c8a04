import TerraceJSON

/// A Cloud Storage storage class.
public enum StorageClass: String, Sendable, Hashable, CaseIterable {
    case standard = "STANDARD", nearline = "NEARLINE", coldline = "COLDLINE", archive = "ARCHIVE"
}

/// One bucket lifecycle rule: an action taken on objects that meet every condition set.
public struct LifecycleRule: Sendable, Hashable {
    /// What happens to matching objects.
    public enum Action: Sendable, Hashable {
        case delete
        case setStorageClass(StorageClass)
    }

    /// Which object versions a rule applies to (Cloud Storage's `isLive`).
    public enum ObjectState: Sendable, Hashable {
        case live, archived, any
    }

    public var action: Action
    /// Days since the object was created.
    public var age: Int?
    /// A date, `YYYY-MM-DD`: objects created before it.
    public var createdBefore: String?
    /// Noncurrent versions with at least this many newer versions.
    public var numNewerVersions: Int?
    public var withState: ObjectState?
    public var matchesStorageClass: [StorageClass]

    public init(
        _ action: Action, age: Int? = nil, createdBefore: String? = nil, numNewerVersions: Int? = nil,
        withState: ObjectState? = nil, matchesStorageClass: [StorageClass] = []
    ) {
        self.action = action
        self.age = age
        self.createdBefore = createdBefore
        self.numNewerVersions = numNewerVersions
        self.withState = withState
        self.matchesStorageClass = matchesStorageClass
    }

    /// The rule in the Storage API's shape: `{"action": {...}, "condition": {...}}`.
    var json: JSON {
        var action: [String: JSON]
        switch self.action {
        case .delete: action = ["type": "Delete"]
        case .setStorageClass(let storageClass):
            action = ["type": "SetStorageClass", "storageClass": .string(storageClass.rawValue)]
        }
        var condition: [String: JSON] = [:]
        if let age { condition["age"] = .int(Int64(age)) }
        if let createdBefore { condition["createdBefore"] = .string(createdBefore) }
        if let numNewerVersions { condition["numNewerVersions"] = .int(Int64(numNewerVersions)) }
        switch withState {
        case .live: condition["isLive"] = true
        case .archived: condition["isLive"] = false
        case .any, nil: break
        }
        if !matchesStorageClass.isEmpty {
            condition["matchesStorageClass"] = .array(matchesStorageClass.map { .string($0.rawValue) })
        }
        return ["action": .object(action), "condition": .object(condition)]
    }

    /// The rule's problems as (message, fix) pairs.
    var problems: [(message: String, fix: String)] {
        var found: [(message: String, fix: String)] = []
        let hasCondition = age != nil || createdBefore != nil || numNewerVersions != nil
            || (withState != nil && withState != .any) || !matchesStorageClass.isEmpty
        if !hasCondition {
            found.append(("has no condition, so it would apply to every object",
                          "add a condition such as age: 30"))
        }
        if let age, age < 0 { found.append(("age \(age) is negative", "use an age in days of 0 or more")) }
        if let numNewerVersions, numNewerVersions < 1 {
            found.append(("numNewerVersions \(numNewerVersions) is less than 1", "use 1 or more"))
        }
        if let createdBefore, !Self.isDate(createdBefore) {
            found.append(("createdBefore \"\(createdBefore)\" is not a date", "write it as YYYY-MM-DD, e.g. 2024-01-31"))
        }
        return found
    }

    /// Whether `text` is a `YYYY-MM-DD` calendar date.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              year >= 1, (1...12).contains(month)
        else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...days[month - 1]).contains(day)
    }
}
