import GCPNaming
import TerraceJSON

/// A Cloud Storage bucket (`bucket.KEY`).
public struct Bucket: Declaration {
    public let key: String
    /// The bucket's globally unique name.
    public var name: String
    public var location: String
    public var storageClass: StorageClass
    public var labels: [String: String]
    public var versioning: Bool
    public var lifecycle: [LifecycleRule]
    public var uniformBucketLevelAccess: Bool
    /// Objects cannot be deleted or replaced until they are this old.
    public var retentionPeriod: Duration?
    /// Whether `destroy` may delete the bucket with its objects; `false` protects the data.
    public var forceDestroy: Bool
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ key: String, name: String? = nil, location: String, storageClass: StorageClass = .standard,
        labels: [String: String] = [:], versioning: Bool = false, lifecycle: [LifecycleRule] = [],
        uniformBucketLevelAccess: Bool = true, retentionPeriod: Duration? = nil, forceDestroy: Bool = false,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.key = key
        self.name = name ?? key.replacingAll("_", with: "-")
        self.location = location
        self.storageClass = storageClass
        self.labels = labels
        self.versioning = versioning
        self.lifecycle = lifecycle
        self.uniformBucketLevelAccess = uniformBucketLevelAccess
        self.retentionPeriod = retentionPeriod
        self.forceDestroy = forceDestroy
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .bucket }
    public var address: Address { Address("bucket.\(key)") }
    public var isProtected: Bool { !forceDestroy }
    /// A reference to this bucket, for IAM and dependencies.
    public var reference: Reference { Reference(kind: .bucket, address: address) }

    public func resourceName(in context: ModelContext) -> String { "projects/_/buckets/\(name)" }

    public func attributes(in context: ModelContext) -> JSON {
        var body: [String: JSON] = [
            "name": .string(name),
            "location": .string(location.uppercased()),
            "storageClass": .string(storageClass.rawValue),
            "labels": .object(labels.mapValues { .string($0) }),
            "versioning": ["enabled": .bool(versioning)],
            "iamConfiguration": ["uniformBucketLevelAccess": ["enabled": .bool(uniformBucketLevelAccess)]],
        ]
        if !lifecycle.isEmpty { body["lifecycle"] = ["rule": .array(lifecycle.map(\.json))] }
        if let retentionPeriod { body["retentionPolicy"] = ["retentionPeriod": .string(String(retentionPeriod.wholeSeconds))] }
        return .object(body)
    }

    /// 100 years, Cloud Storage's longest retention period.
    static let maximumRetentionSeconds: Int64 = 3_155_760_000

    public func validate(into diagnostics: inout [Diagnostic]) {
        checkKey(key, into: &diagnostics)
        checkNaming("choose another name, or another name prefix in the environment", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkBucket(name)
        }
        checkLabels(labels, into: &diagnostics)
        if location.isEmpty {
            report("the location is empty", fix: "set a location such as US, EU or europe-west1", into: &diagnostics)
        }
        if let retentionPeriod, !(1...Self.maximumRetentionSeconds).contains(retentionPeriod.wholeSeconds) {
            report(
                "retentionPeriod \(retentionPeriod.wholeSeconds)s is out of range",
                fix: "use 1 second to 100 years (3155760000s)", into: &diagnostics)
        }
        for (index, rule) in lifecycle.enumerated() {
            for problem in rule.problems {
                report("lifecycle rule \(index + 1): \(problem.message)", fix: problem.fix, into: &diagnostics)
            }
        }
    }
}
