import GCPNaming
import TerraceJSON

/// A BigQuery view (`table.DATASET_KEY.KEY`, in the same namespace as tables): a standard-SQL
/// query (`useLegacySql` is always false).
public struct View: Declaration {
    public let key: String
    public let datasetKey: String
    public var tableID: String
    public var query: String
    public var description: String?
    public var labels: [String: String]
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ key: String, in dataset: String, tableID: String? = nil, query: String, description: String? = nil,
        labels: [String: String] = [:], fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.key = key
        self.datasetKey = dataset
        self.tableID = tableID ?? key
        self.query = query
        self.description = description
        self.labels = labels
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .view }
    public var address: Address { Address("table.\(datasetKey).\(key)") }
    public var references: [Reference] { [.dataset(datasetKey)] }

    public func resourceName(in context: ModelContext) -> String {
        BigQueryTableName.resourceName(datasetKey: datasetKey, tableID: tableID, in: context)
    }

    public func attributes(in context: ModelContext) -> JSON {
        var body: [String: JSON] = [
            "tableReference": BigQueryTableName.reference(datasetKey: datasetKey, tableID: tableID, in: context),
            "view": ["query": .string(query), "useLegacySql": false],
            "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let description { body["description"] = .string(description) }
        return .object(body)
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        checkKey(key, into: &diagnostics)
        checkNaming("use letters, digits, underscores, dashes and spaces", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkTableID(tableID)
        }
        checkLabels(labels, into: &diagnostics)
        if query.allSatisfy({ $0.isWhitespace }) {
            report("the view's query is empty", fix: "write the SELECT the view stands for", into: &diagnostics)
        }
    }
}
