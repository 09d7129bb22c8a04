/// A reference from one declaration to another, by address: it becomes a dependency, and
/// validation reports it when nothing is declared there.
public struct Reference: Sendable, Hashable, CustomStringConvertible {
    /// The kind the reference expects to find.
    public let kind: ResourceKind
    /// The address it names.
    public let address: Address

    public init(kind: ResourceKind, address: Address) {
        self.kind = kind
        self.address = address
    }

    public var description: String { address.rawValue }

    /// The bucket declared with `key`.
    public static func bucket(_ key: String) -> Reference { Reference(kind: .bucket, address: Address("bucket.\(key)")) }
    /// The dataset declared with `key`.
    public static func dataset(_ key: String) -> Reference { Reference(kind: .dataset, address: Address("dataset.\(key)")) }
    /// The table (or view) `key` of the dataset declared with `dataset`.
    public static func table(_ dataset: String, _ key: String) -> Reference {
        Reference(kind: .table, address: Address("table.\(dataset).\(key)"))
    }
    /// The topic declared with `key`.
    public static func topic(_ key: String) -> Reference { Reference(kind: .topic, address: Address("topic.\(key)")) }
    /// The subscription declared with `key`.
    public static func subscription(_ key: String) -> Reference {
        Reference(kind: .subscription, address: Address("subscription.\(key)"))
    }
    /// The service account declared with `key`.
    public static func serviceAccount(_ key: String) -> Reference {
        Reference(kind: .serviceAccount, address: Address("service_account.\(key)"))
    }
}
