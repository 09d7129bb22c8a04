import BigQueryFunctions
import TerraceJSON
import TerraceSQLite

extension FunctionLibrary.Runtime {
    /// INT64 and FLOAT64 operators and mathematical functions (`_i` INT64, `_f` FLOAT64; INT64
    /// arguments to `_f` functions are read as FLOAT64), bitwise operators.
    static let mathFunctions: [F] = [
        F("add_i") { a in O.int(try Operators.add(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("sub_i") { a in O.int(try Operators.subtract(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("mul_i") { a in O.int(try Operators.multiply(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("neg_i") { a in O.int(try Operators.negate(try A.int64(a[bq: 0]))) },
        F("add_f") { a in O.double(try Operators.add(try A.double(a[bq: 0]), try A.double(a[bq: 1]))) },
        F("sub_f") { a in O.double(try Operators.subtract(try A.double(a[bq: 0]), try A.double(a[bq: 1]))) },
        F("mul_f") { a in O.double(try Operators.multiply(try A.double(a[bq: 0]), try A.double(a[bq: 1]))) },
        F("div_f") { a in O.double(try Operators.divide(try A.double(a[bq: 0]), try A.double(a[bq: 1]))) },
        F("abs_i") { a in O.int(try MathFunctions.abs(try A.int64(a[bq: 0]))) },
        F("abs_f") { a in O.double(MathFunctions.abs(try A.double(a[bq: 0]))) },
        F("sign_i") { a in O.int(MathFunctions.sign(try A.int64(a[bq: 0]))) },
        F("sign_f") { a in O.double(MathFunctions.sign(try A.double(a[bq: 0]))) },
        F("intdiv_i") { a in O.int(try MathFunctions.div(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("mod_i") { a in O.int(try MathFunctions.mod(try A.int64(a[bq: 0]), try A.int64(a[bq: 1]))) },
        F("safe_divide_f") { a in O.double(MathFunctions.safeDivide(try A.double(a[bq: 0]), try A.double(a[bq: 1]))) },
        F("ieee_divide_f") { a in O.double(MathFunctions.ieeeDivide(try A.double(a[bq: 0]), try A.double(a[bq: 1]))) },
        F("round_f") { a in
            a.count < 2 ? O.double(MathFunctions.round(try A.double(a[bq: 0])))
                : O.double(try MathFunctions.round(try A.double(a[bq: 0]), try A.int64(a[bq: 1])))
        },
        F("trunc_f") { a in
            a.count < 2 ? O.double(MathFunctions.trunc(try A.double(a[bq: 0])))
                : O.double(MathFunctions.trunc(try A.double(a[bq: 0]), try A.int64(a[bq: 1])))
        },
        F("ceil_f") { a in O.double(MathFunctions.ceil(try A.double(a[bq: 0]))) },
        F("floor_f") { a in O.double(MathFunctions.floor(try A.double(a[bq: 0]))) },
        F("sqrt_f") { a in O.double(try MathFunctions.sqrt(try A.double(a[bq: 0]))) },
        F("pow_f") { a in O.double(try MathFunctions.pow(try A.double(a[bq: 0]), try A.double(a[bq: 1]))) },
        F("exp_f") { a in O.double(try MathFunctions.exp(try A.double(a[bq: 0]))) },
        F("ln_f") { a in O.double(try MathFunctions.ln(try A.double(a[bq: 0]))) },
        F("log_f") { a in
            a.count < 2 ? O.double(try MathFunctions.log(try A.double(a[bq: 0])))
                : O.double(try MathFunctions.log(try A.double(a[bq: 0]), try A.double(a[bq: 1])))
        },
        F("log10_f") { a in O.double(try MathFunctions.log10(try A.double(a[bq: 0]))) },
        F("is_inf") { a in O.bool(try A.double(a[bq: 0]).map { $0.isInfinite }) },
        F("is_nan") { a in O.bool(try A.double(a[bq: 0]).map { $0.isNaN }) },
        F("rand", deterministic: false) { _ in .double(Double.random(in: 0..<1)) },

        // MARK: Bitwise (INT64 and BYTES)

        F("bit_xor_i") { a in
            guard let x = try A.int64(a[bq: 0]), let y = try A.int64(a[bq: 1]) else { return .null }
            return .int(x ^ y)
        },
        F("shl_i") { a in
            guard let x = try A.int64(a[bq: 0]), let y = try A.int64(a[bq: 1]) else { return .null }
            if y < 0 { throw BigQueryFunctionError("Bitwise shift by negative offset.") }
            return .int(y >= 64 ? 0 : Int64(bitPattern: UInt64(bitPattern: x) << UInt64(y)))
        },
        F("shr_i") { a in
            guard let x = try A.int64(a[bq: 0]), let y = try A.int64(a[bq: 1]) else { return .null }
            if y < 0 { throw BigQueryFunctionError("Bitwise shift by negative offset.") }
            return .int(y >= 64 ? 0 : Int64(bitPattern: UInt64(bitPattern: x) >> UInt64(y)))
        },
        F("bit_and_b") { a in try bytewise(a, "&") { $0 & $1 } },
        F("bit_or_b") { a in try bytewise(a, "|") { $0 | $1 } },
        F("bit_xor_b") { a in try bytewise(a, "^") { $0 ^ $1 } },
        F("bit_not_b") { a in O.bytes(A.bytes(a[bq: 0])?.map { ~$0 }) },
        F("shl_b") { a in try shiftBytes(a, left: true) },
        F("shr_b") { a in try shiftBytes(a, left: false) },
        F("bit_count_i") { a in O.int(try A.int64(a[bq: 0]).map { Int64($0.nonzeroBitCount) }) },
        F("bit_count_b") { a in O.int(A.bytes(a[bq: 0]).map { Int64($0.reduce(0) { $0 + $1.nonzeroBitCount }) }) },

        // MARK: GENERATE_ARRAY

        F("generate_array_i") { a in
            guard let start = try A.int64(a[bq: 0]), let end = try A.int64(a[bq: 1]) else { return .null }
            let step = a.count > 2 ? try A.int64(a[2]) : 1
            guard let step else { return .null }
            if step == 0 { throw BigQueryFunctionError("Sequence step cannot be 0.") }
            var values: [JSON] = []
            var current = start
            while step > 0 ? current <= end : current >= end {
                if values.count >= 16000 { throw BigQueryFunctionError("Cannot generate arrays with more than 16000 elements.") }
                values.append(.int(current))
                let (next, overflow) = current.addingReportingOverflow(step)
                if overflow { break }
                current = next
            }
            return O.array(values)
        },
        F("generate_array_f") { a in
            guard let start = try A.double(a[bq: 0]), let end = try A.double(a[bq: 1]) else { return .null }
            let step = a.count > 2 ? try A.double(a[2]) : 1
            guard let step else { return .null }
            if step == 0 { throw BigQueryFunctionError("Sequence step cannot be 0.") }
            if !start.isFinite || !end.isFinite || !step.isFinite {
                throw BigQueryFunctionError("Sequence start, end and step cannot be NaN or infinite.")
            }
            var values: [JSON] = []
            var index = 0.0
            while true {
                let current = start + index * step
                guard step > 0 ? current <= end : current >= end else { break }
                if values.count >= 16000 { throw BigQueryFunctionError("Cannot generate arrays with more than 16000 elements.") }
                values.append(.double(current))
                index += 1
            }
            return O.array(values)
        },
    ]

    /// `X & Y` (and `|`, `^`) on BYTES of equal length.
    static func bytewise(_ a: [SQLValue], _ symbol: String, _ op: (UInt8, UInt8) -> UInt8) throws -> SQLValue {
        guard let x = A.bytes(a[bq: 0]), let y = A.bytes(a[bq: 1]) else { return .null }
        guard x.count == y.count else {
            throw BigQueryFunctionError("Bitwise binary operator for BYTES requires equal length of the inputs. Got \(x.count) bytes on the left hand side and \(y.count) bytes on the right hand side.")
        }
        return .blob(zip(x, y).map(op))
    }

    /// `X << Y` / `X >> Y` on BYTES: the whole sequence shifts as one big-endian number.
    static func shiftBytes(_ a: [SQLValue], left: Bool) throws -> SQLValue {
        guard let x = A.bytes(a[bq: 0]), let y = try A.int64(a[bq: 1]) else { return .null }
        if y < 0 { throw BigQueryFunctionError("Bitwise shift by negative offset.") }
        let count = x.count
        if y >= Int64(count * 8) { return .blob([UInt8](repeating: 0, count: count)) }
        let byteShift = Int(y / 8), bitShift = UInt8(y % 8)
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            if left {
                let source = i + byteShift
                guard source < count else { continue }
                var value = x[source] << bitShift
                if bitShift > 0, source + 1 < count { value |= x[source + 1] >> (8 - bitShift) }
                out[i] = value
            } else {
                let source = i - byteShift
                guard source >= 0 else { continue }
                var value = x[source] >> bitShift
                if bitShift > 0, source - 1 >= 0 { value |= x[source - 1] << (8 - bitShift) }
                out[i] = value
            }
        }
        return .blob(out)
    }
}

