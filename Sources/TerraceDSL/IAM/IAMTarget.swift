/// What an IAM grant or binding applies to: the project, or a declared bucket, dataset (through
/// its `access` list), table, topic, subscription or service account.
public enum IAMTarget: Sendable, Hashable, CustomStringConvertible {
    case project
    case resource(Reference)

    public static func bucket(_ key: String) -> IAMTarget { .resource(.bucket(key)) }
    public static func dataset(_ key: String) -> IAMTarget { .resource(.dataset(key)) }
    public static func table(_ dataset: String, _ key: String) -> IAMTarget { .resource(.table(dataset, key)) }
    public static func topic(_ key: String) -> IAMTarget { .resource(.topic(key)) }
    public static func subscription(_ key: String) -> IAMTarget { .resource(.subscription(key)) }
    public static func serviceAccount(_ key: String) -> IAMTarget { .resource(.serviceAccount(key)) }

    /// `project`, or the target's address: the middle of IAM addresses.
    public var description: String {
        switch self {
        case .project: "project"
        case .resource(let reference): reference.address.rawValue
        }
    }

    var reference: Reference? {
        if case .resource(let reference) = self { return reference }
        return nil
    }

    /// The resource type the engine applies the policy through.
    var resourceType: String {
        switch self {
        case .project: "cloudresourcemanager.project"
        case .resource(let reference): reference.kind.typeName
        }
    }

    /// The target's resource name in `context`.
    func resourceName(in context: ModelContext) -> String {
        switch self {
        case .project: "projects/\(context.project)"
        case .resource(let reference): context.resourceName(reference)
        }
    }

    /// Kinds that take IAM policies.
    static let supportedKinds: Set<ResourceKind> = [.bucket, .dataset, .table, .view, .topic, .subscription, .serviceAccount]
}
