/// A scalar expression and where it starts.
public struct Expression: Hashable, Sendable {
    public indirect enum Kind: Hashable, Sendable {
        case literal(Literal)
        case parameter(QueryParameter)
        /// A name or dotted name: a column, `t.column`, `struct_column.field`; which one is the
        /// resolver's call.
        case path(PathExpression)
        /// `.field` after something that is not a plain name: `(e).f`, `f(x).f`, `arr[0].f`.
        case fieldAccess(Expression, Identifier)
        /// `arr[0]`, `arr[OFFSET(0)]`, `arr[SAFE_ORDINAL(1)]`, `json['key']`.
        case subscripted(Expression, Subscript)
        case unary(UnaryOperator, Expression)
        case binary(BinaryOperator, Expression, Expression)
        case between(Expression, lower: Expression, upper: Expression, isNegated: Bool)
        case inList(Expression, [Expression], isNegated: Bool)
        case inSubquery(Expression, Query, isNegated: Bool)
        case inUnnest(Expression, Expression, isNegated: Bool)
        /// `IS [NOT] NULL | TRUE | FALSE`.
        case isTest(Expression, IsTest, isNegated: Bool)
        case isDistinctFrom(Expression, Expression, isNegated: Bool)
        case caseWhen(CaseExpression)
        case cast(Cast)
        /// A function call, aggregate or analytic (`over` set); `IF(…)` and `CURRENT_DATE` included.
        case function(FunctionCall)
        case extract(Extract)
        case interval(Interval)
        /// `[1, 2]`, `ARRAY[1, 2]`, `ARRAY<INT64>[]`.
        case array(ArrayLiteral)
        /// `ARRAY(SELECT …)`.
        case arraySubquery(Query)
        /// `STRUCT(1 AS a, 'x' AS b)`, `STRUCT<a INT64>(1)`, `(1, 'x')`.
        case structConstructor(StructConstructor)
        case exists(Query)
        case scalarSubquery(Query)
        /// The `*` of `COUNT(*)`; only ever a function argument.
        case star
        /// `DEFAULT` as an INSERT value or an UPDATE/MERGE assignment.
        case defaultValue
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }
}

public enum UnaryOperator: String, Hashable, Sendable {
    case plus = "+", minus = "-", bitwiseNot = "~", not = "NOT"
}

public enum BinaryOperator: String, Hashable, Sendable {
    case multiply = "*", divide = "/", concatenate = "||"
    case add = "+", subtract = "-"
    case shiftLeft = "<<", shiftRight = ">>"
    case bitwiseAnd = "&", bitwiseXor = "^", bitwiseOr = "|"
    /// `!=` and `<>` are the same operator.
    case equal = "=", notEqual = "!=", less = "<", greater = ">", lessOrEqual = "<=", greaterOrEqual = ">="
    case like = "LIKE", notLike = "NOT LIKE"
    case and = "AND", or = "OR"
}

public enum IsTest: String, Hashable, Sendable {
    case null = "NULL", `true` = "TRUE", `false` = "FALSE"
}

/// The bracketed part of `array[…]`.
public struct Subscript: Hashable, Sendable {
    public enum Position: Hashable, Sendable {
        /// `arr[0]` (zero-based) or `json['key']`.
        case index
        case offset, safeOffset, ordinal, safeOrdinal
    }

    public var position: Position
    public var value: Expression
    /// Where the `[` is.
    public var location: SourceLocation
}

/// `CASE [operand] WHEN … THEN … [ELSE …] END`.
public struct CaseExpression: Hashable, Sendable {
    public struct Branch: Hashable, Sendable {
        public var condition: Expression
        public var result: Expression
    }

    /// Set for the simple form `CASE x WHEN 1 THEN …`.
    public var operand: Expression?
    public var branches: [Branch]
    public var elseResult: Expression?
}

/// `CAST(x AS type [FORMAT f [AT TIME ZONE tz]])` and `SAFE_CAST(…)`.
public struct Cast: Hashable, Sendable {
    public var expression: Expression
    public var type: TypeName
    public var isSafe: Bool
    public var format: Expression?
    public var timeZone: Expression?
}

/// `EXTRACT(part FROM source [AT TIME ZONE tz])`.
public struct Extract: Hashable, Sendable {
    public var part: DatePart
    public var source: Expression
    public var timeZone: Expression?
}

/// `INTERVAL value part [TO endPart]`: `INTERVAL 1 DAY`, `INTERVAL '1-2' YEAR TO MONTH`.
public struct Interval: Hashable, Sendable {
    public var value: Expression
    public var part: DatePart
    public var endPart: DatePart?
}

/// A date or time part: `DAY`, `WEEK(MONDAY)`, `ISOWEEK`, `DATE`. Not validated here.
public struct DatePart: Hashable, Sendable {
    public var name: Identifier
    /// The weekday of `WEEK(<weekday>)`.
    public var weekday: Identifier?

    public var location: SourceLocation { name.location }
}

public struct ArrayLiteral: Hashable, Sendable {
    /// The `T` of `ARRAY<T>[…]`.
    public var elementType: TypeName?
    public var elements: [Expression]
}

public struct StructConstructor: Hashable, Sendable {
    public enum Style: Hashable, Sendable {
        /// `(a, b)`: at least two fields, no names.
        case tuple
        /// `STRUCT(…)` or `STRUCT<…>(…)`.
        case keyword
    }

    public struct Field: Hashable, Sendable {
        public var value: Expression
        /// `AS name` in `STRUCT(1 AS a)`.
        public var alias: Identifier?
    }

    public var style: Style
    /// The `STRUCT<…>` type of a typed constructor.
    public var type: TypeName?
    public var fields: [Field]
}
