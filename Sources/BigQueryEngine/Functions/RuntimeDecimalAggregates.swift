import BigQueryFunctions
import TerraceSQLite

extension FunctionLibrary {
    /// SUM, AVG, MIN and MAX of NUMERIC and BIGNUMERIC, exact, as BigQuery computes them
    /// (https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions):
    /// SUM and AVG of NUMERIC are NUMERIC (AVG rounded half away from zero to 9 fractional
    /// digits), of BIGNUMERIC are BIGNUMERIC; overflow fails the query. Each also runs over a
    /// window frame.
    enum DecimalAggregates {
        enum Kind: Sendable { case sum, avg, min, max }

        /// `bq_<kind>_n` and `bq_<kind>_bn` (one argument, so `DISTINCT` works); MIN and MAX
        /// also as `bq_<kind>_n_w` for window frames, which keep the frame's values.
        static func register(_ db: Database) throws(SQLiteError) {
            for (kind, name) in [(Kind.sum, "sum"), (.avg, "avg"), (.min, "min"), (.max, "max")] {
                for big in [false, true] {
                    let function = "bq_\(name)_\(big ? "bn" : "n")"
                    switch kind {
                    case .sum, .avg:
                        try db.register(window: function, arguments: 1) { Total(kind: kind, big: big) }
                    case .min, .max:
                        try db.register(aggregate: function, arguments: 1) { Extreme(kind: kind, keepsFrame: false) }
                        try db.register(window: function + "_w", arguments: 1) { Extreme(kind: kind, keepsFrame: true) }
                    }
                }
            }
        }

        /// The SQL function for `kind` over `type` (NUMERIC or BIGNUMERIC) in a window or a group.
        static func function(_ kind: Kind, _ type: SQLType, window: Bool) -> String {
            let name = switch kind {
            case .sum: "sum"
            case .avg: "avg"
            case .min: "min"
            case .max: "max"
            }
            let suffix = (kind == .min || kind == .max) && window ? "_w" : ""
            return "bq_\(name)_\(type == .bignumeric ? "bn" : "n")\(suffix)"
        }

        private static func failure(_ error: any Error) -> SQLFunctionError {
            SQLFunctionError((error as? BigQueryFunctionError)?.message ?? String(describing: error))
        }

        /// A running exact total and count of the non-NULL inputs: NUMERIC as its scaled Int128,
        /// BIGNUMERIC in limbs.
        final class Total: SQLWindowAggregator {
            let kind: Kind
            let big: Bool
            private var total: Int128 = 0
            private var bigTotal = BigNumeric(negative: false, magnitude: [])
            private var count: Int64 = 0

            init(kind: Kind, big: Bool) {
                self.kind = kind
                self.big = big
            }

            func step(_ arguments: [SQLValue]) throws(SQLFunctionError) { try add(arguments[0], sign: 1) }
            func inverse(_ arguments: [SQLValue]) throws(SQLFunctionError) { try add(arguments[0], sign: -1) }
            func finish() throws(SQLFunctionError) -> SQLValue { try current() }

            private func add(_ value: SQLValue, sign: Int64) throws(SQLFunctionError) {
                do {
                    if big {
                        guard let number = try Runtime.bigNumeric(value) else { return }
                        bigTotal = sign > 0 ? bigTotal + number : bigTotal + -number
                    } else {
                        guard let number = try NumericRuntime.numeric(value) else { return }
                        let (next, overflow) = sign > 0 ? total.addingReportingOverflow(number.scaledValue) : total.subtractingReportingOverflow(number.scaledValue)
                        if overflow { throw BigQueryFunctionError("numeric overflow: \(kind == .sum ? "SUM" : "AVG") of NUMERIC") }
                        total = next
                    }
                    count += sign
                } catch {
                    throw failure(error)
                }
            }

            func current() throws(SQLFunctionError) -> SQLValue {
                guard count > 0 else { return .null }
                if big {
                    let value = kind == .avg ? bigTotal / BigNumeric(String(count))! : bigTotal
                    guard value.inRange else { throw SQLFunctionError("BIGNUMERIC overflow: \(kind == .sum ? "SUM" : "AVG") of BIGNUMERIC") }
                    return .text(value.description)
                }
                var value = total
                if kind == .avg {
                    let divisor = Int128(count)
                    let (quotient, remainder) = total.quotientAndRemainder(dividingBy: divisor)
                    value = quotient
                    if remainder.magnitude >= divisor.magnitude - remainder.magnitude { value += total < 0 ? -1 : 1 }
                }
                guard let number = BQNumeric(scaledValue: value) else { throw SQLFunctionError("numeric overflow: SUM of NUMERIC") }
                return .text(number.description)
            }
        }

        /// MIN or MAX by the decimal sort key. In a window the frame's values are kept, oldest
        /// first (SQLite removes rows from a frame in the order it added them).
        final class Extreme: SQLWindowAggregator {
            let kind: Kind
            let keepsFrame: Bool
            private var best: (key: String, text: String)?
            private var frame: [(key: String, text: String)] = []
            private var head = 0
            private var stale = false

            init(kind: Kind, keepsFrame: Bool) {
                self.kind = kind
                self.keepsFrame = keepsFrame
            }

            private func better(_ a: String, than b: String) -> Bool { kind == .min ? a < b : a > b }

            func step(_ arguments: [SQLValue]) throws(SQLFunctionError) {
                guard let text = Decimal.text(arguments[0]) else { return }
                let entry = (key: Decimal.sortKey(text), text: text)
                if keepsFrame { frame.append(entry) }
                if !stale, best == nil || better(entry.key, than: best!.key) { best = entry }
            }

            func inverse(_ arguments: [SQLValue]) throws(SQLFunctionError) {
                guard Decimal.text(arguments[0]) != nil, head < frame.count else { return }
                let leaving = frame[head]
                head += 1
                if head > 1024, head * 2 > frame.count {
                    frame.removeFirst(head)
                    head = 0
                }
                if leaving.key == best?.key { stale = true }
            }

            func current() throws(SQLFunctionError) -> SQLValue {
                if stale {
                    best = nil
                    for entry in frame[head...] where best == nil || better(entry.key, than: best!.key) { best = entry }
                    stale = false
                }
                return best.map { .text($0.text) } ?? .null
            }

            func finish() throws(SQLFunctionError) -> SQLValue { try current() }
        }
    }
}
