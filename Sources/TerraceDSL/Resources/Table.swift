import GCPNaming
import TerraceJSON

/// A BigQuery table (`table.DATASET_KEY.KEY`) with its schema, partitioning and clustering.
///
/// ```swift
/// Table("events", in: "bronze", partitioning: .time(.day, field: "event_time"), clustering: ["user_id"]) {
///     Field("event_time", .timestamp, mode: .required)
///     Field("user_id", .string)
///     Field("items", mode: .repeated) { Field("sku", .string); Field("quantity", .integer) }
/// }
/// ```
public struct Table: Declaration {
    public let key: String
    /// The key of the dataset it belongs to.
    public let datasetKey: String
    public var tableID: String
    public var schema: [Field]
    public var partitioning: Partitioning?
    /// Up to four top-level columns to cluster by, in order.
    public var clustering: [String]
    public var description: String?
    public var labels: [String: String]
    /// When the table expires, in milliseconds since the epoch.
    public var expirationTime: Int64?
    /// Whether `destroy` (or a replacement) may delete it while it holds rows.
    public var forceDestroy: Bool
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ key: String, in dataset: String, tableID: String? = nil, partitioning: Partitioning? = nil,
        clustering: [String] = [], description: String? = nil, labels: [String: String] = [:],
        expirationTime: Int64? = nil, forceDestroy: Bool = false,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line,
        @SchemaBuilder schema: () -> [Field]
    ) {
        self.forceDestroy = forceDestroy
        self.key = key
        self.datasetKey = dataset
        self.tableID = tableID ?? key
        self.schema = schema()
        self.partitioning = partitioning
        self.clustering = clustering
        self.description = description
        self.labels = labels
        self.expirationTime = expirationTime
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .table }
    /// A table holding rows is never deleted or replaced unless declared with `forceDestroy: true`.
    public var isProtected: Bool { !forceDestroy }
    public var address: Address { Address("table.\(datasetKey).\(key)") }
    public var references: [Reference] { [.dataset(datasetKey)] }
    /// A reference to this table.
    public var reference: Reference { Reference(kind: .table, address: address) }

    public func resourceName(in context: ModelContext) -> String {
        BigQueryTableName.resourceName(datasetKey: datasetKey, tableID: tableID, in: context)
    }

    public func attributes(in context: ModelContext) -> JSON {
        var body: [String: JSON] = [
            "tableReference": BigQueryTableName.reference(datasetKey: datasetKey, tableID: tableID, in: context),
            "schema": ["fields": .array(schema.map(\.json))],
            "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let partitioning { body[partitioning.json.key] = partitioning.json.value }
        if !clustering.isEmpty { body["clustering"] = ["fields": .array(clustering.map { .string($0) })] }
        if let description { body["description"] = .string(description) }
        if let expirationTime { body["expirationTime"] = .string(String(expirationTime)) }
        return .object(body)
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        checkKey(key, into: &diagnostics)
        checkNaming("use letters, digits, underscores, dashes and spaces", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkTableID(tableID)
        }
        checkLabels(labels, into: &diagnostics)
        if schema.isEmpty {
            report("the schema has no fields", fix: "declare at least one Field", into: &diagnostics)
        }
        for problem in Field.problems(in: schema) {
            let parts = problem.split(separator: ";", maxSplits: 1).map { $0.trimmingSpaces }
            report(parts[0], fix: parts.count > 1 ? parts[1] : "fix the schema", into: &diagnostics)
        }
        validatePartitioning(into: &diagnostics)
        validateClustering(into: &diagnostics)
    }

    private func column(_ name: String) -> Field? {
        schema.first { $0.name.lowercased() == name.lowercased() }
    }

    private func validatePartitioning(into diagnostics: inout [Diagnostic]) {
        guard let partitioning, let name = partitioning.field else { return }
        guard let field = column(name) else {
            report(
                "partition field \"\(name)\" is not a top-level field of the schema",
                fix: "partition by one of: \(schema.map(\.name).joined(separator: ", "))", into: &diagnostics)
            return
        }
        switch partitioning {
        case .time:
            if ![.date, .timestamp, .datetime].contains(field.type) || field.mode == .repeated {
                report(
                    "partition field \"\(name)\" is \(field.mode == .repeated ? "REPEATED " : "")\(field.type.rawValue)",
                    fix: "time partitioning needs a DATE, TIMESTAMP or DATETIME field", into: &diagnostics)
            }
        case .range(_, let start, let end, let interval):
            if field.type != .integer || field.mode == .repeated {
                report(
                    "partition field \"\(name)\" is \(field.type.rawValue)",
                    fix: "range partitioning needs an INTEGER field", into: &diagnostics)
            }
            if interval <= 0 || start >= end {
                report(
                    "range partitioning start \(start), end \(end), interval \(interval) is empty",
                    fix: "use start < end and a positive interval", into: &diagnostics)
            }
        }
    }

    /// The column types BigQuery clusters by.
    static let clusterableTypes: Set<Field.FieldType> = [
        .string, .bytes, .integer, .numeric, .bignumeric, .boolean, .date, .datetime, .timestamp, .geography,
    ]

    private func validateClustering(into diagnostics: inout [Diagnostic]) {
        if clustering.count > 4 {
            report(
                "clustering has \(clustering.count) fields", fix: "cluster by at most 4 fields", into: &diagnostics)
        }
        for name in clustering {
            guard let field = column(name) else {
                report(
                    "clustering field \"\(name)\" is not a top-level field of the schema",
                    fix: "cluster by fields the schema declares", into: &diagnostics)
                continue
            }
            if field.mode == .repeated || !Self.clusterableTypes.contains(field.type) {
                report(
                    "clustering field \"\(name)\" is \(field.mode == .repeated ? "REPEATED " : "")\(field.type.rawValue)",
                    fix: "cluster by non-repeated scalar fields", into: &diagnostics)
            }
        }
    }
}

extension Substring {
    /// This text without leading and trailing spaces.
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}

extension ModelContext {
    /// The dataset id declared for `key`, or `${dataset.KEY}` when none is declared.
    func datasetID(_ key: String) -> String {
        (declaration(.dataset(key)) as? Dataset)?.datasetID ?? "${dataset.\(key)}"
    }
}
