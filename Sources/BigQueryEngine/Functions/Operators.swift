import GoogleSQL

extension FunctionLibrary {
    static func operatorMessage(_ symbol: String, _ types: [SQLType?], _ signatures: [String]) -> String {
        noMatchMessage(symbol, types, signatures, kind: "operator")
    }

    static let arithmeticTypes: [SQLType] = [.int64, .numeric, .bignumeric, .float64]

    static func isNumber(_ type: SQLType) -> Bool { arithmeticTypes.contains(type) }

    /// `+ - * /` on numbers: the supertype decides (INT64 + FLOAT64 is FLOAT64, INT64 / INT64 is FLOAT64).
    static func arithmetic(_ op: BinaryOperator, _ left: SQLType, _ right: SQLType) -> FunctionResolution? {
        guard isNumber(left), isNumber(right), let common = Coercion.supertype([left, right]) else { return nil }
        let type: SQLType = op == .divide && common == .int64 ? .float64 : common
        let suffix: String
        switch type {
        case .int64: suffix = "i"
        case .float64: suffix = "f"
        case .numeric: suffix = "n"
        default: suffix = "bn"
        }
        let name: String
        switch op {
        case .add: name = "add"
        case .subtract: name = "sub"
        case .multiply: name = "mul"
        default: name = "div"
        }
        return .call(type) { sql in
            let operands = [Coercion.sql(sql[0], left, type), Coercion.sql(sql[1], right, type)]
            return nativeArithmetic(op, suffix, operands) ?? call("\(name)_\(suffix)", false, operands)
        }
    }

    /// INT64 and FLOAT64 `+ - * /` of cheap operands (columns, literals) as SQLite's own
    /// arithmetic, falling back to the `bq_*` function (its error, or its NaN or infinity) when
    /// SQLite's answer is not BigQuery's: an INT64 result that overflowed (SQLite turns it into a
    /// REAL), a FLOAT64 one that is not finite or is NULL (SQLite answers NaN and x/0 as NULL).
    /// A NULL operand also takes the fallback, which answers NULL.
    static func nativeArithmetic(_ op: BinaryOperator, _ suffix: String, _ operands: [String]) -> String? {
        guard suffix == "i" || suffix == "f", operands.allSatisfy(isRepeatableOperand) else { return nil }
        let symbol: String
        switch op {
        case .add: symbol = "+"
        case .subtract: symbol = "-"
        case .multiply: symbol = "*"
        case .divide where suffix == "f": symbol = "/"
        default: return nil
        }
        let name = op == .add ? "add" : op == .subtract ? "sub" : op == .multiply ? "mul" : "div"
        let general = call("\(name)_\(suffix)", false, operands)
        let result = "(\(operands[0]) \(symbol) \(operands[1]))"
        if suffix == "i" { return "(CASE WHEN typeof(\(result)) = 'integer' THEN \(result) ELSE \(general) END)" }
        return "(CASE WHEN typeof(\(result)) = 'real' AND abs(\(result)) <= 1.7976931348623157e308 THEN \(result) ELSE \(general) END)"
    }

    /// A column read, a number literal, or one of those `CAST … AS REAL`: cheap to evaluate again.
    static func isRepeatableOperand(_ sql: String) -> Bool {
        if isColumnReference(sql) || Int64(sql) != nil || (Double(sql).map { $0.isFinite } ?? false) { return true }
        guard sql.hasPrefix("CAST("), sql.hasSuffix(" AS REAL)") else { return false }
        let inner = String(sql.dropFirst("CAST(".count).dropLast(" AS REAL)".count))
        return isColumnReference(inner) || Int64(inner) != nil
    }

    static func arithmeticSignatures(_ symbol: String) -> [String] {
        var signatures = ["INT64 \(symbol) INT64", "NUMERIC \(symbol) NUMERIC", "BIGNUMERIC \(symbol) BIGNUMERIC", "FLOAT64 \(symbol) FLOAT64"]
        if symbol == "+" { signatures += ["DATE + INT64", "INT64 + DATE"] }
        if symbol == "-" { signatures += ["DATE - INT64"] }
        return signatures
    }

    static func binaryResolution(_ op: BinaryOperator, _ left: SQLType?, _ right: SQLType?) -> FunctionResolution {
        // An untyped NULL takes the other side's type.
        let l = left ?? right ?? .int64, r = right ?? left ?? .int64
        let types: [SQLType?] = [left, right]
        let symbol = op.rawValue
        switch op {
        case .add, .subtract, .multiply, .divide:
            if let resolution = arithmetic(op, l, r) { return resolution }
            if op == .add, l == .date, r == .int64 {
                return .call(.date) { call("date_add", false, [$0[0], $0[1], "'DAY'"]) }
            }
            if op == .add, l == .int64, r == .date {
                return .call(.date) { call("date_add", false, [$0[1], $0[0], "'DAY'"]) }
            }
            if op == .subtract, l == .date, r == .int64 {
                return .call(.date) { call("date_sub", false, [$0[0], $0[1], "'DAY'"]) }
            }
            return .noMatch(operatorMessage(symbol, types, arithmeticSignatures(symbol)))

        case .concatenate:
            if case .array = l, l == r { return .call(l) { call("array_concat", false, $0) } }
            return resolveConcat("CONCAT", types, safe: false, operatorSymbol: symbol)

        case .bitwiseAnd, .bitwiseOr, .bitwiseXor:
            switch (l, r) {
            case (.int64, .int64):
                switch op {
                case .bitwiseAnd: return .call(.int64) { "(\($0[0]) & \($0[1]))" }
                case .bitwiseOr: return .call(.int64) { "(\($0[0]) | \($0[1]))" }
                default: return .call(.int64) { call("bit_xor_i", false, $0) }
                }
            case (.bytes, .bytes):
                let name = op == .bitwiseAnd ? "bit_and_b" : (op == .bitwiseOr ? "bit_or_b" : "bit_xor_b")
                return .call(.bytes) { call(name, false, $0) }
            default:
                return .noMatch(operatorMessage(symbol, types, ["INT64 \(symbol) INT64", "BYTES \(symbol) BYTES"]))
            }

        case .shiftLeft, .shiftRight:
            let suffix = op == .shiftLeft ? "shl" : "shr"
            switch (l, r) {
            case (.int64, .int64): return .call(.int64) { call("\(suffix)_i", false, $0) }
            case (.bytes, .int64): return .call(.bytes) { call("\(suffix)_b", false, $0) }
            default:
                return .noMatch(operatorMessage(symbol, types, ["INT64 \(symbol) INT64", "BYTES \(symbol) INT64"]))
            }

        case .equal, .notEqual, .less, .greater, .lessOrEqual, .greaterOrEqual:
            return comparison(op, l, r, types)

        case .like, .notLike:
            let negate = op == .notLike
            switch (l, r) {
            case (.string, .string): return .call(.bool) { negate ? "(NOT \(call("like_s", false, $0)))" : call("like_s", false, $0) }
            case (.bytes, .bytes): return .call(.bool) { negate ? "(NOT \(call("like_b", false, $0)))" : call("like_b", false, $0) }
            default:
                return .noMatch(operatorMessage(symbol, types, ["STRING \(symbol) STRING", "BYTES \(symbol) BYTES"]))
            }

        case .and, .or:
            guard l == .bool, r == .bool else { return .noMatch(operatorMessage(symbol, types, ["BOOL \(symbol) BOOL"])) }
            return .call(.bool) { "(\($0[0]) \(symbol) \($0[1]))" }
        }
    }

    static func comparison(_ op: BinaryOperator, _ l: SQLType, _ r: SQLType, _ types: [SQLType?]) -> FunctionResolution {
        let symbol = op.rawValue
        let sqlOperator = op == .notEqual ? "<>" : symbol
        let ordering = op != .equal && op != .notEqual
        guard let type = Coercion.supertype([l, r]) else {
            return .noMatch(operatorMessage(symbol, types, ["ANY \(symbol) ANY"]))
        }
        let name = ordering ? (op == .less ? "Less than" : op == .greater ? "Greater than" : op == .lessOrEqual ? "Less than or equal" : "Greater than or equal") : "Equality"
        switch type {
        case .numeric, .bignumeric:
            return .call(.bool) { sql in
                "(bq_decimal_key(\(Coercion.sql(sql[0], l, type))) \(sqlOperator) bq_decimal_key(\(Coercion.sql(sql[1], r, type))))"
            }
        case .struct:
            guard !ordering, supportsEquality(type) else { return .noMatch("\(name) is not defined for arguments of type \(type)") }
            return .call(.bool) { sql in
                let equal = call("struct_eq", false, [sql[0], sql[1], TypeCode.literal(type)])
                return op == .equal ? equal : "(NOT \(equal))"
            }
        case .array, .json, .geography, .interval:
            return .noMatch("\(name) is not defined for arguments of type \(type)")
        default:
            return .call(.bool) { sql in "(\(Coercion.sql(sql[0], l, type)) \(sqlOperator) \(Coercion.sql(sql[1], r, type)))" }
        }
    }

    static func unaryResolution(_ op: UnaryOperator, _ operand: SQLType?) -> FunctionResolution {
        let type = operand ?? .int64
        switch op {
        case .minus:
            switch type {
            case .int64: return .call(.int64) { call("neg_i", false, $0) }
            case .float64: return .call(.float64) { "(- \($0[0]))" }
            case .numeric, .bignumeric: return .call(type) { call("neg_decimal", false, $0) }
            default:
                return .noMatch(operatorMessage("-", [operand], ["-(INT64)", "-(NUMERIC)", "-(BIGNUMERIC)", "-(FLOAT64)"]))
            }
        case .plus:
            guard isNumber(type) else {
                return .noMatch(operatorMessage("+", [operand], ["+(INT64)", "+(NUMERIC)", "+(BIGNUMERIC)", "+(FLOAT64)"]))
            }
            return .call(type) { "(\($0[0]))" }
        case .bitwiseNot:
            switch type {
            case .int64: return .call(.int64) { "(~ \($0[0]))" }
            case .bytes: return .call(.bytes) { call("bit_not_b", false, $0) }
            default: return .noMatch(operatorMessage("~", [operand], ["~(INT64)", "~(BYTES)"]))
            }
        case .not:
            guard type == .bool else { return .noMatch(operatorMessage("NOT", [operand], ["NOT (BOOL)"])) }
            return .call(.bool) { "(NOT \($0[0]))" }
        }
    }
}
