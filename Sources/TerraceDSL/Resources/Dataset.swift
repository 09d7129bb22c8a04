import GCPNaming
import TerraceJSON

/// A BigQuery dataset (`dataset.KEY`). Access to it is declared with ``Grant`` and
/// ``RoleBinding`` on `.dataset(KEY)`, which the engine applies through the dataset's `access` list.
public struct Dataset: Declaration {
    public let key: String
    /// The dataset id (letters, digits and underscores).
    public var datasetID: String
    public var location: String
    public var description: String?
    public var labels: [String: String]
    /// The expiration new tables get unless they set their own.
    public var defaultTableExpiration: Duration?
    /// Whether `destroy` may delete the dataset with its tables; `false` protects the data.
    public var forceDestroy: Bool
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ key: String, datasetID: String? = nil, location: String, description: String? = nil,
        labels: [String: String] = [:], defaultTableExpiration: Duration? = nil, forceDestroy: Bool = false,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.key = key
        self.datasetID = datasetID ?? key
        self.location = location
        self.description = description
        self.labels = labels
        self.defaultTableExpiration = defaultTableExpiration
        self.forceDestroy = forceDestroy
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .dataset }
    public var address: Address { Address("dataset.\(key)") }
    public var isProtected: Bool { !forceDestroy }
    /// A reference to this dataset.
    public var reference: Reference { Reference(kind: .dataset, address: address) }

    public func resourceName(in context: ModelContext) -> String { "projects/\(context.project)/datasets/\(datasetID)" }

    public func attributes(in context: ModelContext) -> JSON {
        var body: [String: JSON] = [
            "datasetReference": ["projectId": .string(context.project), "datasetId": .string(datasetID)],
            "location": .string(location),
            "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let description { body["description"] = .string(description) }
        if let defaultTableExpiration {
            body["defaultTableExpirationMs"] = .string(String(defaultTableExpiration.wholeMilliseconds))
        }
        return .object(body)
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        checkKey(key, into: &diagnostics)
        checkNaming("use letters, digits and underscores", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkDatasetID(datasetID)
        }
        checkLabels(labels, into: &diagnostics)
        if location.isEmpty {
            report("the location is empty", fix: "set a location such as US, EU or europe-west1", into: &diagnostics)
        }
        if let defaultTableExpiration, defaultTableExpiration.wholeSeconds < 3600 {
            report(
                "defaultTableExpiration \(defaultTableExpiration.humanDescription) is shorter than one hour",
                fix: "use at least .hours(1), or leave it unset", into: &diagnostics)
        }
    }
}
