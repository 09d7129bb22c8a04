/// A query expression: `[WITH …] body [ORDER BY …] [LIMIT … [OFFSET …]]`.
public struct Query: Hashable, Sendable {
    public var with: WithClause?
    public var body: QueryBody
    public var orderBy: [OrderingTerm]
    public var limit: LimitClause?
    public var location: SourceLocation
}

/// `WITH [RECURSIVE] name AS (query), …`.
public struct WithClause: Hashable, Sendable {
    public var isRecursive: Bool
    public var tables: [CommonTableExpression]
    public var location: SourceLocation
}

public struct CommonTableExpression: Hashable, Sendable {
    public var name: Identifier
    public var query: Query
}

/// What a query expression is made of.
public indirect enum QueryBody: Hashable, Sendable {
    case select(Select)
    /// `(query)`, which may carry its own WITH, ORDER BY and LIMIT.
    case parenthesized(Query)
    case setOperation(SetOperation)

    public var location: SourceLocation {
        switch self {
        case .select(let select): select.location
        case .parenthesized(let query): query.location
        case .setOperation(let operation): operation.location
        }
    }
}

/// `a UNION ALL b UNION ALL c`: one operator over two or more operands. BigQuery requires ALL or
/// DISTINCT after UNION, DISTINCT after INTERSECT and EXCEPT, and parentheses to mix operators.
public struct SetOperation: Hashable, Sendable {
    public enum Operator: String, Hashable, Sendable {
        case unionAll = "UNION ALL", unionDistinct = "UNION DISTINCT"
        case intersectDistinct = "INTERSECT DISTINCT", exceptDistinct = "EXCEPT DISTINCT"
    }

    public var `operator`: Operator
    public var operands: [QueryBody]
    public var location: SourceLocation
}

/// `LIMIT count [OFFSET skip]`.
public struct LimitClause: Hashable, Sendable {
    public var count: Expression
    public var offset: Expression?
}

/// `SELECT [ALL|DISTINCT] [AS STRUCT|VALUE] items [FROM …] [WHERE …] [GROUP BY …] [HAVING …]
/// [QUALIFY …] [WINDOW …]`.
public struct Select: Hashable, Sendable {
    public enum AsKind: String, Hashable, Sendable {
        case `struct` = "STRUCT", value = "VALUE"
    }

    public var isDistinct: Bool
    public var asKind: AsKind?
    public var items: [SelectItem]
    public var from: TableExpression?
    public var whereCondition: Expression?
    public var groupBy: GroupByClause?
    public var having: Expression?
    public var qualify: Expression?
    public var windows: [NamedWindow]
    public var location: SourceLocation
}

/// One entry of a SELECT list.
public struct SelectItem: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// `expression [[AS] alias]`.
        case expression(Expression, alias: Identifier?)
        /// `* [EXCEPT (…)] [REPLACE (…)]`.
        case star(StarModifiers)
        /// `t.* …`, `s.field.* …`, `f().* …`.
        case qualifiedStar(Expression, StarModifiers)
    }

    public var kind: Kind
    public var location: SourceLocation
}

/// `EXCEPT (a, b)` and `REPLACE (expr AS a)` after a star.
public struct StarModifiers: Hashable, Sendable {
    public struct Replacement: Hashable, Sendable {
        public var expression: Expression
        public var name: Identifier
    }

    public var except: [Identifier]
    public var replace: [Replacement]

    public static let none = StarModifiers(except: [], replace: [])
}

/// `GROUP BY …` (or `GROUP BY ALL`).
public struct GroupByClause: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case items([GroupingItem])
        case all
    }

    public var kind: Kind
    public var location: SourceLocation
}

/// An entry of GROUP BY or of GROUPING SETS.
public struct GroupingItem: Hashable, Sendable {
    public indirect enum Kind: Hashable, Sendable {
        /// An expression or a select-list ordinal (`GROUP BY 1`).
        case expression(Expression)
        case rollup([Expression])
        case cube([Expression])
        case groupingSets([GroupingItem])
        /// `(a, b)` or `()` inside GROUPING SETS.
        case set([Expression])
    }

    public var kind: Kind
    public var location: SourceLocation
}

/// `name AS (specification)` or `name AS other_name` in a WINDOW clause.
public struct NamedWindow: Hashable, Sendable {
    public var name: Identifier
    public var specification: WindowSpecification
}
