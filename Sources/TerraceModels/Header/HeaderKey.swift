/// The keys a model's header may use.
enum HeaderKey: String, CaseIterable, Sendable {
    case description, materialized, tags, column, test
    case uniqueKey = "unique_key"
    case incrementalStrategy = "incremental_strategy"
    case incrementalFilter = "incremental_filter"
    case partitionBy = "partition_by"
    case clusterBy = "cluster_by"
    case updatedAt = "updated_at"
    case checkCols = "check_cols"

    /// Keys that may appear once only (the others accumulate).
    var isSingle: Bool { ![.description, .tags, .column, .test].contains(self) }

    /// The materializations that take this key.
    var materializations: [String] {
        switch self {
        case .description, .materialized, .tags, .column, .test: ["view", "table", "incremental", "scd2"]
        case .partitionBy, .clusterBy: ["table", "incremental", "scd2"]
        case .uniqueKey: ["incremental", "scd2"]
        case .incrementalStrategy, .incrementalFilter: ["incremental"]
        case .updatedAt, .checkCols: ["scd2"]
        }
    }

    /// The spellings, for "valid keys are …".
    static var spellings: String {
        allCases.map { key in
            switch key {
            case .column: "column NAME"
            case .test: "test, test warn"
            default: key.rawValue
            }
        }.joined(separator: ", ")
    }
}

/// The keys a custom test file's header may use.
enum CustomTestKey: String, CaseIterable, Sendable {
    case description, severity, tags
}
