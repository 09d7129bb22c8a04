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
            call("\(name)_\(suffix)", false, [Coercion.sql(sql[0], left, type), Coercion.sql(sql[1], right, type)])
        }
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
