import TerraceJSON

/// One resource Terrace manages, as recorded in the state.
public struct StateResource: Sendable, Hashable {
    /// The declaration's address (`bucket.raw`).
    public var address: String
    /// The resource type (`google_storage_bucket`-style, as the engine names it).
    public var type: String
    /// The GCP id or name.
    public var id: String
    /// The attributes as last read from or written to the cloud.
    public var attributes: JSON
    /// The addresses this resource depends on.
    public var dependencies: [String]
    /// Whether `destroy` must refuse to delete it while it holds data (kept so that a resource
    /// no longer declared stays protected as it was declared).
    public var protected: Bool

    public init(address: String, type: String, id: String, attributes: JSON = [:], dependencies: [String] = [],
                protected: Bool = false) {
        self.address = address
        self.type = type
        self.id = id
        self.attributes = attributes
        self.dependencies = dependencies
        self.protected = protected
    }
}

/// The state document: what Terrace believes it manages. `lineage` is fixed when the state is
/// created; `serial` grows by one on every write (the backends bump it).
public struct StateFile: Sendable, Hashable {
    /// The format this code writes; files of a later version are refused.
    public static let formatVersion: Int64 = 1
    /// The Terrace version written into new states.
    public static let currentTerraceVersion = "0.1.0"

    public var formatVersion: Int64
    public var lineage: String
    public var serial: Int64
    public var terraceVersion: String
    /// The environment and project it belongs to (absent in states written before they were
    /// recorded): an environment pointed at another's state is refused.
    public var environment: String?
    public var project: String?
    /// Sorted by address when encoded.
    public var resources: [StateResource]

    public init(lineage: String = StateIDs.random(), serial: Int64 = 0, terraceVersion: String = StateFile.currentTerraceVersion,
                resources: [StateResource] = []) {
        self.formatVersion = Self.formatVersion
        self.lineage = lineage
        self.serial = serial
        self.terraceVersion = terraceVersion
        self.resources = resources
    }

    /// The resource at `address`, if any.
    public subscript(address: String) -> StateResource? {
        resources.first { $0.address == address }
    }

    /// The document as JSON, resources sorted by address.
    public var json: JSON {
        let sorted = resources.sorted { $0.address < $1.address }
        var document: [String: JSON] = [
            "format_version": .int(formatVersion),
            "lineage": .string(lineage),
            "serial": .int(serial),
            "terrace_version": .string(terraceVersion),
            "resources": .array(sorted.map { resource in
                var entry: [String: JSON] = [
                    "address": .string(resource.address),
                    "type": .string(resource.type),
                    "id": .string(resource.id),
                    "attributes": resource.attributes,
                    "dependencies": .array(resource.dependencies.map { .string($0) }),
                ]
                if resource.protected { entry["protected"] = true }
                return .object(entry)
            }),
        ]
        if let environment { document["environment"] = .string(environment) }
        if let project { document["project"] = .string(project) }
        return .object(document)
    }

    /// Pretty JSON with sorted keys and a trailing newline: what is written to disk or GCS.
    public func encoded() -> [UInt8] {
        json.encodedBytes(.pretty) + [0x0A]
    }
}
