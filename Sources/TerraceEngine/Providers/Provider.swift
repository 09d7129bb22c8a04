import GoogleCloud
import TerraceDSL
import TerraceJSON

/// What a provider calls the cloud with.
public struct ProviderContext: Sendable {
    public let cloud: GoogleCloud
    public let project: String
    /// The environment's name: the marker that says a resource belongs to this stack.
    public let stackName: String
    public let time: TimeSource
    /// How long to wait out eventual consistency (a resource just created not yet visible).
    public let consistencyTimeout: Double
    /// Serialises read-modify-write of one IAM policy within this process.
    let policyLocks: KeyedLocks
    /// Set during a refresh: each IAM policy is read once.
    var policyCache: PolicyCache?

    public init(cloud: GoogleCloud, project: String, stackName: String, time: TimeSource = .live,
                consistencyTimeout: Double = 120) {
        self.cloud = cloud
        self.project = project
        self.stackName = stackName
        self.time = time
        self.consistencyTimeout = consistencyTimeout
        self.policyLocks = KeyedLocks()
    }

    /// The label that marks a resource as this stack's: `terrace-stack: <environment>`.
    public var markerLabel: (key: String, value: String) { ("terrace-stack", Self.labelValue(stackName)) }

    /// The text appended to descriptions of kinds without labels.
    public var markerText: String { "[terrace-stack: \(stackName)]" }

    /// `text` as a label value (``Labels/value(_:)``).
    public static func labelValue(_ text: String) -> String { Labels.value(text) }

    /// Retries `body` while it fails with what GCP answers before a just-created resource is
    /// visible everywhere (404, or 400 naming a service account that "does not exist"), with
    /// exponential backoff up to ``consistencyTimeout``.
    func waitingOutConsistency<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        let start = time.now()
        var delay = 0.1
        while true {
            do {
                return try await body()
            } catch let error as GoogleAPIError where Self.isConsistencyError(error) {
                if time.now() - start + delay > consistencyTimeout { throw error }
                try await time.sleep(delay)
                delay = min(delay * 2, 5)
            }
        }
    }

    static func isConsistencyError(_ error: GoogleAPIError) -> Bool {
        error.isNotFound || (error.status == 400 && error.message.contains("does not exist"))
    }
}

/// How a provider knows a resource is this stack's.
public enum Marker: Sendable {
    /// The `terrace-stack` label.
    case label
    /// The marker text at the end of the description (service accounts have no labels).
    case description
    /// Nothing to mark: adopting it can lose nothing (an API already enabled, a grant already there).
    case none
}

/// The cloud side of one resource type: how to read, create, update and delete it, which
/// attributes it manages and how GCP normalises them.
///
/// Attributes are in the GCP API's own field names. `managedAttributes` names every top-level
/// attribute the engine compares, with the value GCP reports when it is not declared (`null`
/// for "absent"); anything else GCP returns (etags, timestamps, self links) is never compared.
protocol ResourceProvider: Sendable {
    /// The resource type it handles (`storage.bucket`).
    var type: String { get }
    /// Managed top-level attributes and their value when undeclared.
    var managedAttributes: [String: JSON] { get }
    /// Top-level attributes whose change forces a replacement.
    var replaceOn: Set<String> { get }
    var marker: Marker { get }
    /// What GCP calls it (for messages: "storage bucket").
    var noun: String { get }

    /// Type-specific normalisation, applied after projection to both desired and live values.
    func normalise(_ attributes: [String: JSON]) -> [String: JSON]
    /// The resource's current attributes, or `nil` when it does not exist; `known` is what the
    /// declaration or the state says (IAM grants and bindings are found through it).
    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON?
    /// Creates it from `desired`; answers its attributes as created.
    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON
    /// Changes the attributes in `changed` (top-level names) to `desired`'s.
    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON
    /// Deletes it; `force` also deletes what it holds (objects, tables).
    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws
    /// Whether it holds data (objects in a bucket, tables in a dataset).
    func holdsData(id: String, _ context: ProviderContext) async throws -> Bool
    /// The id recorded in the state: the GCP resource name `name` for most types.
    func id(name: String, attributes: JSON) -> String
    /// The id `terrace import` was given, in the form the provider reads (`projects/P/…`).
    func importID(_ given: String, project: String) -> String
    /// Extra diff reasons that force a replacement beyond `replaceOn` (a column removed).
    func replacementReasons(desired: [String: JSON], live: [String: JSON]) -> [String]
    /// Why an existing resource this stack does not mark may still be replaced by the
    /// declaration (nil: it may not; the plan then says to import it).
    func replacesUnmarked(_ live: JSON) -> String?
}

extension ResourceProvider {
    func normalise(_ attributes: [String: JSON]) -> [String: JSON] { attributes }
    func holdsData(id: String, _ context: ProviderContext) async throws -> Bool { false }
    func importID(_ given: String, project: String) -> String { given }
    func id(name: String, attributes: JSON) -> String { name }
    func replacementReasons(desired: [String: JSON], live: [String: JSON]) -> [String] { [] }
    func replacesUnmarked(_ live: JSON) -> String? { nil }

    /// `attributes` reduced to the managed attributes, shaped like `desired` (server-added
    /// nested fields dropped), with defaults filled and the type's normalisation applied.
    func canonical(_ attributes: JSON, shapedLike desired: JSON) -> [String: JSON] {
        var result: [String: JSON] = [:]
        for (key, fallback) in managedAttributes {
            let value = attributes[key] ?? fallback
            let shape = desired[key] ?? managedAttributes[key] ?? .null
            let projected = key == "labels" ? value : AttributeShape.project(value, onto: shape)
            if !projected.isNull { result[key] = projected }
        }
        return normalise(result)
    }

    /// `desired` with the marker of `context`'s stack added.
    func marked(_ desired: JSON, _ context: ProviderContext) -> JSON {
        guard case .object(var members) = desired else { return desired }
        switch marker {
        case .label:
            var labels = members["labels"]?.objectValue ?? [:]
            labels[context.markerLabel.key] = .string(context.markerLabel.value)
            members["labels"] = .object(labels)
        case .description:
            let text = members["description"]?.stringValue ?? ""
            members["description"] = .string(text.isEmpty ? context.markerText : "\(text) \(context.markerText)")
        case .none:
            break
        }
        return .object(members)
    }

    /// Whether `live` carries `context`'s stack marker.
    func isMarked(_ live: JSON, _ context: ProviderContext) -> Bool {
        switch marker {
        case .label: live["labels"]?[context.markerLabel.key]?.stringValue == context.markerLabel.value
        case .description: live["description"]?.stringValue?.hasSuffix(context.markerText) ?? false
        case .none: true
        }
    }
}

/// Projection of live values onto the shape of declared ones.
enum AttributeShape {
    /// `value` with object members absent from `shape` dropped, recursively; arrays projected
    /// element by element. Labels-like maps are compared whole by the caller.
    static func project(_ value: JSON, onto shape: JSON) -> JSON {
        switch (value, shape) {
        case (.object(let members), .object(let wanted)):
            var result: [String: JSON] = [:]
            for (key, shapeValue) in wanted {
                if let member = members[key], !member.isNull { result[key] = project(member, onto: shapeValue) }
            }
            return .object(result)
        case (.array(let items), .array(let shapes)):
            return .array(items.enumerated().map { index, item in
                index < shapes.count ? project(item, onto: shapes[index]) : item
            })
        default:
            return value
        }
    }
}

/// Every provider, by resource type.
enum Providers {
    static let all: [any ResourceProvider] = [
        BucketProvider(), DatasetProvider(), TableProvider(kind: .table), TableProvider(kind: .view), TopicProvider(),
        SubscriptionProvider(), ServiceAccountProvider(), ServiceProvider(), GrantProvider(), BindingProvider(),
    ]
    static let byType: [String: any ResourceProvider] = Dictionary(uniqueKeysWithValues: all.map { ($0.type, $0) })

    static func provider(_ type: String) -> (any ResourceProvider)? { byType[type] }
}

/// One async lock per key (an IAM policy's resource): read-modify-writes of one policy from
/// this process never race each other; other writers are caught by the etag.
final class KeyedLocks: Sendable {
    private let state = LockState()

    func withLock<T: Sendable>(_ key: String, _ body: () async throws -> T) async throws -> T {
        await state.acquire(key)
        do {
            let result = try await body()
            await state.release(key)
            return result
        } catch {
            await state.release(key)
            throw error
        }
    }

    private actor LockState {
        var held: Set<String> = []
        var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

        func acquire(_ key: String) async {
            if !held.contains(key) {
                held.insert(key)
                return
            }
            await withCheckedContinuation { waiters[key, default: []].append($0) }
        }

        func release(_ key: String) {
            if var queue = waiters[key], !queue.isEmpty {
                let next = queue.removeFirst()
                waiters[key] = queue.isEmpty ? nil : queue
                next.resume()  // ownership passes to the waiter
            } else {
                held.remove(key)
            }
        }
    }
}

extension JSON {
    /// A copy with `key` set (objects only).
    func setting(_ key: String, _ value: JSON) -> JSON {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }

    /// Only the members named in `keys` (objects only).
    func only(_ keys: Set<String>) -> JSON {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { keys.contains($0.key) })
    }
}

/// Operations that may finish later (Service Usage) are polled until done.
enum Operations {
    static func wait(_ operation: JSON, client: GoogleCloudClient, time: TimeSource, timeout: Double = 600) async throws {
        var current = operation
        let start = time.now()
        var delay = 0.5
        while current["done"]?.boolValue != true {
            guard let name = current["name"]?.stringValue, !name.isEmpty else { return }
            if time.now() - start > timeout {
                throw EngineError("operation \(name) did not finish within \(Int(timeout))s; run the command again to continue")
            }
            try await time.sleep(delay)
            delay = min(delay * 2, 5)
            current = try await client.get(name)
        }
        if let error = current["error"], !error.isNull {
            let message = error["message"]?.stringValue ?? error.encoded()
            throw EngineError("operation \(current["name"]?.stringValue ?? "") failed: \(message)")
        }
    }
}

extension GoogleCloudClient {
    /// `GET path`, or `nil` when it answers 404.
    func getIfExists(_ path: String, query: [(String, String)] = []) async throws -> JSON? {
        do {
            return try await get(path, query: query)
        } catch let error as GoogleAPIError where error.isNotFound {
            return nil
        }
    }

    /// `DELETE path`; already gone (404) is done too.
    func deleteIfExists(_ path: String, query: [(String, String)] = []) async throws {
        do {
            _ = try await delete(path, query: query)
        } catch let error as GoogleAPIError where error.isNotFound {}
    }
}

/// PATCH bodies for APIs that merge a `labels` map: every label no longer wanted is sent as null.
enum LabelPatch {
    /// The changed attributes of `desired` (`defaults` for undeclared ones), labels merged against `live`.
    static func body(changed: Set<String>, desired: JSON, live: JSON, defaults: [String: JSON]) -> JSON {
        var patch: [String: JSON] = [:]
        for key in changed {
            let value = desired[key] ?? defaults[key] ?? .null
            if key == "labels" {
                var labels = value.objectValue ?? [:]
                for old in (live["labels"]?.objectValue ?? [:]).keys where labels[old] == nil { labels[old] = .null }
                patch[key] = .object(labels)
            } else {
                patch[key] = value
            }
        }
        return .object(patch)
    }
}
