/// The stable name of a declaration inside a stack, independent of the environment.
///
/// The scheme (see the module README):
/// - named resources: `KIND.KEY` — `bucket.raw`, `dataset.bronze`, `topic.carts_events`,
///   `subscription.carts_events_loader`, `service_account.pipeline_runner`; tables and views
///   `table.DATASET_KEY.KEY` (`table.bronze.events`);
/// - enabled APIs: `service[bigquery.googleapis.com]`;
/// - IAM: `iam.grant.TARGET[ROLE,MEMBER]` (additive) and `iam.binding.TARGET[ROLE]`
///   (authoritative), where `TARGET` is `project` or the target's address and a member that is a
///   declared service account is written as its address: 
///   `iam.grant.dataset.gold[roles/bigquery.dataViewer,user:ann@example.com]`,
///   `iam.grant.project[roles/bigquery.jobUser,service_account.pipeline_runner]`.
///
/// Keys are `[a-z][a-z0-9_]*`, so addresses never change when an environment's name prefix,
/// project or region does.
public struct Address: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static func < (lhs: Address, rhs: Address) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Whether `key` is a valid address key: a lowercase letter, then lowercase letters, digits
    /// and underscores.
    public static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}

/// The kinds of declaration, each with the prefix its addresses start with and the resource
/// type the engine dispatches on.
public enum ResourceKind: String, Sendable, Hashable, CaseIterable {
    case bucket, dataset, table, view, topic, subscription, serviceAccount, service, grant, binding

    /// The first component of the kind's addresses.
    public var addressPrefix: String {
        switch self {
        case .bucket: "bucket"
        case .dataset: "dataset"
        case .table, .view: "table"
        case .topic: "topic"
        case .subscription: "subscription"
        case .serviceAccount: "service_account"
        case .service: "service"
        case .grant: "iam.grant"
        case .binding: "iam.binding"
        }
    }

    /// The resource type recorded in plans and state (`storage.bucket`, `pubsub.topic`, …).
    public var typeName: String {
        switch self {
        case .bucket: "storage.bucket"
        case .dataset: "bigquery.dataset"
        case .table: "bigquery.table"
        case .view: "bigquery.view"
        case .topic: "pubsub.topic"
        case .subscription: "pubsub.subscription"
        case .serviceAccount: "iam.serviceAccount"
        case .service: "serviceusage.service"
        case .grant: "iam.grant"
        case .binding: "iam.binding"
        }
    }

    /// How errors name the kind ("topic", "service account", …).
    public var displayName: String {
        switch self {
        case .serviceAccount: "service account"
        case .grant: "IAM grant"
        case .binding: "IAM binding"
        default: rawValue
        }
    }
}
