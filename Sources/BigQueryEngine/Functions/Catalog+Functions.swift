extension FunctionLibrary {
    /// How a function name resolves.
    enum Entry: Sendable {
        case overloads([Overload])
        case custom(@Sendable (_ arguments: [SQLType?], _ safe: Bool) -> FunctionResolution)
    }

    // MARK: Overload shorthands

    private static let S = SQLType.string, B = SQLType.bytes, I = SQLType.int64, F = SQLType.float64, N = SQLType.numeric
    private static let BO = SQLType.bool, D = SQLType.date, DT = SQLType.datetime, T = SQLType.time, TS = SQLType.timestamp, J = SQLType.json

    /// A call of `bq_<function>` with the arguments as given.
    static func bq(_ function: String, _ required: [SQLType], _ result: SQLType) -> Overload {
        bq(function, required, [], result)
    }

    static func bq(_ function: String, _ required: [SQLType], _ optional: [SQLType], _ result: SQLType) -> Overload {
        Overload(required: required.map { .type($0) }, optional: optional.map { .type($0) }, result: result) { args, safe in
            call(function, safe, args)
        }
    }

    /// Plain SQLite SQL (no error is possible, so `SAFE.` changes nothing).
    static func native(_ required: [SQLType], _ result: SQLType, _ sql: @escaping @Sendable ([String]) -> String) -> Overload {
        Overload(required: required.map { .type($0) }, result: result) { args, _ in sql(args) }
    }

    /// `[INTERVAL n part]` / `part` functions: `params` as given.
    static func bq(_ function: String, params: [Param], optional: [Param] = [], _ result: SQLType) -> Overload {
        Overload(required: params, optional: optional, result: result) { args, safe in call(function, safe, args) }
    }

    /// JSON functions: the path defaults to `'$'`; `flags` tells the runtime how to read.
    static func jsonOverload(_ function: String, _ input: SQLType, _ result: SQLType, legacy: Bool, pathRequired: Bool = false) -> Overload {
        let flags = (legacy ? 1 : 0) | (input == .json ? 2 : 0)
        return Overload(required: pathRequired ? [.type(input), .type(.string)] : [.type(input)],
                        optional: pathRequired ? [] : [.type(.string)], result: result) { args, safe in
            call(function, safe, [args[0], args.count > 1 ? args[1] : "'$'", String(flags)])
        }
    }

    // MARK: The catalog

    static let catalog: [String: Entry] = {
        var c: [String: Entry] = [:]
        func add(_ names: String..., overloads: [Overload]) {
            for name in names { c[name] = .overloads(overloads) }
        }

        // Conditional expressions (templated: custom).
        c["IF"] = .custom(resolveIf)
        c["IFNULL"] = .custom { args, _ in resolveCommon("IFNULL", args, count: 2...2) { "ifnull(\($0[0]), \($0[1]))" } }
        c["NULLIF"] = .custom { args, _ in resolveCommon("NULLIF", args, count: 2...2, requireEquality: true) { "nullif(\($0[0]), \($0[1]))" } }
        c["COALESCE"] = .custom { args, _ in
            resolveCommon("COALESCE", args, count: 1...Int.max) { $0.count == 1 ? $0[0] : "coalesce(\($0.joined(separator: ", ")))" }
        }
        c["GREATEST"] = .custom { args, _ in resolveExtreme("GREATEST", args, greatest: true) }
        c["LEAST"] = .custom { args, _ in resolveExtreme("LEAST", args, greatest: false) }

        // Strings and bytes.
        add("LENGTH", overloads: [bq("length_s", [S], I), native([B], I) { "length(\($0[0]))" }])
        add("CHAR_LENGTH", "CHARACTER_LENGTH", overloads: [bq("length_s", [S], I)])
        add("BYTE_LENGTH", overloads: [native([S], I) { "length(CAST(\($0[0]) AS BLOB))" }, native([B], I) { "length(\($0[0]))" }])
        add("LOWER", overloads: [bq("lower_s", [S], S), bq("lower_b", [B], B)])
        add("UPPER", overloads: [bq("upper_s", [S], S), bq("upper_b", [B], B)])
        add("SUBSTR", "SUBSTRING", overloads: [bq("substr_s", [S, I], [I], S), bq("substr_b", [B, I], [I], B)])
        add("LEFT", overloads: [bq("left_s", [S, I], S), bq("left_b", [B, I], B)])
        add("RIGHT", overloads: [bq("right_s", [S, I], S), bq("right_b", [B, I], B)])
        c["CONCAT"] = .custom { args, safe in resolveConcat("CONCAT", args, safe: safe) }
        add("TRIM", overloads: [bq("trim_s", [S], [S], S), bq("trim_b", [B, B], B)])
        add("LTRIM", overloads: [bq("ltrim_s", [S], [S], S), bq("ltrim_b", [B, B], B)])
        add("RTRIM", overloads: [bq("rtrim_s", [S], [S], S), bq("rtrim_b", [B, B], B)])
        add("REPLACE", overloads: [bq("replace_s", [S, S, S], S), bq("replace_b", [B, B, B], B)])
        add("STARTS_WITH", overloads: [bq("starts_with_s", [S, S], BO), bq("starts_with_b", [B, B], BO)])
        add("ENDS_WITH", overloads: [bq("ends_with_s", [S, S], BO), bq("ends_with_b", [B, B], BO)])
        add("STRPOS", overloads: [bq("strpos_s", [S, S], I), bq("strpos_b", [B, B], I)])
        add("INSTR", overloads: [bq("instr_s", [S, S], [I, I], I), bq("instr_b", [B, B], [I, I], I)])
        add("LPAD", overloads: [bq("lpad_s", [S, I], [S], S), bq("lpad_b", [B, I], [B], B)])
        add("RPAD", overloads: [bq("rpad_s", [S, I], [S], S), bq("rpad_b", [B, I], [B], B)])
        add("REPEAT", overloads: [bq("repeat_s", [S, I], S), bq("repeat_b", [B, I], B)])
        add("REVERSE", overloads: [bq("reverse_s", [S], S), bq("reverse_b", [B], B)])
        add("SPLIT", overloads: [bq("split_s", [S], [S], .array(S)), bq("split_b", [B, B], .array(B))])
        add("TO_HEX", overloads: [bq("to_hex", [B], S)])
        add("FROM_HEX", overloads: [bq("from_hex", [S], B)])
        add("TO_BASE64", overloads: [bq("to_base64", [B], S)])
        add("FROM_BASE64", overloads: [bq("from_base64", [S], B)])
        add("TO_CODE_POINTS", overloads: [bq("to_code_points_s", [S], .array(I)), bq("to_code_points_b", [B], .array(I))])
        add("CODE_POINTS_TO_STRING", overloads: [bq("code_points_to_string", [.array(I)], S)])
        add("CODE_POINTS_TO_BYTES", overloads: [bq("code_points_to_bytes", [.array(I)], B)])
        add("SAFE_CONVERT_BYTES_TO_STRING", overloads: [bq("safe_convert_bytes_to_string", [B], S)])
        add("ASCII", overloads: [bq("ascii_s", [S], I)])
        add("CHR", overloads: [bq("chr", [I], S)])
        add("INITCAP", overloads: [bq("initcap", [S], [S], S)])

        // Regular expressions.
        add("REGEXP_CONTAINS", overloads: [bq("regexp_contains_s", [S, S], BO), bq("regexp_contains_b", [B, B], BO)])
        add("REGEXP_EXTRACT", "REGEXP_SUBSTR", overloads: [bq("regexp_extract_s", [S, S], [I, I], S), bq("regexp_extract_b", [B, B], [I, I], B)])
        add("REGEXP_EXTRACT_ALL", overloads: [bq("regexp_extract_all_s", [S, S], .array(S)), bq("regexp_extract_all_b", [B, B], .array(B))])
        add("REGEXP_REPLACE", overloads: [bq("regexp_replace_s", [S, S, S], S), bq("regexp_replace_b", [B, B, B], B)])
        add("REGEXP_INSTR", overloads: [bq("regexp_instr_s", [S, S], [I, I, I], I), bq("regexp_instr_b", [B, B], [I, I, I], I)])

        // Hashing.
        for name in ["MD5", "SHA1", "SHA256", "SHA512"] {
            add(name, overloads: [bq(name.lowercased(), [S], B), bq(name.lowercased(), [B], B)])
        }
        add("FARM_FINGERPRINT", overloads: [bq("farm_fingerprint", [S], I), bq("farm_fingerprint", [B], I)])
        add("GENERATE_UUID", overloads: [bq("generate_uuid", [], S)])

        // Mathematical functions. INT64 arguments of the FLOAT64 functions give FLOAT64 (the
        // explicit INT64 overloads win over INT64 → NUMERIC).
        add("ABS", overloads: [bq("abs_i", [I], I), bq("abs_n", [N], N), bq("abs_f", [F], F)])
        add("SIGN", overloads: [bq("sign_i", [I], I), bq("sign_n", [N], N), bq("sign_f", [F], F)])
        add("ROUND", overloads: [bq("round_f", [I], [I], F), bq("round_f", [F], [I], F), bq("round_n", [N], [I], N)])
        add("TRUNC", overloads: [bq("trunc_f", [I], [I], F), bq("trunc_f", [F], [I], F), bq("trunc_n", [N], [I], N)])
        add("CEIL", "CEILING", overloads: [bq("ceil_f", [I], F), bq("ceil_f", [F], F), bq("ceil_n", [N], N)])
        add("FLOOR", overloads: [bq("floor_f", [I], F), bq("floor_f", [F], F), bq("floor_n", [N], N)])
        for (name, function) in [("SQRT", "sqrt"), ("EXP", "exp"), ("LN", "ln"), ("LOG10", "log10")] {
            add(name, overloads: [bq("\(function)_f", [I], F), bq("\(function)_f", [F], F), bq("\(function)_n", [N], N)])
        }
        add("LOG", overloads: [bq("log_f", [I], [I], F), bq("log_f", [F], [F], F), bq("log_n", [N], [N], N)])
        add("POW", "POWER", overloads: [bq("pow_f", [I, I], F), bq("pow_f", [F, F], F), bq("pow_n", [N, N], N)])
        add("MOD", overloads: [bq("mod_i", [I, I], I), bq("mod_n", [N, N], N)])
        add("DIV", overloads: [bq("intdiv_i", [I, I], I), bq("intdiv_n", [N, N], N)])
        add("SAFE_DIVIDE", overloads: [bq("safe_divide_f", [I, I], F), bq("safe_divide_n", [N, N], N), bq("safe_divide_f", [F, F], F)])
        add("IEEE_DIVIDE", overloads: [bq("ieee_divide_f", [F, F], F)])
        // SAFE_ADD and friends: the operators, with NULL instead of overflow errors.
        for (name, function) in [("SAFE_ADD", "add"), ("SAFE_SUBTRACT", "sub"), ("SAFE_MULTIPLY", "mul")] {
            add(name, overloads: [("i", I), ("n", N), ("f", F)].map { suffix, type in
                Overload(required: [.type(type), .type(type)], result: type) { args, _ in call("\(function)_\(suffix)", true, args) }
            })
        }
        add("SAFE_NEGATE", overloads: [
            Overload(required: [.type(I)], result: I) { args, _ in call("neg_i", true, args) },
            Overload(required: [.type(N)], result: N) { args, _ in call("neg_decimal", true, args) },
            native([F], F) { "(- \($0[0]))" },
        ])
        add("IS_INF", overloads: [bq("is_inf", [F], BO)])
        add("IS_NAN", overloads: [bq("is_nan", [F], BO)])
        add("RAND", overloads: [bq("rand", [], F)])
        add("BIT_COUNT", overloads: [bq("bit_count_i", [I], I), bq("bit_count_b", [B], I)])
        add("GENERATE_ARRAY", overloads: [bq("generate_array_i", [I, I], [I], .array(I)), bq("generate_array_f", [F, F], [F], .array(F))])

        // Current time: bq_now() is the statement's clock.
        add("CURRENT_TIMESTAMP", overloads: [native([], TS) { _ in "bq_now()" }])
        add("CURRENT_DATE", overloads: [Overload(required: [], optional: [.type(S)], result: D) { args, safe in call("current_date", safe, ["bq_now()"] + args) }])
        add("CURRENT_DATETIME", overloads: [Overload(required: [], optional: [.type(S)], result: DT) { args, safe in call("current_datetime", safe, ["bq_now()"] + args) }])
        add("CURRENT_TIME", overloads: [Overload(required: [], optional: [.type(S)], result: T) { args, safe in call("current_time", safe, ["bq_now()"] + args) }])

        // Constructors.
        add("DATE", overloads: [bq("date_ymd", [I, I, I], D), bq("date_from_datetime", [DT], D),
                                Overload(required: [.type(TS)], optional: [.type(S)], result: D, build: dateFromTimestamp)])
        add("DATETIME", overloads: [
            bq("datetime_parts", [I, I, I, I, I, I], DT), bq("datetime_from_date", [D], [T], DT), bq("datetime_from_timestamp", [TS], [S], DT),
        ])
        add("TIME", overloads: [bq("time_hms", [I, I, I], T), bq("time_from_datetime", [DT], T), bq("time_from_timestamp", [TS], [S], T)])
        add("TIMESTAMP", overloads: [
            bq("timestamp_from_string", [S], [S], TS), bq("timestamp_from_date", [D], [S], TS), bq("timestamp_from_datetime", [DT], [S], TS),
        ])
        add("STRING", overloads: [bq("string_from_timestamp", [TS], [S], S)])

        // Date arithmetic: `INTERVAL n part` arrives as two arguments (n, 'PART'); parts as 'PART'.
        let interval: [Param] = [.intervalAmount, .datePart]
        add("DATE_ADD", overloads: [bq("date_add", params: [.type(D)] + interval, D)])
        add("DATE_SUB", overloads: [bq("date_sub", params: [.type(D)] + interval, D)])
        add("DATE_DIFF", overloads: [
            bq("date_diff", params: [.type(D), .type(D), .datePart], I),
            bq("datetime_diff", params: [.type(DT), .type(DT), .datePart], I),
            bq("timestamp_diff", params: [.type(TS), .type(TS), .datePart], I),
        ])
        add("DATE_TRUNC", overloads: [
            Overload(required: [.type(D), .datePart], result: D, build: dateTrunc),
            bq("datetime_trunc", params: [.type(DT), .datePart], DT),
            Overload(required: [.type(TS), .datePart], optional: [.type(S)], result: TS, build: timestampTrunc),
        ])
        add("DATETIME_ADD", overloads: [bq("datetime_add", params: [.type(DT)] + interval, DT)])
        add("DATETIME_SUB", overloads: [bq("datetime_sub", params: [.type(DT)] + interval, DT)])
        add("DATETIME_DIFF", overloads: [bq("datetime_diff", params: [.type(DT), .type(DT), .datePart], I)])
        add("DATETIME_TRUNC", overloads: [bq("datetime_trunc", params: [.type(DT), .datePart], DT)])
        add("TIMESTAMP_ADD", overloads: [bq("timestamp_add", params: [.type(TS)] + interval, TS)])
        add("TIMESTAMP_SUB", overloads: [bq("timestamp_sub", params: [.type(TS)] + interval, TS)])
        add("TIMESTAMP_DIFF", overloads: [bq("timestamp_diff", params: [.type(TS), .type(TS), .datePart], I)])
        add("TIMESTAMP_TRUNC", overloads: [Overload(required: [.type(TS), .datePart], optional: [.type(S)], result: TS, build: timestampTrunc)])
        add("TIME_ADD", overloads: [bq("time_add", params: [.type(T)] + interval, T)])
        add("TIME_SUB", overloads: [bq("time_sub", params: [.type(T)] + interval, T)])
        add("TIME_DIFF", overloads: [bq("time_diff", params: [.type(T), .type(T), .datePart], I)])
        add("TIME_TRUNC", overloads: [bq("time_trunc", params: [.type(T), .datePart], T)])
        add("LAST_DAY", overloads: [
            bq("last_day_date", params: [.type(D)], optional: [.datePart], D),
            bq("last_day_datetime", params: [.type(DT)], optional: [.datePart], D),
        ])
        add("GENERATE_DATE_ARRAY", overloads: [bq("generate_date_array", params: [.type(D), .type(D)], optional: interval, .array(D))])

        // Formatting, parsing, epochs.
        add("FORMAT_DATE", overloads: [bq("format_date", [S, D], S)])
        add("FORMAT_DATETIME", overloads: [bq("format_datetime", [S, DT], S)])
        add("FORMAT_TIME", overloads: [bq("format_time", [S, T], S)])
        add("FORMAT_TIMESTAMP", overloads: [bq("format_timestamp", [S, TS], [S], S)])
        add("PARSE_DATE", overloads: [bq("parse_date", [S, S], D)])
        add("PARSE_DATETIME", overloads: [bq("parse_datetime", [S, S], DT)])
        add("PARSE_TIME", overloads: [bq("parse_time", [S, S], T)])
        add("PARSE_TIMESTAMP", overloads: [bq("parse_timestamp", [S, S], [S], TS)])
        add("UNIX_DATE", overloads: [bq("unix_date", [D], I)])
        add("UNIX_SECONDS", overloads: [bq("unix_seconds", [TS], I)])
        add("UNIX_MILLIS", overloads: [bq("unix_millis", [TS], I)])
        add("UNIX_MICROS", overloads: [native([TS], I) { "(\($0[0]))" }])
        add("TIMESTAMP_SECONDS", overloads: [bq("timestamp_seconds", [I], TS)])
        add("TIMESTAMP_MILLIS", overloads: [bq("timestamp_millis", [I], TS)])
        add("TIMESTAMP_MICROS", overloads: [bq("timestamp_micros", [I], TS)])
        add("DATE_FROM_UNIX_DATE", overloads: [bq("date_from_unix_date", [I], D)])

        // JSON.
        add("JSON_QUERY", overloads: [jsonOverload("json_query", S, S, legacy: false, pathRequired: true),
                                      jsonOverload("json_query", J, J, legacy: false, pathRequired: true)])
        add("JSON_VALUE", overloads: [jsonOverload("json_value", S, S, legacy: false), jsonOverload("json_value", J, S, legacy: false)])
        add("JSON_EXTRACT", overloads: [jsonOverload("json_query", S, S, legacy: true), jsonOverload("json_query", J, J, legacy: true)])
        add("JSON_EXTRACT_SCALAR", overloads: [jsonOverload("json_value", S, S, legacy: true), jsonOverload("json_value", J, S, legacy: true)])
        add("JSON_QUERY_ARRAY", overloads: [jsonOverload("json_query_array", S, .array(S), legacy: false),
                                            jsonOverload("json_query_array", J, .array(J), legacy: false)])
        add("JSON_EXTRACT_ARRAY", overloads: [jsonOverload("json_query_array", S, .array(S), legacy: true),
                                              jsonOverload("json_query_array", J, .array(J), legacy: true)])
        add("JSON_VALUE_ARRAY", overloads: [jsonOverload("json_value_array", S, .array(S), legacy: false),
                                            jsonOverload("json_value_array", J, .array(S), legacy: false)])
        add("JSON_EXTRACT_STRING_ARRAY", overloads: [jsonOverload("json_value_array", S, .array(S), legacy: true),
                                                     jsonOverload("json_value_array", J, .array(S), legacy: true)])
        add("PARSE_JSON", overloads: [bq("parse_json", [S], J)])
        add("JSON_TYPE", overloads: [bq("json_type", [J], S)])
        c["TO_JSON_STRING"] = .custom { args, safe in
            guard (1...2).contains(args.count), args.count == 1 || args[1] == nil || args[1] == .bool else {
                return .noMatch(noMatchMessage("TO_JSON_STRING", args, ["TO_JSON_STRING(ANY, [BOOL])"]))
            }
            let type = args[0] ?? .int64
            return .call(.string) { sql in call("to_json_string", safe, [sql[0], TypeCode.literal(type)] + Array(sql.dropFirst())) }
        }

        // Arrays (templated on the element type).
        c["ARRAY_LENGTH"] = .custom { args, _ in
            guard args.count == 1, args[0] == nil || isArray(args[0]!) else {
                return .noMatch(noMatchMessage("ARRAY_LENGTH", args, ["ARRAY_LENGTH(ARRAY)"]))
            }
            return .call(.int64) { "json_array_length(\($0[0]))" }
        }
        c["ARRAY_REVERSE"] = .custom { args, safe in
            guard args.count == 1, let type = args[0], isArray(type) else {
                return .noMatch(noMatchMessage("ARRAY_REVERSE", args, ["ARRAY_REVERSE(ARRAY<T1>)"]))
            }
            return .call(type) { call("array_reverse", safe, $0) }
        }
        c["ARRAY_CONCAT"] = .custom { args, safe in
            let types = args.compactMap { $0 }
            guard !args.isEmpty, let first = types.first, isArray(first), types.allSatisfy({ $0 == first }) else {
                return .noMatch(noMatchMessage("ARRAY_CONCAT", args, ["ARRAY_CONCAT(ARRAY<T1>, [ARRAY<T1>, ...])"]))
            }
            return .call(first) { call("array_concat", safe, $0) }
        }
        c["ARRAY_TO_STRING"] = .custom { args, safe in
            let overloads = [
                bq("array_to_string_s", [.array(S), S], [S], S),
                bq("array_to_string_b", [.array(B), B], [B], B),
            ]
            return resolve("ARRAY_TO_STRING", overloads, args, safe: safe)
        }
        return c
    }()

    // MARK: Templated resolvers

    /// `IF(cond, a, b)`: the common supertype of `a` and `b`; lazily evaluated like BigQuery.
    static func resolveIf(_ args: [SQLType?], _ safe: Bool) -> FunctionResolution {
        guard args.count == 3, args[0] == nil || args[0] == .bool, let type = Coercion.supertype([args[1], args[2]]) else {
            return .noMatch(noMatchMessage("IF", args, ["IF(BOOL, ANY, ANY)"]))
        }
        return .call(type) { sql in
            "CASE WHEN \(sql[0]) THEN \(coerce(sql[1], args[1], type)) ELSE \(coerce(sql[2], args[2], type)) END"
        }
    }

    /// Functions whose arguments share a supertype that is also the result type.
    static func resolveCommon(_ name: String, _ args: [SQLType?], count: ClosedRange<Int>, requireEquality: Bool = false,
                              _ build: @escaping @Sendable ([String]) -> String) -> FunctionResolution {
        let signature = count.upperBound == 2 ? "\(name)(ANY, ANY)" : "\(name)(ANY, [ANY, ...])"
        guard count.contains(args.count), let type = Coercion.supertype(args) else {
            return .noMatch(noMatchMessage(name, args, [signature]))
        }
        if requireEquality, !supportsEquality(type) {
            return .noMatch("Equality is not defined for arguments of type \(type)")
        }
        return .call(type) { sql in build(zip(sql, args).map { coerce($0, $1, type) }) }
    }

    /// `GREATEST` / `LEAST`: NULL when any argument is NULL.
    static func resolveExtreme(_ name: String, _ args: [SQLType?], greatest: Bool) -> FunctionResolution {
        guard !args.isEmpty, let type = Coercion.supertype(args) else {
            return .noMatch(noMatchMessage(name, args, ["\(name)(ANY, [ANY, ...])"]))
        }
        guard type.isNativelyOrdered || type == .numeric || type == .bignumeric else {
            return .noMatch("\(name) is not defined for arguments of type \(type)")
        }
        return .call(type) { sql in
            let coerced = zip(sql, args).map { coerce($0, $1, type) }
            if type == .numeric || type == .bignumeric {
                return "bq_\(greatest ? "greatest" : "least")_decimal(\(coerced.joined(separator: ", ")))"
            }
            if coerced.count == 1 { return coerced[0] }
            return "\(greatest ? "max" : "min")(\(coerced.joined(separator: ", ")))"
        }
    }

    /// `CONCAT(value, ...)`: all BYTES, or all STRING after casting the others (INT64, DATE, …)
    /// to STRING ("All values must be BYTES or data types that can be cast to STRING").
    static func resolveConcat(_ name: String, _ args: [SQLType?], safe: Bool, operatorSymbol: String? = nil) -> FunctionResolution {
        let types = args.compactMap { $0 }
        func noMatch() -> FunctionResolution {
            if let operatorSymbol {
                return .noMatch(operatorMessage(operatorSymbol, args, ["STRING || STRING", "BYTES || BYTES", "ARRAY<T1> || ARRAY<T1>"]))
            }
            return .noMatch(noMatchMessage(name, args, ["CONCAT(STRING, [STRING, ...])", "CONCAT(BYTES, [BYTES, ...])"]))
        }
        guard !args.isEmpty else { return noMatch() }
        if !types.isEmpty, types.allSatisfy({ $0 == .bytes }) {
            return .call(.bytes) { call("concat_b", safe, $0) }
        }
        guard types.allSatisfy({ $0 != .bytes && ($0 == .string || Casting.isAllowed($0, .string)) && !isNested($0) }) else { return noMatch() }
        return .call(.string) { sql in
            let strings = zip(sql, args).map { fragment, type -> String in
                guard let type, type != .string, case .call(_, let build) = castResolution(from: type, to: .string, safe: false) else { return fragment }
                return build([fragment])
            }
            // SQLite's || is CONCAT on STRINGs (NULL when any is NULL), without a Swift call per row.
            return "(" + strings.joined(separator: " || ") + ")"
        }
    }

    static func isNested(_ type: SQLType) -> Bool {
        switch type {
        case .array, .struct: return true
        default: return false
        }
    }

    /// `sql` of type `from` (nil: an untyped NULL) as `to`.
    static func coerce(_ sql: String, _ from: SQLType?, _ to: SQLType) -> String {
        guard let from else { return sql }
        return Coercion.sql(sql, from, to)
    }
}

extension FunctionLibrary {
    static func isArray(_ type: SQLType) -> Bool {
        if case .array = type { return true }
        return false
    }

    /// Whether `=` is defined on `type` (groupable types, and STRUCTs of them).
    static func supportsEquality(_ type: SQLType) -> Bool {
        switch type {
        case .json, .geography, .array: return false
        case .struct(let fields): return fields.allSatisfy { supportsEquality($0.type) }
        default: return true
        }
    }
}
