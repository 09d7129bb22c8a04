import CSQLiteUnnest
import GoogleSQL

/// ARRAY and STRUCT values: literals, constructors, subscripts, `IN UNNEST`, `UNNEST` in FROM,
/// `ARRAY(subquery)`, `ARRAY_AGG` and `STRING_AGG`. Values are JSON text of their elements'
/// nested forms (``SQLType``); SQLite's `json_each` walks them, `bq_*` functions build and read
/// them.
extension Translator {
    /// A stored ARRAY/STRUCT type spelled for a `bq_*` function.
    func typeCode(_ type: SQLType) -> String { FunctionLibrary.TypeCode.literal(type) }

    /// `sql`, an element or field read by `json_each`/`json_extract`, in the stored form of `type`.
    /// `repeatable`: `sql` is cheap enough to evaluate twice (a `json_each` value, a field of it or
    /// of a column), which lets a FLOAT64 skip the Swift call.
    func fromNested(_ sql: String, _ type: SQLType, repeatable: Bool = false) -> String {
        switch type {
        // FLOAT64: a JSON number is the value (`* 1.0` makes an integral one REAL, keeping -0.0);
        // only NaN and ±Infinity, held as strings, need the Swift call.
        case .float64 where repeatable:
            "(CASE WHEN typeof(\(sql)) = 'text' THEN bq_nested_value(\(sql), \(typeCode(type))) ELSE \(sql) * 1.0 END)"
        case .float64, .bytes, .bool: "bq_nested_value(\(sql), \(typeCode(type)))"
        default: sql
        }
    }

    /// `value` converted to `type` as BigQuery coerces an element or a field, or its error.
    func coerce(_ value: Typed, to type: SQLType, at location: SourceLocation, _ what: String) throws(QueryError) -> String {
        if value.isNullLiteral || value.type == type { return value.isNullLiteral ? "NULL" : value.sql }
        if let text = value.stringLiteral, let sql = FunctionLibrary.coerceStringLiteral(text, to: type) { return sql }
        guard let sql = FunctionLibrary.coerce(value.sql, from: value.type, to: type) else {
            throw .at(location, "\(what) has type \(value.type) which cannot be coerced to \(type)")
        }
        return sql
    }

    static func noNestedArrays(_ element: SQLType, at location: SourceLocation) throws(QueryError) {
        if case .array = element {
            throw .at(location, "Cannot construct array with element type \(element) because nested arrays are not supported")
        }
    }

    // MARK: Constructors

    /// `[a, b]` and `ARRAY<T>[a, b]`: the element type is the declared one, or the elements'
    /// common supertype (a STRING literal among DATEs is a DATE, as BigQuery coerces literals).
    func arrayLiteral(_ literal: ArrayLiteral, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        var elements: [Typed] = []
        for element in literal.elements { elements.append(try expression(element, &context)) }
        let element: SQLType
        if let declared = literal.elementType {
            element = try sqlType(declared)
        } else {
            let typed = elements.filter { !$0.isNullLiteral && $0.stringLiteral == nil }.map(\.type)
            let literals = elements.filter { $0.stringLiteral != nil }.map(\.type)
            var candidate = FunctionLibrary.supertype(typed)
            // STRING literals become DATEs, TIMESTAMPs, … beside them; otherwise they are STRINGs.
            if ![.date, .datetime, .time, .timestamp].contains(candidate) { candidate = FunctionLibrary.supertype(typed + literals) }
            guard let found = candidate ?? (elements.allSatisfy(\.isNullLiteral) ? .int64 : nil) else {
                throw .at(location, "Array elements of types {\(Set(elements.filter { !$0.isNullLiteral }.map(\.type.description)).sorted().joined(separator: ", "))} do not have a common supertype")
            }
            element = found
        }
        try Self.noNestedArrays(element, at: location)
        var sqls: [String] = []
        for (index, value) in elements.enumerated() {
            sqls.append(try coerce(value, to: element, at: literal.elements[index].location, "Array element"))
        }
        return combine(makeArray(sqls, type: .array(element)), .array(element), elements)
    }

    /// `bq_make_array(code, …)`, in chunks under SQLite's limit on function arguments.
    func makeArray(_ elements: [String], type: SQLType) -> String {
        let chunkSize = 100
        if elements.count <= chunkSize { return "bq_make_array(\(([typeCode(type)] + elements).joined(separator: ", ")))" }
        var parts: [String] = []
        var start = 0
        while start < elements.count {
            parts.append(makeArray(Array(elements[start..<min(start + chunkSize, elements.count)]), type: type))
            start += chunkSize
        }
        return parts.dropFirst().reduce(parts[0]) { "bq_array_concat(\($0), \($1))" }
    }

    /// `STRUCT(1 AS a, 'x' AS b)`, `STRUCT<a INT64, b STRING>(1, 'x')`, `(1, 'x')`.
    func structConstructor(_ constructor: StructConstructor, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        var values: [Typed] = []
        for field in constructor.fields { values.append(try expression(field.value, &context)) }
        var fields: [SQLType.StructField] = []
        var sqls: [String] = []
        if let declared = constructor.type {
            guard case .struct(let declaredFields) = try sqlType(declared) else { throw .at(location, "STRUCT constructor needs a STRUCT type") }
            guard declaredFields.count == values.count else {
                throw .at(location, "STRUCT type has \(declaredFields.count) fields but constructor call has \(values.count) fields")
            }
            for (index, field) in declaredFields.enumerated() {
                sqls.append(try coerce(values[index], to: field.type, at: constructor.fields[index].value.location, "STRUCT field \(index + 1)"))
            }
            fields = declaredFields
        } else {
            for (index, value) in values.enumerated() {
                var name = constructor.fields[index].alias?.name ?? ""
                // `STRUCT(x)` with a column names the field after it, as BigQuery infers.
                if name.isEmpty, constructor.style == .keyword, case .path(let path) = constructor.fields[index].value.kind {
                    name = path.components.last?.name ?? ""
                }
                fields.append(.init(name, value.isNullLiteral ? .int64 : value.type))
                sqls.append(value.sql)
            }
        }
        guard sqls.count < 127 else { throw .unsupported("A STRUCT with more than 126 fields", at: location) }
        let type = SQLType.struct(fields)
        return combine("bq_make_struct(\(([typeCode(type)] + sqls).joined(separator: ", ")))", type, values)
    }

    /// `ARRAY(SELECT …)`: the rows' single column (or `SELECT AS STRUCT`), in the subquery's
    /// order; no rows give an empty array.
    func arraySubquery(_ query: Query, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        let (sql, columns) = try self.query(query, outer: context.scope)
        guard columns.count == 1 else {
            throw .at(query.location, "ARRAY subquery cannot have more than one column unless using SELECT AS STRUCT to build STRUCT values")
        }
        let element = columns[0].type
        if case .array = element {
            throw .at(query.location, "Cannot use array subquery with column of type \(element) because nested arrays are not supported")
        }
        let type = SQLType.array(element)
        return Typed("coalesce((SELECT bq_array_agg(\(typeCode(type)), 0, -1, c0) FROM (\(sql))), '[]')", type)
    }

    // MARK: Reading

    /// `array[OFFSET(i)]`, `[SAFE_OFFSET(i)]`, `[ORDINAL(i)]`, `[SAFE_ORDINAL(i)]`, `array[i]`,
    /// and `json[i]` / `json['name']`.
    func subscripted(_ base: Typed, _ access: Subscript, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        var index = try expression(access.value, &context)
        switch base.type {
        case .array(let element):
            guard index.type == .int64 || index.isNullLiteral else {
                throw .at(access.value.location, "Array position in [] must be coercible to INT64 type, but has type \(index.type)")
            }
            let mode = switch access.position {
            case .index, .offset: 0
            case .ordinal: 1
            case .safeOffset: 2
            case .safeOrdinal: 3
            }
            return combine("bq_array_at(\(base.sql), \(index.sql), \(typeCode(element)), \(mode))", element, [base, index])
        case .json:
            guard access.position == .index else {
                throw .at(access.location, "Element access using [\(access.position)] is not supported on values of type JSON")
            }
            if index.isNullLiteral { index = Typed("NULL", .int64) }
            guard index.type == .int64 || index.type == .string else {
                throw .at(access.value.location, "JSON subscript must be INT64 or STRING, but has type \(index.type)")
            }
            return combine("bq_json_subscript(\(base.sql), \(index.sql))", .json, [base, index])
        default:
            throw .at(access.location, "Element access using [] is not supported on values of type \(base.type)")
        }
    }

    /// `value [NOT] IN UNNEST(array)`.
    func inUnnest(_ value: Typed, _ array: Expression, negated: Bool, _ context: inout ExpressionContext,
                  at location: SourceLocation) throws(QueryError) -> Typed {
        let list = try expression(array, &context)
        guard case .array(let element) = list.type else {
            if list.isNullLiteral { return combine("NULL", .bool, [value]) }
            throw .at(array.location, "Second argument of IN UNNEST must be an array but was \(list.type)")
        }
        var left = value
        if let text = value.stringLiteral, let sql = FunctionLibrary.coerceStringLiteral(text, to: element) { left = Typed(sql, element) }
        _ = try resolved(FunctionLibrary.binary(.equal, leftType: left.resolutionType, rightType: element), [left, Typed("NULL", element)], at: location)
        guard left.type.isNativelyOrdered || left.isNullLiteral else { throw .unsupported("IN UNNEST on \(left.type)", at: location) }
        let alias = nextAlias()
        let elements = "SELECT \(fromNested("\(alias).value", element, repeatable: true)) FROM json_each(\(list.sql)) AS \(alias)"
        return combine("(\(left.sql) \(negated ? "NOT IN" : "IN") (\(elements)))", .bool, [left, list])
    }

    // MARK: FROM

    /// `UNNEST(array) [AS alias] [WITH OFFSET [AS name]]`, or an array path unnested
    /// implicitly (`FROM t, t.items AS item`). `lateral` is what the array expression may read:
    /// the FROM items to its left and the queries around it.
    func unnest(_ array: Expression, alias: Identifier?, withOffset: WithOffset?, implicitName: String?, scope: Scope,
                lateral: Scope, at location: SourceLocation) throws(QueryError) -> String {
        var context = ExpressionContext(scope: lateral)
        let value = try expression(array, &context)
        guard case .array(let element) = value.type else {
            throw .at(array.location, "Values referenced in UNNEST must be arrays. UNNEST contains expression of type \(value.type)")
        }
        let sqlAlias = nextAlias()
        let name = alias?.name ?? implicitName
        let valueSQL = fromNested("\(sqlAlias).value", element, repeatable: true)
        // STRUCT elements: bq_unnest (CSQLiteUnnest) reads each element once and gives its fields
        // as columns f0, f1, …; under json_each each field is a json_extract that parses it again.
        var fieldKeys: [String]?
        if case .struct(let fields) = element {
            // The struct's fields are columns (what `*` shows); the alias is the struct itself.
            let qualifier = name?.lowercased()
            if let qualifier { scope.rangeVariables.append(qualifier) }
            let keys = fields.enumerated().map { FunctionLibrary.Runtime.key($0.element, at: $0.offset) }
            let native = keys.count <= Int(TERRACE_UNNEST_MAX_FIELDS) && keys.allSatisfy(Self.isPlainKey)
            if native { fieldKeys = keys }
            for (index, field) in fields.enumerated() {
                let read = native ? "\(sqlAlias).f\(index)" : "json_extract(\(sqlAlias).value, \(SQLText.quote("$.\"\(keys[index])\"")))"
                scope.columns.append(ScopeColumn(qualifier: qualifier, name: field.name.isEmpty ? keys[index] : field.name, type: field.type,
                                                 sql: fromNested(read, field.type, repeatable: true)))
            }
            if let name {
                scope.columns.append(ScopeColumn(qualifier: nil, name: name, type: element, sql: valueSQL, inStar: false))
            }
        } else {
            scope.columns.append(ScopeColumn(qualifier: nil, name: name ?? "f0_", type: element, sql: valueSQL))
        }
        if let withOffset {
            scope.columns.append(ScopeColumn(qualifier: nil, name: withOffset.alias?.name ?? "offset", type: .int64, sql: "\(sqlAlias).key"))
        }
        if let fieldKeys { return "bq_unnest(\(value.sql), \(SQLText.quote(fieldKeys.joined(separator: ",")))) AS \(sqlAlias)" }
        return "json_each(\(value.sql)) AS \(sqlAlias)"
    }

    /// A STRUCT field's JSON key that `bq_unnest` can be given: letters, digits and underscores.
    static func isPlainKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x61 && $0 <= 0x7a) || $0 == 0x5f }
    }

    // MARK: Aggregates

    /// An aggregate's `ORDER BY` as `key, direction` argument pairs (see ``FunctionLibrary/OrderedInput``).
    func aggregateOrder(_ terms: [OrderingTerm], _ inner: inout ExpressionContext) throws(QueryError) -> (sql: [String], parts: [Typed]) {
        var sql: [String] = []
        var parts: [Typed] = []
        for term in terms {
            let key = try expression(term.expression, &inner)
            guard key.type.isNativelyOrdered || key.type == .numeric || key.type == .bignumeric || key.isNullLiteral else {
                throw .at(term.expression.location, "Aggregate functions with ORDER BY do not support ordering by expressions of type \(key.type)")
            }
            var direction = term.direction == .descending ? 1 : 0
            if let nulls = term.nulls { direction |= nulls == .first ? 2 : 4 }
            sql += [orderKey(key.sql, key.type), String(direction)]
            parts.append(key)
        }
        return (sql, parts)
    }

    /// `LIMIT n` of an aggregate: a non-negative integer literal.
    func aggregateLimit(_ limit: Expression?) throws(QueryError) -> String {
        guard let limit else { return "-1" }
        guard case .literal(.integer(let text)) = limit.kind, let value = Int64(text), value >= 0 else {
            throw .at(limit.location, "LIMIT expects a non-negative integer literal")
        }
        return String(value)
    }

    /// With DISTINCT, ORDER BY may only name the aggregated value.
    func checkDistinctOrder(_ call: FunctionCall, value: Typed, keys: [Typed], at location: SourceLocation) throws(QueryError) {
        guard call.isDistinct, keys.contains(where: { $0.sql != value.sql }) else { return }
        throw .at(location, "An aggregate function that has both DISTINCT and ORDER BY arguments can only ORDER BY expressions that are arguments to the function")
    }

    /// `ARRAY_AGG([DISTINCT] x [IGNORE NULLS] [ORDER BY …] [LIMIT n])`.
    func arrayAgg(_ call: FunctionCall, _ arguments: [Typed], _ inner: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        guard arguments.count == 1 else { throw .at(location, "Number of arguments does not match for aggregate function ARRAY_AGG") }
        let value = arguments[0]
        let element = value.isNullLiteral ? SQLType.int64 : value.type
        if case .array = element { throw .at(location, "ARRAY_AGG cannot aggregate arrays: nested arrays are not supported") }
        if call.isDistinct && !FunctionLibrary.supportsEquality(element) {
            throw .at(location, "Aggregate functions with DISTINCT cannot be used with arguments of type \(element)")
        }
        let (order, keys) = try aggregateOrder(call.orderBy, &inner)
        try checkDistinctOrder(call, value: value, keys: keys, at: location)
        let flags = (call.isDistinct ? 1 : 0) | (call.nullHandling == .ignoreNulls ? 2 : 0)
        let sql = "bq_array_agg(\(([typeCode(.array(element)), String(flags), try aggregateLimit(call.limit), value.sql] + order).joined(separator: ", ")))"
        return Typed(sql, .array(element))
    }

    /// `STRING_AGG([DISTINCT] x [, delimiter] [ORDER BY …] [LIMIT n])` on STRING or BYTES.
    func stringAgg(_ call: FunctionCall, _ arguments: [Typed], _ inner: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        let type = arguments.first.map { $0.isNullLiteral ? SQLType.string : $0.type }
        guard (1...2).contains(arguments.count), let type, type == .string || type == .bytes,
              arguments.count == 1 || arguments[1].type == type || arguments[1].isNullLiteral
        else {
            throw .at(location, "No matching signature for aggregate function STRING_AGG for argument types: "
                          + arguments.map { $0.isNullLiteral ? "NULL" : "\($0.type)" }.joined(separator: ", ")
                          + ". Supported signatures: STRING_AGG(STRING); STRING_AGG(STRING, STRING); STRING_AGG(BYTES); STRING_AGG(BYTES, BYTES)")
        }
        let delimiter = arguments.count == 2 ? arguments[1].sql : (type == .bytes ? "X'2C'" : "','")
        let (order, keys) = try aggregateOrder(call.orderBy, &inner)
        try checkDistinctOrder(call, value: arguments[0], keys: keys, at: location)
        let sql = "bq_string_agg(\(([call.isDistinct ? "1" : "0", try aggregateLimit(call.limit), delimiter, arguments[0].sql] + order).joined(separator: ", ")))"
        return Typed(sql, type)
    }
}
