import Foundation
import GoogleSQL

/// Parsers of header values, each answering the value or the error to report at its line.
enum HeaderValues {
    /// Whether `name` is a plain column name.
    static func isColumnName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    /// `a, b, c`: one or more column names.
    static func columns(_ line: HeaderLine, file: String) -> Result<[String], ModelError> {
        let names = line.value.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if line.value.isEmpty {
            return .failure(valueError(line, file, "\(line.key) needs at least one column", fix: "write `\(line.key): column_a, column_b`"))
        }
        if let bad = names.first(where: { !isColumnName($0) }) {
            return .failure(valueError(line, file, "\(line.key): '\(bad)' is not a column name", fix: "list plain column names separated by commas"))
        }
        return .success(names)
    }

    /// `partition_by`: a column, `DATE(col)`, `TIMESTAMP_TRUNC(col, DAY)` and the other forms of
    /// BigQuery's PARTITION BY, or `RANGE_BUCKET(col, GENERATE_ARRAY(start, end, step))`.
    static func partition(_ line: HeaderLine, file: String) -> Result<PartitionSpec, ModelError> {
        let fix = "write a column, DATE(column), TIMESTAMP_TRUNC(column, DAY|HOUR|MONTH|YEAR), DATETIME_TRUNC(column, …), "
            + "DATE_TRUNC(column, MONTH|YEAR) or RANGE_BUCKET(column, GENERATE_ARRAY(start, end, step))"
        let bad = valueError(line, file, "partition_by: '\(line.value)' is not a partitioning BigQuery accepts", fix: fix)
        guard let tokens = try? GoogleSQLLexer.tokenize(line.value), (try? GoogleSQLParser.parseExpression(line.value)) != nil else {
            return .failure(bad)
        }
        let kinds = tokens.map(\.kind)
        if kinds.count == 2, case .identifier(let column) = kinds[0] {
            return .success(PartitionSpec(column: column, prefix: "", suffix: ""))
        }
        guard kinds.count >= 5, case .identifier(let function) = kinds[0], kinds[1] == .symbol(.leftParen),
              case .identifier(let column) = kinds[2], kinds[kinds.count - 2] == .symbol(.rightParen) else { return .failure(bad) }
        let units: Set<String>
        switch function.uppercased() {
        case "DATE": units = []
        case "TIMESTAMP_TRUNC", "DATETIME_TRUNC": units = ["DAY", "HOUR", "MONTH", "YEAR"]
        case "DATE_TRUNC": units = ["MONTH", "YEAR"]
        case "RANGE_BUCKET": units = ["GENERATE_ARRAY"]
        default: return .failure(bad)
        }
        if units.isEmpty {
            guard kinds.count == 5 else { return .failure(bad) }
        } else {
            guard kinds[3] == .symbol(.comma), case .identifier(let unit) = kinds[4], units.contains(unit.uppercased()) else { return .failure(bad) }
            guard function.uppercased() == "RANGE_BUCKET" || kinds.count == 7 else { return .failure(bad) }
        }
        let locator = TextLocator(line.value)
        let start = locator.offset(of: tokens[2].location)
        let end = start + column.utf8.count
        let bytes = locator.bytes
        return .success(PartitionSpec(column: column, prefix: String(decoding: bytes[..<start], as: UTF8.self),
                                      suffix: String(decoding: bytes[end...], as: UTF8.self)))
    }

    /// An error about a line's value, located at the value.
    static func valueError(_ line: HeaderLine, _ file: String, _ message: String, fix: String?) -> ModelError {
        ModelError(.header, file: file, line: line.line, column: line.valueColumn, message, fix: fix)
    }

    /// An error about a line's key, located at the key.
    static func keyError(_ line: HeaderLine, _ file: String, _ message: String, fix: String?) -> ModelError {
        ModelError(.header, file: file, line: line.line, column: line.keyColumn, message, fix: fix)
    }
}
