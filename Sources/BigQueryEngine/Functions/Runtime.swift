#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import BigQueryFunctions
import TerraceSQLite

extension FunctionLibrary {
    /// The body of a `bq_*` SQLite function: arguments in their storage encoding, result in it.
    /// Throwing fails the statement with the error's message (BigQuery's text).
    typealias Body = @Sendable ([SQLValue]) throws -> SQLValue

    /// One `bq_*` function: registered as `bq_<name>` and, for the `SAFE.` prefix, as
    /// `bq_safe_<name>` (errors become NULL).
    struct RuntimeFunction: Sendable {
        let name: String
        let deterministic: Bool
        let body: Body

        init(_ name: String, deterministic: Bool = true, _ body: @escaping Body) {
            self.name = name
            self.deterministic = deterministic
            self.body = body
        }
    }

    /// `bq_<name>(args…)`, or `bq_safe_<name>(args…)` under `SAFE.`.
    static func call(_ name: String, _ safe: Bool, _ arguments: [String]) -> String {
        "bq_\(safe ? "safe_" : "")\(name)(\(arguments.joined(separator: ", ")))"
    }

    enum Runtime {
        static let functions: [RuntimeFunction] = {
            var all: [RuntimeFunction] = []
            all += stringFunctions
            all += mathFunctions
            all += dateFunctions
            all += jsonFunctions
            all += arrayFunctions
            all += nestedFunctions
            all += castFunctions
            all += comparisonFunctions
            all += bigNumericFunctions
            if #available(macOS 15.0, iOS 18.0, tvOS 18.0, watchOS 11.0, visionOS 2.0, *) {
                all += NumericRuntime.functions
            }
            return all
        }()

        static func register(on db: Database, now: @escaping @Sendable () -> Int64) throws {
            for function in functions {
                let body = function.body
                try db.register(function: "bq_\(function.name)", arguments: -1, deterministic: function.deterministic) { arguments throws(SQLFunctionError) in
                    do {
                        return try Self.checkedForNaN(body(arguments), function.name)
                    } catch let error as SQLFunctionError {
                        throw error
                    } catch let error as BigQueryFunctionError {
                        throw SQLFunctionError(error.message)
                    } catch {
                        throw SQLFunctionError(String(describing: error))
                    }
                }
                try db.register(function: "bq_safe_\(function.name)", arguments: -1, deterministic: function.deterministic) { arguments throws(SQLFunctionError) in
                    try Self.checkedForNaN((try? body(arguments)) ?? .null, function.name)
                }
            }
            // The statement's clock. Registered deterministic on purpose: SQLite then evaluates a
            // call without arguments once per statement execution, so every row of a statement
            // sees the same CURRENT_TIMESTAMP, as in BigQuery.
            try db.register(aggregate: "bq_array_agg", arguments: -1) { ArrayAggregator() }
            try db.register(aggregate: "bq_string_agg", arguments: -1) { StringAggregator() }
            try DecimalAggregates.register(db)
            try db.register(function: "bq_now", arguments: 0, deterministic: true) { _ in .int(now()) }
        }

        /// `value`, unless it is NaN: SQLite stores NaN as NULL, so a NaN result would come back as
        /// NULL where BigQuery answers NaN — a different answer, refused instead.
        static func checkedForNaN(_ value: SQLValue, _ function: String) throws(SQLFunctionError) -> SQLValue {
            if case .double(let number) = value, number.isNaN {
                // The SQL name, without the overload's type suffix (`ieee_divide_f`).
                var name = Substring(function)
                while name.count > 2, name[name.index(name.endIndex, offsetBy: -2)] == "_" { name = name.dropLast(2) }
                throw SQLFunctionError("\(name.uppercased()) gave NaN, which the local BigQuery cannot hold (its storage has no NaN): "
                                           + "NaN is not supported by the local BigQuery yet")
            }
            return value
        }

        /// The system clock in microseconds since the epoch.
        static func systemMicros() -> Int64 {
            var spec = timespec()
            clock_gettime(CLOCK_REALTIME, &spec)
            return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1000
        }
    }

    /// A pthread mutex (the library's caches are shared by every connection).
    final class Lock: @unchecked Sendable {
        private let mutex: UnsafeMutablePointer<pthread_mutex_t>

        init() {
            mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
            pthread_mutex_init(mutex, nil)
        }

        deinit {
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
        }

        func withLock<T>(_ body: () throws -> T) rethrows -> T {
            pthread_mutex_lock(mutex)
            defer { pthread_mutex_unlock(mutex) }
            return try body()
        }
    }
}

extension Array where Element == SQLValue {
    /// The argument at `index`, or NULL when absent (callers check `count` where absent and NULL differ).
    subscript(bq index: Int) -> SQLValue { index < count ? self[index] : .null }
}
