import BigQueryFunctions
import CSQLiteUnnest
import GoogleSQL
import TerraceSQLite

/// The contract between the translator and BigQuery's scalar functions, operators and casts.
///
/// The translator type-checks arguments and hands over their SQLite SQL fragments; the library
/// answers the result type and the SQL of the call (a SQLite expression, usually a call of one
/// of its `bq_*` functions registered on the connection with ``FunctionLibrary/register(on:)``),
/// or why no signature matches, in BigQuery's words.
public enum FunctionResolution: Sendable {
    /// The result type and the SQL built from the arguments' SQL.
    case call(SQLType, @Sendable ([String]) -> String)
    /// No signature matches: BigQuery's message, e.g.
    /// `No matching signature for function LENGTH for argument types: INT64. Supported signatures: LENGTH(STRING); LENGTH(BYTES)`.
    case noMatch(String)
}

/// BigQuery's scalar functions, operators and casts over the SQLite storage encoding
/// (see ``SQLType``), with BigQuery's semantics and error messages (from the BigQueryFunctions
/// library, called through `bq_*` SQLite functions).
///
/// ## Conventions for the translator
///
/// - **Arguments** are SQL fragments in the storage encoding, in call order. Their types are
///   given as ``SQLType`` values; in the `argumentTypes:` variants `nil` stands for an untyped
///   `NULL` literal, which fits any parameter (pass the fragment `NULL`).
/// - **`SAFE.`**: pass `safe: true`; the built SQL then calls `bq_safe_*` variants whose errors
///   are NULL. `SAFE_CAST` is ``cast(from:to:safe:)`` with `safe: true`.
/// - **Date parts** (`DATE_DIFF(a, b, MONTH)`, `DATE_TRUNC(d, WEEK(MONDAY))`, `LAST_DAY(d, YEAR)`,
///   the `TIME_ZONE`-less `EXTRACT` parts) are one argument of type `STRING` whose fragment is a
///   quoted SQL text literal of BigQuery's spelling: `'MONTH'`, `'WEEK(MONDAY)'`. Build it with
///   ``datePartLiteral(_:weekday:)``; ``datePartArgumentIndex(_:)`` says which argument of a
///   function is a date part. An unknown part fails at run time with BigQuery's message.
/// - **`INTERVAL n part`** arguments (`DATE_ADD`, `DATE_SUB`, `DATETIME_ADD`, `TIMESTAMP_ADD`,
///   `TIME_ADD` and their `_SUB`s, `GENERATE_DATE_ARRAY`'s step) are two arguments: the amount
///   (`INT64`, any expression) and the part (`STRING`, a literal as above):
///   `DATE_ADD(d, INTERVAL 1 MONTH)` → types `[DATE, INT64, STRING]`, fragments `[d, 1, 'MONTH']`.
/// - **Time zones** are ordinary STRING arguments (UTC and fixed offsets such as `'+05:30'`).
/// - **Literals** must already be in the storage encoding (DATE `'2024-01-31'`, DATETIME
///   `'2024-01-31T10:00:00'`, TIMESTAMP micros, BOOL `1`/`0`, BYTES `X'…'`). A string literal
///   that BigQuery would coerce to DATE etc. must be converted by the translator first.
/// - **The clock**: `CURRENT_*` read `bq_now()`, registered by ``register(on:now:)``; it is
///   evaluated once per statement execution.
/// - **NUMERIC/BIGNUMERIC** are decimal text: compare and sort them only through ``binary(_:_:_:)``
///   and ``sortKey(_:_:)``.
public enum FunctionLibrary {
    /// Registers every `bq_*` function on `db`, with the system clock.
    public static func register(on db: Database) throws {
        try register(on: db, now: { Runtime.systemMicros() })
    }

    /// Registers every `bq_*` function on `db`; `now` (microseconds since the epoch) is the
    /// clock behind `CURRENT_TIMESTAMP`, `CURRENT_DATE`, `CURRENT_DATETIME` and `CURRENT_TIME`.
    public static func register(on db: Database, now: @escaping @Sendable () -> Int64) throws {
        try Runtime.register(on: db, now: now)
        try db.register(native: "bq_unnest") { terrace_register_unnest($0) }
    }

    /// A scalar function by name (upper-cased, without the `SAFE.` prefix); `nil` when the name is unknown.
    public static func function(_ name: String, arguments: [SQLType], safe: Bool) -> FunctionResolution? {
        function(name, argumentTypes: arguments.map { Optional($0) }, safe: safe)
    }

    /// A scalar function by name, where a `nil` argument type is an untyped NULL literal.
    public static func function(_ name: String, argumentTypes: [SQLType?], safe: Bool) -> FunctionResolution? {
        guard let entry = catalog[name.uppercased()] else { return nil }
        switch entry {
        case .overloads(let overloads): return resolve(name.uppercased(), overloads, argumentTypes, safe: safe)
        case .custom(let resolver): return resolver(argumentTypes, safe)
        }
    }

    /// Whether `name` is a scalar function of the library.
    public static func isFunction(_ name: String) -> Bool { catalog[name.uppercased()] != nil }

    /// A binary operator on operands of these types.
    public static func binary(_ op: BinaryOperator, _ left: SQLType, _ right: SQLType) -> FunctionResolution {
        binaryResolution(op, left, right)
    }

    /// A binary operator where a `nil` operand type is an untyped NULL literal.
    public static func binary(_ op: BinaryOperator, leftType: SQLType?, rightType: SQLType?) -> FunctionResolution {
        binaryResolution(op, leftType, rightType)
    }

    /// A unary operator (`-`, `+`, `~`, `NOT`).
    public static func unary(_ op: UnaryOperator, _ operand: SQLType) -> FunctionResolution {
        unaryResolution(op, operand)
    }

    /// `CAST(x AS to)` (or `SAFE_CAST` with `safe: true`).
    public static func cast(from: SQLType, to: SQLType, safe: Bool) -> FunctionResolution {
        castResolution(from: from, to: to, safe: safe)
    }

    /// A SQL expression whose SQLite ordering is BigQuery's ordering of `sql` (of `type`), for
    /// types whose encoding does not sort natively (NUMERIC, BIGNUMERIC); `nil` for the others
    /// (natively ordered types, and types BigQuery cannot order at all).
    public static func sortKey(_ type: SQLType, _ sql: String) -> String? {
        switch type {
        case .numeric, .bignumeric: return "bq_decimal_key(\(sql))"
        default: return nil
        }
    }

    /// The common supertype of `types` (`nil`: an untyped NULL), BigQuery's rules: INT64 →
    /// NUMERIC → BIGNUMERIC → FLOAT64, DATE → DATETIME; otherwise all must be equal.
    public static func supertype(_ types: [SQLType?]) -> SQLType? {
        Coercion.supertype(types)
    }

    /// `sql` of type `from` converted to the storage encoding of `to` (an implicit coercion), or
    /// `nil` when BigQuery does not coerce `from` to `to`.
    public static func coerce(_ sql: String, from: SQLType, to: SQLType) -> String? {
        guard Coercion.cost(from, to) != nil else { return nil }
        return Coercion.sql(sql, from, to)
    }

    /// BigQuery's literal coercion of a STRING literal (its unquoted value) to DATE, DATETIME,
    /// TIME or TIMESTAMP: the SQL literal of the coerced value in the storage encoding
    /// (`'2024-01-31'`, `'2024-01-31T10:00:00'`, `'10:00:00'`, micros), or `nil` when `type` is
    /// not one of those or the text is not a valid value (BigQuery: `Could not cast literal
    /// "…" to type DATE`).
    public static func coerceStringLiteral(_ value: String, to type: SQLType) -> String? {
        switch type {
        case .date: return Conversions.safeCastToDate(value).map { quote($0.description) }
        case .datetime: return Conversions.safeCastToDatetime(value).map { quote(Out.datetimeText($0)) }
        case .time: return Conversions.safeCastToTime(value).map { quote($0.description) }
        case .timestamp: return Conversions.safeCastToTimestamp(value).map { String($0.unixMicros) }
        default: return nil
        }
    }

    /// The SQL text literal the library expects for a date part: `'MONTH'`, `'WEEK(MONDAY)'`;
    /// `nil` when `name` (with `weekday`, for `WEEK(<weekday>)`) is not a date part.
    public static func datePartLiteral(_ name: String, weekday: String? = nil) -> String? {
        let text = weekday.map { "\(name.uppercased())(\($0.uppercased()))" } ?? name.uppercased()
        let valid: Set<String> = [
            "MICROSECOND", "MILLISECOND", "SECOND", "MINUTE", "HOUR", "DAYOFWEEK", "DAY", "DAYOFYEAR", "WEEK", "ISOWEEK",
            "MONTH", "QUARTER", "YEAR", "ISOYEAR", "DATE", "TIME", "DATETIME",
            "WEEK(SUNDAY)", "WEEK(MONDAY)", "WEEK(TUESDAY)", "WEEK(WEDNESDAY)", "WEEK(THURSDAY)", "WEEK(FRIDAY)", "WEEK(SATURDAY)",
        ]
        guard valid.contains(text) else { return nil }
        return quote(text)
    }

    /// The index of the bare date-part argument of `function` (`DATE_DIFF` → 2, `DATE_TRUNC` → 1,
    /// `LAST_DAY` → 1), or `nil` when it takes none. (INTERVAL arguments are separate: see the
    /// type's documentation.)
    public static func datePartArgumentIndex(_ function: String) -> Int? {
        switch function.uppercased() {
        case "DATE_DIFF", "DATETIME_DIFF", "TIMESTAMP_DIFF", "TIME_DIFF": return 2
        case "DATE_TRUNC", "DATETIME_TRUNC", "TIMESTAMP_TRUNC", "TIME_TRUNC", "LAST_DAY": return 1
        default: return nil
        }
    }

    /// `EXTRACT(part FROM value [AT TIME ZONE zone])`: `part` is BigQuery's spelling (`YEAR`,
    /// `WEEK(MONDAY)`, `DATE`); the SQL builder takes `[value]` or `[value, zone]`.
    public static func extract(_ part: String, from type: SQLType, timeZone: Bool = false) -> FunctionResolution {
        extractResolution(part, from: type, timeZone: timeZone)
    }
}
