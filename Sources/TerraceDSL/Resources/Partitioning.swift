import TerraceJSON

/// How a table is partitioned: by a time unit of a DATE/TIMESTAMP/DATETIME column (or ingestion
/// time when no field is given), or by integer ranges of an INTEGER column.
public enum Partitioning: Sendable, Hashable {
    /// Time units BigQuery partitions by.
    public enum Granularity: String, Sendable, Hashable {
        case hour = "HOUR", day = "DAY", month = "MONTH", year = "YEAR"
    }

    case time(Granularity, field: String? = nil, expiration: Duration? = nil)
    case range(field: String, start: Int64, end: Int64, interval: Int64)

    /// The member name and body of the Tables API's partitioning field.
    var json: (key: String, value: JSON) {
        switch self {
        case .time(let granularity, let field, let expiration):
            var body: [String: JSON] = ["type": .string(granularity.rawValue)]
            if let field { body["field"] = .string(field) }
            if let expiration { body["expirationMs"] = .string(String(expiration.wholeMilliseconds)) }
            return ("timePartitioning", .object(body))
        case .range(let field, let start, let end, let interval):
            return ("rangePartitioning", [
                "field": .string(field),
                "range": ["start": .string(String(start)), "end": .string(String(end)), "interval": .string(String(interval))],
            ])
        }
    }

    /// The partitioning column, if any.
    var field: String? {
        switch self {
        case .time(_, let field, _): field
        case .range(let field, _, _, _): field
        }
    }
}
