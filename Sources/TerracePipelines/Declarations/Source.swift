import TerraceJSON

/// The bronze layer of a platform: where its sources land (the infra key of a bucket) and load
/// (the infra key of a dataset), and the sources themselves. A value, like the infra stack:
/// `terrace run` interprets it.
public struct Bronze: Sendable {
    /// The infra key of the lake bucket (`Bucket("raw", …)`).
    public var lake: String
    /// The infra key of the bronze dataset (`Dataset("bronze", …)`).
    public var dataset: String
    public var sources: [Source]

    public init(lake: String = "raw", dataset: String = "bronze", @SourceBuilder sources: () -> [Source]) {
        self.lake = lake
        self.dataset = dataset
        self.sources = sources()
    }

    /// The source called `name`.
    public func source(_ name: String) -> Source? { sources.first { $0.name == name } }
}

@resultBuilder
public enum SourceBuilder {
    public static func buildExpression(_ source: Source) -> [Source] { [source] }
    public static func buildExpression(_ sources: [Source]) -> [Source] { sources }
    public static func buildBlock(_ parts: [Source]...) -> [Source] { parts.flatMap { $0 } }
    public static func buildArray(_ parts: [[Source]]) -> [Source] { parts.flatMap { $0 } }
    public static func buildOptional(_ part: [Source]?) -> [Source] { part ?? [] }
    public static func buildEither(first: [Source]) -> [Source] { first }
    public static func buildEither(second: [Source]) -> [Source] { second }
}

/// A per-record transform: the record in, the record to keep out (`nil` drops it). Throwing
/// makes the record a bad record, counted against `--max-bad-records`.
public typealias RecordTransform = @Sendable (JSON) throws -> JSON?

/// Where a declaration was written, for messages (`pipelines/Bronze.swift:12`).
public struct DeclarationSite: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var description: String { "\(file):\(line)" }

    public init(file: String, line: Int) {
        self.file = Self.relative(file)
        self.line = line
    }

    /// `…/pipelines/Bronze.swift` → `pipelines/Bronze.swift`.
    static func relative(_ path: String) -> String {
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        for marker in ["pipelines", "Tests", "Sources"] {
            if let index = components.lastIndex(where: { $0 == marker }) { return components[index...].joined(separator: "/") }
        }
        return path
    }
}

/// One bronze source: what it reads, how its records are shaped and checked, and how they load.
public struct Source: Sendable {
    public enum Kind: Sendable {
        case http(HTTPSource)
        case file(FileSource)
        case postgres(PostgresSource)
    }

    /// The source's name: its landing prefix `raw/<name>/` and its bronze table.
    public var name: String
    public var kind: Kind
    /// Declared columns; without them the schema is inferred from the records.
    public var columns: [Column]?
    /// What a record with a field the declared columns lack does (default: evolve).
    public var contract: SchemaContract
    public var disposition: WriteDisposition
    public var transform: RecordTransform?
    public var site: DeclarationSite

    public init(_ name: String, _ kind: Kind, columns: [Column]? = nil, contract: SchemaContract = .evolve,
                disposition: WriteDisposition = .append, transform: RecordTransform? = nil,
                file: String = #filePath, line: Int = #line) {
        self.name = name
        self.kind = kind
        self.columns = columns
        self.contract = contract
        self.disposition = disposition
        self.transform = transform
        self.site = DeclarationSite(file: file, line: line)
    }

    /// An HTTP JSON API source.
    public static func http(_ name: String, _ spec: HTTPSource, columns: [Column]? = nil, contract: SchemaContract = .evolve,
                            disposition: WriteDisposition = .append, transform: RecordTransform? = nil,
                            file: String = #filePath, line: Int = #line) -> Source {
        Source(name, .http(spec), columns: columns, contract: contract, disposition: disposition, transform: transform, file: file, line: line)
    }

    /// A file source (CSV, NDJSON or a JSON array; a path, an HTTP URL or gs://).
    public static func file(_ name: String, _ spec: FileSource, columns: [Column]? = nil, contract: SchemaContract = .evolve,
                            disposition: WriteDisposition = .append, transform: RecordTransform? = nil,
                            file: String = #filePath, line: Int = #line) -> Source {
        Source(name, .file(spec), columns: columns, contract: contract, disposition: disposition, transform: transform, file: file, line: line)
    }

    /// A PostgreSQL table or query.
    public static func postgres(_ name: String, _ spec: PostgresSource, columns: [Column]? = nil, contract: SchemaContract = .evolve,
                                disposition: WriteDisposition = .append, transform: RecordTransform? = nil,
                                file: String = #filePath, line: Int = #line) -> Source {
        Source(name, .postgres(spec), columns: columns, contract: contract, disposition: disposition, transform: transform, file: file, line: line)
    }
}

/// How a run's records reach the bronze table.
public enum WriteDisposition: Sendable, Equatable {
    /// The table becomes this run's records (WRITE_TRUNCATE).
    case replace
    /// This run's records are added; running the same run again replaces what it added.
    case append
    /// Rows are upserted on the primary key (a staging table, then MERGE). A record without its
    /// key (missing or null) is a bad record. When one run holds a key several times, one of its
    /// records is kept: which one is not defined (a load job keeps no order).
    case merge(primaryKey: [String])
    /// Each run adds a dated copy (`_snapshot_date`, the run's logical date, partitioning the
    /// table by day); running a date again replaces that date's copy.
    case periodic
}

/// What happens to a field the declared columns do not have.
public enum SchemaContract: String, Sendable, Equatable {
    /// The column is added to the table.
    case evolve
    /// The record is refused (a bad record naming the field).
    case freeze
    /// The field is dropped.
    case discard
}

/// A declared column.
public struct Column: Sendable, Equatable {
    public enum ColumnType: String, Sendable, Equatable {
        case string = "STRING", int64 = "INTEGER", float64 = "FLOAT", bool = "BOOLEAN", numeric = "NUMERIC"
        case date = "DATE", datetime = "DATETIME", timestamp = "TIMESTAMP", time = "TIME", json = "JSON", bytes = "BYTES"
    }

    public var name: String
    public var type: ColumnType
    public var isRequired: Bool
    public var description: String?

    public init(_ name: String, _ type: ColumnType, required: Bool = false, description: String? = nil) {
        self.name = name
        self.type = type
        self.isRequired = required
        self.description = description
    }
}
