/// A FROM item: a table, a subquery, an UNNEST, or a join of them.
public struct TableExpression: Hashable, Sendable {
    public indirect enum Kind: Hashable, Sendable {
        /// A table, a CTE name, or an array path unnested implicitly (`FROM t, t.items AS item`).
        case table(TableReference)
        case subquery(Query, alias: Identifier?)
        case unnest(Unnest)
        case join(Join)
        /// `(a JOIN b ON …)`.
        case parenthesized(TableExpression)
    }

    public var kind: Kind
    public var location: SourceLocation
}

/// `path [[AS] alias] [WITH OFFSET [[AS] alias]] [FOR SYSTEM_TIME AS OF timestamp]`.
public struct TableReference: Hashable, Sendable {
    public var path: PathExpression
    public var alias: Identifier?
    /// Only meaningful when the path is an array (implicit UNNEST).
    public var withOffset: WithOffset?
    public var systemTime: Expression?
}

/// `UNNEST(array) [[AS] alias] [WITH OFFSET [[AS] alias]]`.
public struct Unnest: Hashable, Sendable {
    public var array: Expression
    public var alias: Identifier?
    public var withOffset: WithOffset?
}

/// `WITH OFFSET [[AS] alias]`.
public struct WithOffset: Hashable, Sendable {
    public var alias: Identifier?
    public var location: SourceLocation
}

public struct Join: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// `JOIN` or `INNER JOIN`.
        case inner = "INNER JOIN"
        case left = "LEFT JOIN", right = "RIGHT JOIN", full = "FULL JOIN"
        case cross = "CROSS JOIN"
        /// `a, b`.
        case comma = ","
    }

    public enum Condition: Hashable, Sendable {
        case on(Expression)
        case using([Identifier])
    }

    public var kind: Kind
    public var left: TableExpression
    public var right: TableExpression
    /// Present for INNER, LEFT, RIGHT and FULL joins; absent for CROSS and comma joins.
    public var condition: Condition?
}
