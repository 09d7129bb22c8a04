import GoogleSQL

/// A column of a table or a result.
public struct EngineColumn: Hashable, Sendable {
    public var name: String
    public var type: SQLType
    /// REQUIRED in the table's schema (results are always nullable).
    public var isRequired: Bool

    public init(_ name: String, _ type: SQLType, isRequired: Bool = false) {
        self.name = name
        self.type = type
        self.isRequired = isRequired
    }
}

/// A table a query can read: where its rows are in SQLite, and its columns.
public struct EngineTable: Sendable {
    /// `project.dataset.table`, for messages.
    public var name: String
    /// The SQLite table holding its rows (`nil` when it has none yet: it reads as empty).
    public var sqliteName: String?
    public var columns: [EngineColumn]
    /// For a view: its GoogleSQL query.
    public var viewQuery: String?
    /// BigQuery's logical size of the stored rows (for `totalBytesProcessed`).
    public var logicalBytes: Int64

    public init(name: String, sqliteName: String?, columns: [EngineColumn], viewQuery: String? = nil, logicalBytes: Int64 = 0) {
        self.name = name
        self.sqliteName = sqliteName
        self.columns = columns
        self.viewQuery = viewQuery
        self.logicalBytes = logicalBytes
    }
}

/// Where the engine finds tables.
public protocol EngineCatalog {
    /// The project of unqualified dataset names.
    var defaultProject: String { get }
    /// The table `project.dataset.table`, or `nil` when the dataset or table does not exist.
    func table(project: String, dataset: String, table: String) throws -> EngineTable?
}

/// A query BigQuery would refuse, in its words: `reason` (`invalidQuery`, `notFound`) and the
/// message with the line and column it concerns (`Unrecognized name: x at [1:8]`).
public struct QueryError: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public var message: String

    public init(_ reason: String = "invalidQuery", _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// `message at [line:column]`.
    public static func at(_ location: SourceLocation, _ message: String, reason: String = "invalidQuery") -> QueryError {
        QueryError(reason, "\(message) at \(location)")
    }

    /// A construct of GoogleSQL this engine does not cover yet: never a different answer.
    public static func unsupported(_ what: String, at location: SourceLocation) -> QueryError {
        QueryError("invalidQuery", "\(what) is not supported by the local BigQuery yet at \(location)")
    }

    public var description: String { message }
}
