/// `INSERT [INTO] target [(columns)] VALUES (…), … | query`.
public struct Insert: Hashable, Sendable {
    public enum Source: Hashable, Sendable {
        /// Rows of values; a value may be `DEFAULT`.
        case values([[Expression]])
        case query(Query)
    }

    public var target: PathExpression
    public var columns: [Identifier]?
    public var source: Source
}

/// `UPDATE target [[AS] alias] SET assignments [FROM …] WHERE condition`.
public struct Update: Hashable, Sendable {
    public var target: PathExpression
    public var alias: Identifier?
    public var assignments: [Assignment]
    public var from: TableExpression?
    public var whereCondition: Expression
}

/// `column = value` or `struct_column.field = value`; the value may be `DEFAULT`.
public struct Assignment: Hashable, Sendable {
    public var target: PathExpression
    public var value: Expression
}

/// `DELETE [FROM] target [[AS] alias] WHERE condition`.
public struct Delete: Hashable, Sendable {
    public var target: PathExpression
    public var alias: Identifier?
    public var whereCondition: Expression
}

/// `MERGE [INTO] target [[AS] alias] USING source ON condition WHEN …`.
public struct Merge: Hashable, Sendable {
    public var target: PathExpression
    public var alias: Identifier?
    /// A table or a parenthesised query, with its alias.
    public var source: TableExpression
    public var condition: Expression
    public var clauses: [MergeClause]
}

/// `WHEN [NOT] MATCHED [BY TARGET|SOURCE] [AND condition] THEN action`.
public struct MergeClause: Hashable, Sendable {
    public enum Match: String, Hashable, Sendable {
        case matched = "MATCHED"
        case notMatchedByTarget = "NOT MATCHED BY TARGET"
        case notMatchedBySource = "NOT MATCHED BY SOURCE"
    }

    public enum Action: Hashable, Sendable {
        case update([Assignment])
        case delete
        /// `INSERT [(columns)] VALUES (…)` or `INSERT [(columns)] ROW`.
        case insert(columns: [Identifier]?, values: InsertValues)
    }

    public enum InsertValues: Hashable, Sendable {
        case values([Expression])
        case row
    }

    public var match: Match
    public var condition: Expression?
    public var action: Action
    public var location: SourceLocation
}
