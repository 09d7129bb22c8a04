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

    /// One row whose column `f<i>` counts the failing rows of `tests[i]`, every one a header
    /// test of the model whose table is `table`: the table is read once, for the columns the
    /// tests name, instead of once per test (what makes testing a view cheap). `nil` when a
    /// test is not a header test on that table.
    public static func batchedCountQuery(_ tests: [CompiledTest], table: String) -> String? {
        var columns: [String] = []
        for test in tests {
            switch test.test.kind {
            case .notNull(let column), .acceptedValues(let column, _), .relationships(let column, _, _): columns.append(column)
            case .unique(let names): columns += names
            case .custom: return nil
            }
            guard test.failuresQuery.contains(table) else { return nil }
        }
        var seen: Set<String> = []
        let needed = columns.filter { seen.insert($0.lowercased()).inserted }.map(SQLText.identifier)
        guard !tests.isEmpty, !needed.isEmpty else { return nil }
        let counts = tests.enumerated().map { index, test in
            "  (SELECT COUNT(*) FROM (\(test.failuresQuery.replacing(table, with: "model_rows")))) AS f\(index)"
        }
        return "WITH model_rows AS (SELECT \(needed.joined(separator: ", ")) FROM \(table))\nSELECT\n" + counts.joined(separator: ",\n")
    }

    /// At most `limit` failing rows, to print as examples.
    public func examplesQuery(limit: Int = 5) -> String {
        "SELECT * FROM (\n\(failuresQuery)\n) LIMIT \(limit)"
    }
}
