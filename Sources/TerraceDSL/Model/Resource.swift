import TerraceJSON

/// One declaration as the engine sees it: address, type, attributes in the GCP API's field
/// names, dependencies and where it was declared.
public struct Resource: Sendable, Hashable {
    public let address: Address
    /// The kind of declaration (its ``ResourceKind/typeName`` is what plans and state record).
    public let kind: ResourceKind
    /// Its GCP resource name (`projects/_/buckets/B`, `projects/P/topics/T`, …); for IAM, the
    /// target's.
    public let name: String
    /// The body the GCP API takes and returns for this resource, in its own field names.
    public let attributes: JSON
    /// Addresses this resource needs to exist first, sorted.
    public let dependencies: [Address]
    /// Whether destroying it must be refused while it holds data (buckets and datasets unless
    /// declared with `forceDestroy: true`).
    public let protected: Bool
    public let sourceLocation: SourceLocation

    public init(
        address: Address, kind: ResourceKind, name: String, attributes: JSON, dependencies: [Address],
        protected: Bool = false, sourceLocation: SourceLocation
    ) {
        self.address = address
        self.kind = kind
        self.name = name
        self.attributes = attributes
        self.dependencies = dependencies
        self.protected = protected
        self.sourceLocation = sourceLocation
    }

    /// The resource type recorded in plans and state (`storage.bucket`, …).
    public var type: String { kind.typeName }
}
