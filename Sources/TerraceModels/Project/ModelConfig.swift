/// How a model is written to BigQuery, from its header.
public struct ModelConfig: Hashable, Sendable {
    public var materialization: Materialization
    /// The table's (or view's) description.
    public var description: String?
    public var partitionBy: PartitionSpec?
    /// At most four columns, BigQuery's limit.
    public var clusterBy: [String]
    public var tags: [String]
    /// Column descriptions in header order, for the runner to patch onto the table's schema.
    public var columns: [ColumnDescription]

    public init(materialization: Materialization, description: String? = nil, partitionBy: PartitionSpec? = nil,
                clusterBy: [String] = [], tags: [String] = [], columns: [ColumnDescription] = []) {
        self.materialization = materialization
        self.description = description
        self.partitionBy = partitionBy
        self.clusterBy = clusterBy
        self.tags = tags
        self.columns = columns
    }
}

/// `column NAME: description`.
public struct ColumnDescription: Hashable, Sendable {
    public var name: String
    public var description: String

    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}

/// What a model becomes.
public enum Materialization: Hashable, Sendable {
    /// A view over the compiled query (a declaration: the plan owns it).
    case view
    /// A table replaced by every run.
    case table
    /// A table a run adds to: merged on a unique key, or whose touched partitions are replaced.
    case incremental(Incremental)
    /// A slowly changing dimension of type 2: a history table with `valid_from`, `valid_to`, `is_current`.
    case scd2(SCD2)

    /// The header spelling: `view`, `table`, `incremental`, `scd2`.
    public var name: String {
        switch self {
        case .view: "view"
        case .table: "table"
        case .incremental: "incremental"
        case .scd2: "scd2"
        }
    }

    /// Whether `terrace run` writes this model (everything but a view).
    public var isRunOwned: Bool { self != .view }
}

/// An incremental model's settings.
public struct Incremental: Hashable, Sendable {
    public enum Strategy: String, Hashable, Sendable, CaseIterable {
        /// MERGE on the unique key: matched rows updated, new rows inserted.
        case merge
        /// The partitions the new rows touch are replaced by them.
        case insertOverwrite = "insert_overwrite"
    }

    public var strategy: Strategy
    /// The merge key (empty for insert_overwrite).
    public var uniqueKey: [String]
    /// A GoogleSQL condition on the model's rows applied on incremental runs only; it may name
    /// `this`, the model's own table.
    public var filter: String?

    public init(strategy: Strategy, uniqueKey: [String], filter: String? = nil) {
        self.strategy = strategy
        self.uniqueKey = uniqueKey
        self.filter = filter
    }
}

/// A type-2 slowly changing dimension's settings.
public struct SCD2: Hashable, Sendable {
    /// How a new version of a key is recognised.
    public enum ChangeDetection: Hashable, Sendable {
        /// A row whose `column` is newer than the current version's; `valid_from` is that column.
        case updatedAt(String)
        /// A row where any of the columns differs (NULL-safe); `valid_from` is the run's timestamp.
        case checkColumns([String])
    }

    public var uniqueKey: [String]
    public var change: ChangeDetection

    public init(uniqueKey: [String], change: ChangeDetection) {
        self.uniqueKey = uniqueKey
        self.change = change
    }

    /// The columns the history table adds to the model's.
    public static let historyColumns = ["valid_from", "valid_to", "is_current"]
}

/// `partition_by`: a column, or one of the functions BigQuery accepts over it in PARTITION BY.
public struct PartitionSpec: Hashable, Sendable {
    /// The partitioning column.
    public var column: String
    /// The expression as written (`DATE(created_at)`).
    public var expression: String
    /// The text before and after the column in `expression`.
    var prefix: String
    var suffix: String

    init(column: String, prefix: String, suffix: String) {
        self.column = column
        self.prefix = prefix
        self.suffix = suffix
        self.expression = prefix + column + suffix
    }

    /// The expression over `qualifier.column` (the partition a row of that table falls in).
    func applied(to qualifier: String) -> String {
        prefix + qualifier + "." + SQLText.identifier(column) + suffix
    }
}
