/// A call `name(arguments)`: scalar, aggregate (`DISTINCT`, `IGNORE NULLS`, `ORDER BY`, `LIMIT`
/// inside the parentheses) or analytic (`OVER …`).
public struct FunctionCall: Hashable, Sendable {
    public enum NullHandling: Hashable, Sendable {
        case ignoreNulls, respectNulls
    }

    /// `f`, `NET.HOST`, `KEYS.NEW_KEYSET`, `mydataset.my_udf`: without any `SAFE.` prefix.
    public var name: PathExpression
    /// Called with the `SAFE.` prefix.
    public var isSafe: Bool
    public var isDistinct: Bool
    public var arguments: [Expression]
    public var nullHandling: NullHandling?
    public var orderBy: [OrderingTerm]
    public var limit: Expression?
    public var over: OverClause?

    /// The function name as one string, `NET.HOST`.
    public var dottedName: String { name.dottedName }
}

/// `OVER w` or `OVER (…)`.
public enum OverClause: Hashable, Sendable {
    case named(Identifier)
    case specification(WindowSpecification)
}

/// `[base_window] [PARTITION BY …] [ORDER BY …] [frame]`.
public struct WindowSpecification: Hashable, Sendable {
    /// A named window this one refines: `OVER (w ORDER BY x)`, or `w2 AS w1` in a WINDOW clause.
    public var baseWindow: Identifier?
    public var partitionBy: [Expression]
    public var orderBy: [OrderingTerm]
    public var frame: WindowFrame?
    public var location: SourceLocation
}

/// `ROWS|RANGE start` or `ROWS|RANGE BETWEEN start AND end`.
public struct WindowFrame: Hashable, Sendable {
    public enum Unit: String, Hashable, Sendable {
        case rows = "ROWS", range = "RANGE"
    }

    public enum Bound: Hashable, Sendable {
        case unboundedPreceding
        case preceding(Expression)
        case currentRow
        case following(Expression)
        case unboundedFollowing
    }

    public var unit: Unit
    public var start: Bound
    /// Set for the `BETWEEN … AND …` form.
    public var end: Bound?
    public var location: SourceLocation
}

/// `expression [ASC|DESC] [NULLS FIRST|LAST]`.
public struct OrderingTerm: Hashable, Sendable {
    public enum Direction: String, Hashable, Sendable {
        case ascending = "ASC", descending = "DESC"
    }

    public enum NullOrder: String, Hashable, Sendable {
        case first = "NULLS FIRST", last = "NULLS LAST"
    }

    public var expression: Expression
    public var direction: Direction?
    public var nulls: NullOrder?
}
