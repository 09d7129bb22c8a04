/// `CREATE [OR REPLACE] [TEMP|TEMPORARY] TABLE [IF NOT EXISTS] name [(columns)] [PARTITION BY …]
/// [CLUSTER BY …] [OPTIONS(…)] [AS query]`.
public struct CreateTable: Hashable, Sendable {
    public var orReplace: Bool
    public var isTemporary: Bool
    public var ifNotExists: Bool
    public var name: PathExpression
    public var columns: [ColumnDefinition]
    public var partitionBy: Expression?
    public var clusterBy: [Expression]
    public var options: [OptionEntry]
    public var query: Query?
}

/// `name type [DEFAULT expression] [NOT NULL] [OPTIONS(…)]`.
public struct ColumnDefinition: Hashable, Sendable {
    public var name: Identifier
    public var type: TypeName
    public var isNotNull: Bool
    public var defaultValue: Expression?
    public var options: [OptionEntry]
    public var location: SourceLocation
}

/// `name = value` in `OPTIONS(…)`.
public struct OptionEntry: Hashable, Sendable {
    public var name: Identifier
    public var value: Expression
}

/// `CREATE [OR REPLACE] VIEW [IF NOT EXISTS] name [(columns)] [OPTIONS(…)] AS query`.
public struct CreateView: Hashable, Sendable {
    public var orReplace: Bool
    public var ifNotExists: Bool
    public var name: PathExpression
    public var columns: [Identifier]
    public var options: [OptionEntry]
    public var query: Query
}

/// `DROP TABLE|VIEW [IF EXISTS] name`.
public struct Drop: Hashable, Sendable {
    public enum ObjectType: String, Hashable, Sendable {
        case table = "TABLE", view = "VIEW"
    }

    public var objectType: ObjectType
    public var ifExists: Bool
    public var name: PathExpression
}

/// `TRUNCATE TABLE name`.
public struct TruncateTable: Hashable, Sendable {
    public var name: PathExpression
}
