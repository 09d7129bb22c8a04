import GoogleSQL

extension Translator {
    static let windowOnlyNames: Set<String> = [
        "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE",
    ]

    func function(_ call: FunctionCall, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        let name = call.dottedName.uppercased()
        if call.over != nil || Self.windowOnlyNames.contains(name) {
            guard call.over != nil else { throw .at(location, "Analytic function \(name) cannot be called without an OVER clause") }
            return try window(call, name: name, &context, at: location)
        }
        if Self.aggregateNames.contains(name) {
            return try aggregate(call, name: name, &context, at: location)
        }
        if call.isDistinct || call.nullHandling != nil || !call.orderBy.isEmpty || call.limit != nil {
            throw .at(location, "DISTINCT, IGNORE NULLS, ORDER BY and LIMIT are only allowed in aggregate and analytic functions")
        }
        var arguments: [Typed] = []
        let partIndex = FunctionLibrary.datePartArgumentIndex(name)
        for (index, argument) in call.arguments.enumerated() {
            if index == partIndex, let part = try datePart(argument) {
                arguments.append(Typed(part, .string))
                continue
            }
            if case .interval(let interval) = argument.kind {
                // `INTERVAL n PART` is two arguments: the amount and the part.
                guard interval.endPart == nil else { throw .unsupported("INTERVAL … TO …", at: argument.location) }
                arguments.append(try expression(interval.value, &context))
                guard let part = FunctionLibrary.datePartLiteral(interval.part.name.name, weekday: interval.part.weekday?.name) else {
                    throw .at(interval.part.location, "A valid date part name is required but found \(interval.part.name.name)")
                }
                arguments.append(Typed(part, .string))
                continue
            }
            arguments.append(try expression(argument, &context))
        }
        guard let resolution = FunctionLibrary.function(name, argumentTypes: arguments.map(\.resolutionType), safe: call.isSafe) else {
            if !FunctionLibrary.isFunction(name), Self.bigQueryOnlyFunctions.contains(call.dottedName.uppercased()) {
                throw .unsupported("\(call.dottedName.uppercased())()", at: call.name.location)
            }
            throw .at(call.name.location, "Function not found: \(call.dottedName)")
        }
        return try resolved(resolution, arguments, at: location)
    }

    // MARK: Aggregates

    func aggregate(_ call: FunctionCall, name: String, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        guard context.allowAggregates else { throw .at(location, "Aggregate function \(name) not allowed in \(context.keys == nil ? "WHERE clause" : "this clause")") }
        guard !context.inAggregate else { throw .at(location, "Aggregations of aggregations are not allowed") }
        if (!call.orderBy.isEmpty || call.limit != nil) && name != "ARRAY_AGG" && name != "STRING_AGG" {
            throw .at(location, "ORDER BY and LIMIT are not allowed in aggregate function \(name)")
        }
        if call.nullHandling == .ignoreNulls && name != "ARRAY_AGG" {
            throw .at(location, "IGNORE NULLS and RESPECT NULLS are not allowed for aggregate function \(name)")
        }
        var inner = context
        inner.hoisting = nil
        inner.inAggregate = true
        inner.allowAggregates = false
        inner.allowWindows = false
        var arguments: [Typed] = []
        for argument in call.arguments {
            if case .star = argument.kind {
                guard name == "COUNT" else { throw .at(argument.location, "Argument * is only allowed in COUNT(*)") }
                arguments.append(Typed("*", .int64))
                continue
            }
            arguments.append(try expression(argument, &inner))
        }
        let distinct = call.isDistinct ? "DISTINCT " : ""
        func one() throws(QueryError) -> Typed {
            guard arguments.count == 1 else { throw .at(location, "Number of arguments does not match for aggregate function \(name)") }
            return arguments[0]
        }
        var value: Typed
        switch name {
        case "COUNT":
            value = Typed("count(\(distinct)\(try one().sql))", .int64)
        case "APPROX_COUNT_DISTINCT":
            value = Typed("count(DISTINCT \(try one().sql))", .int64)
        case "COUNTIF":
            let condition = try one()
            try requireBool(condition, call.arguments[0], "COUNTIF argument")
            value = Typed("count(\(distinct)CASE WHEN \(condition.sql) THEN 1 END)", .int64)
        case "SUM":
            let argument = try one()
            switch argument.type {
            case .int64: value = Typed("sum(\(distinct)\(argument.sql))", .int64)  // SQLite sum() fails on INT64 overflow, as BigQuery does
            case .float64: value = Typed("sum(\(distinct)\(argument.sql))", .float64)
            case .numeric, .bignumeric:
                value = Typed("\(FunctionLibrary.DecimalAggregates.function(.sum, argument.type, window: false))(\(distinct)\(argument.sql))", argument.type)
            default:
                throw .at(location, "No matching signature for aggregate function SUM for argument types: \(argument.type). Supported signatures: SUM(INT64); SUM(NUMERIC); SUM(BIGNUMERIC); SUM(FLOAT64)")
            }
        case "AVG":
            let argument = try one()
            switch argument.type {
            case .int64, .float64: value = Typed("avg(\(distinct)\(argument.sql))", .float64)
            case .numeric, .bignumeric:
                value = Typed("\(FunctionLibrary.DecimalAggregates.function(.avg, argument.type, window: false))(\(distinct)\(argument.sql))", argument.type)
            default:
                throw .at(location, "No matching signature for aggregate function AVG for argument types: \(argument.type). Supported signatures: AVG(INT64); AVG(NUMERIC); AVG(BIGNUMERIC); AVG(FLOAT64)")
            }
        case "MIN", "MAX":
            let argument = try one()
            if argument.type == .numeric || argument.type == .bignumeric {
                let function = FunctionLibrary.DecimalAggregates.function(name == "MAX" ? .max : .min, argument.type, window: false)
                value = Typed("\(function)(\(distinct)\(argument.sql))", argument.type)
            } else {
                guard argument.type.isNativelyOrdered else { throw .unsupported("\(name) of \(argument.type)", at: location) }
                value = Typed("\(name.lowercased())(\(distinct)\(argument.sql))", argument.type)
            }
        case "ANY_VALUE":
            // Any one of the group's values: SQLite's min() picks one of whatever storage it holds.
            let argument = try one()
            value = Typed("min(\(distinct)\(argument.sql))", argument.type)
        case "LOGICAL_AND", "LOGICAL_OR":
            let argument = try one()
            try requireBool(argument, call.arguments[0], "\(name) argument")
            value = Typed("\(name == "LOGICAL_AND" ? "min" : "max")(\(argument.sql))", .bool)
        case "STRING_AGG":
            value = try stringAgg(call, arguments, &inner, at: location)
        case "ARRAY_AGG":
            value = try arrayAgg(call, arguments, &inner, at: location)
        case "BIT_AND", "BIT_OR", "BIT_XOR":
            throw .unsupported(name, at: location)
        default:
            throw .unsupported(name, at: location)
        }
        value.hasAggregate = true
        return value
    }

    // MARK: Analytic functions

    func window(_ call: FunctionCall, name: String, _ context: inout ExpressionContext, at location: SourceLocation) throws(QueryError) -> Typed {
        guard context.allowWindows else { throw .at(location, "Analytic function not allowed in this clause") }
        guard let over = call.over else { throw .at(location, "OVER clause is required") }
        var specification: WindowSpecification
        switch over {
        case .specification(let given): specification = given
        case .named(let windowName): specification = try namedWindow(windowName, context)
        }
        if let base = specification.baseWindow {
            let inherited = try namedWindow(base, context)
            if specification.partitionBy.isEmpty { specification.partitionBy = inherited.partitionBy }
            if specification.orderBy.isEmpty { specification.orderBy = inherited.orderBy }
            if specification.frame == nil { specification.frame = inherited.frame }
        }
        // The window's expressions are evaluated per row (after grouping, when grouped).
        var inner = context
        inner.hoisting = nil
        inner.allowWindows = false
        var arguments: [Typed] = []
        for argument in call.arguments {
            if case .star = argument.kind {
                arguments.append(Typed("*", .int64))
                continue
            }
            arguments.append(try expression(argument, &inner))
        }
        var parts: [Typed] = arguments
        var clauses: [String] = []
        if !specification.partitionBy.isEmpty {
            var keys: [String] = []
            for expression in specification.partitionBy {
                let value = try self.expression(expression, &inner)
                parts.append(value)
                keys.append(value.sql)
            }
            clauses.append("PARTITION BY " + keys.joined(separator: ", "))
        }
        if !specification.orderBy.isEmpty {
            var keys: [String] = []
            for term in specification.orderBy {
                let value = try self.expression(term.expression, &inner)
                parts.append(value)
                keys.append(orderKey(value.sql, value.type) + orderSuffix(term, value.type))
            }
            clauses.append("ORDER BY " + keys.joined(separator: ", "))
        }
        if let frame = specification.frame {
            func bound(_ bound: WindowFrame.Bound) throws(QueryError) -> String {
                switch bound {
                case .unboundedPreceding: return "UNBOUNDED PRECEDING"
                case .unboundedFollowing: return "UNBOUNDED FOLLOWING"
                case .currentRow: return "CURRENT ROW"
                case .preceding(let e): return "\(try literal(of: e)) PRECEDING"
                case .following(let e): return "\(try literal(of: e)) FOLLOWING"
                }
            }
            var text = "\(frame.unit.rawValue) "
            if let end = frame.end { text += "BETWEEN \(try bound(frame.start)) AND \(try bound(end))" } else { text += try bound(frame.start) }
            clauses.append(text)
        }
        let overSQL = " OVER (" + clauses.joined(separator: " ") + ")"
        let args = arguments.map(\.sql)
        var type: SQLType
        var function: String
        switch name {
        case "ROW_NUMBER", "RANK", "DENSE_RANK":
            guard args.isEmpty else { throw .at(location, "\(name) takes no arguments") }
            (function, type) = ("\(name.lowercased())()", .int64)
        case "PERCENT_RANK", "CUME_DIST":
            (function, type) = ("\(name.lowercased())()", .float64)
        case "NTILE":
            guard args.count == 1 else { throw .at(location, "NTILE takes one argument") }
            (function, type) = ("ntile(\(args[0]))", .int64)
        case "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE":
            guard let first = arguments.first else { throw .at(location, "\(name) needs an argument") }
            if call.nullHandling == .ignoreNulls { throw .unsupported("\(name) … IGNORE NULLS", at: location) }
            (function, type) = ("\(name.lowercased())(\(args.joined(separator: ", ")))", first.type)
        case "COUNT":
            (function, type) = ("count(\(call.isDistinct ? "DISTINCT " : "")\(args.first ?? "*"))", .int64)
        case "SUM", "AVG", "MIN", "MAX":
            guard arguments.count == 1 else { throw .at(location, "Number of arguments does not match for analytic function \(name)") }
            let first = arguments[0]
            switch (name, first.type) {
            case (_, .numeric), (_, .bignumeric):
                let kind: FunctionLibrary.DecimalAggregates.Kind = switch name {
                case "SUM": .sum
                case "AVG": .avg
                case "MIN": .min
                default: .max
                }
                (function, type) = ("\(FunctionLibrary.DecimalAggregates.function(kind, first.type, window: true))(\(args[0]))", first.type)
            case ("SUM", .int64), ("SUM", .float64):
                (function, type) = ("sum(\(args[0]))", first.type)
            case ("AVG", .int64), ("AVG", .float64):
                (function, type) = ("avg(\(args[0]))", .float64)
            case ("MIN", _), ("MAX", _):
                guard first.type.isNativelyOrdered else { throw .unsupported("\(name) of \(first.type) OVER", at: location) }
                (function, type) = ("\(name.lowercased())(\(args[0]))", first.type)
            default:
                throw .at(location, "No matching signature for analytic function \(name) for argument types: \(first.type). Supported signatures: \(name)(INT64); \(name)(NUMERIC); \(name)(BIGNUMERIC); \(name)(FLOAT64)")
            }
        case "COUNTIF":
            (function, type) = ("count(CASE WHEN \(args.first ?? "NULL") THEN 1 END)", .int64)
        case "LOGICAL_AND", "LOGICAL_OR":
            (function, type) = ("\(name == "LOGICAL_AND" ? "min" : "max")(\(args.first ?? "NULL"))", .bool)
        default:
            throw .unsupported("\(name) as an analytic function", at: location)
        }
        var value = combine(function + overSQL, type, parts)
        value.hasAggregate = parts.contains(where: \.hasAggregate)
        return value
    }

    /// A date-part argument (`MONTH`, `WEEK(MONDAY)`) as its SQL literal; `nil` when the argument is not a part.
    func datePart(_ argument: Expression) throws(QueryError) -> String? {
        switch argument.kind {
        case .path(let path) where path.components.count == 1:
            return FunctionLibrary.datePartLiteral(path.components[0].name)
        case .function(let call) where call.arguments.count == 1 && call.over == nil:
            guard case .path(let day) = call.arguments[0].kind, day.components.count == 1 else { return nil }
            return FunctionLibrary.datePartLiteral(call.dottedName, weekday: day.components[0].name)
        default:
            return nil
        }
    }

    func namedWindow(_ name: Identifier, _ context: ExpressionContext) throws(QueryError) -> WindowSpecification {
        guard let found = context.windows.first(where: { $0.name.name.lowercased() == name.name.lowercased() }) else {
            throw .at(name.location, "Unrecognized window alias \(name.name)")
        }
        return found.specification
    }

    /// A window frame offset: a non-negative integer literal.
    func literal(of expression: Expression) throws(QueryError) -> String {
        guard case .literal(.integer(let text)) = expression.kind, let value = Int64(text), value >= 0 else {
            throw .at(expression.location, "Window framing clause requires a non-negative integer literal")
        }
        return String(value)
    }
}

extension Translator {
    /// Functions of BigQuery's reference the local engine does not have: calling one is "not
    /// supported by the local BigQuery yet", not "Function not found", which would say the
    /// model's SQL is wrong.
    static let bigQueryOnlyFunctions: Set<String> = [
        "APPROX_QUANTILES", "APPROX_TOP_COUNT", "APPROX_TOP_SUM", "ARRAY_CONCAT_AGG", "BIT_AND", "BIT_OR", "BIT_XOR",
        "CORR", "COVAR_POP", "COVAR_SAMP", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VAR_POP", "VAR_SAMP", "VARIANCE",
        "MAX_BY", "MIN_BY", "HLL_COUNT.INIT", "HLL_COUNT.MERGE", "HLL_COUNT.MERGE_PARTIAL", "HLL_COUNT.EXTRACT",
        "FORMAT", "RANGE_BUCKET", "DATE_BUCKET", "DATETIME_BUCKET", "TIMESTAMP_BUCKET", "CONTAINS_SUBSTR", "EDIT_DISTANCE",
        "NORMALIZE", "NORMALIZE_AND_CASEFOLD",
    ]
}
