/// The queries of data tests: the failing rows, their count, a few examples.
enum DataTestQuery {
    /// The failing rows of a header test over `table`:
    /// - not_null: the rows where the column is NULL;
    /// - unique: each duplicated key with its count `n` (keys with a NULL part are ignored);
    /// - accepted_values: each unexpected non-NULL value with its count `n`;
    /// - relationships: each non-NULL value with no parent row, with its count `n`.
    static func failures(_ test: DataTest, table: String, resolver: ReferenceResolver) -> Result<String, ModelError> {
        let id = SQLText.identifier
        switch test.kind {
        case .notNull(let column):
            return .success("SELECT * FROM \(table) WHERE \(id(column)) IS NULL")
        case .unique(let columns):
            let list = columns.map(id).joined(separator: ", ")
            let present = columns.map { "\(id($0)) IS NOT NULL" }.joined(separator: " AND ")
            return .success("SELECT \(list), COUNT(*) AS n FROM \(table) WHERE \(present) GROUP BY \(list) HAVING COUNT(*) > 1")
        case .acceptedValues(let column, let values):
            return .success("SELECT \(id(column)), COUNT(*) AS n FROM \(table) WHERE \(id(column)) IS NOT NULL "
                + "AND \(id(column)) NOT IN (\(values.joined(separator: ", "))) GROUP BY \(id(column))")
        case .relationships(let column, _, let field):
            let parent = test.references.first.map(resolver.resolve)
                ?? .failure(ModelError(.unknownModel, file: test.file, line: test.line, "relationships names no parent", fix: nil))
            return parent.map { parent in
                "SELECT \(id(column)), COUNT(*) AS n FROM \(table) WHERE \(id(column)) IS NOT NULL "
                    + "AND \(id(column)) NOT IN (SELECT \(id(field)) FROM \(parent) WHERE \(id(field)) IS NOT NULL) GROUP BY \(id(column))"
            }
        case .custom:
            return .failure(ModelError(.syntax, file: test.file, "a custom test's query is its file", fix: nil))
        }
    }
}

extension CompiledTest {
    /// One row, one column `failures`: how many rows ``failuresQuery`` answers.
    public var countQuery: String {
        "SELECT COUNT(*) AS failures FROM (\n\(failuresQuery)\n)"
    }

    /// At most `limit` failing rows, to print as examples.
    public func examplesQuery(limit: Int = 5) -> String {
        "SELECT * FROM (\n\(failuresQuery)\n) LIMIT \(limit)"
    }
}
