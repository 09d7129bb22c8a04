import BigQueryEngine
import GoogleSQL
import TerraceSQLite
import Testing

/// A resolution that did not match, as a thrown error (its message is BigQuery's).
struct BigQueryEngineFunctionNoMatch: Error, Equatable {
    let message: String
}

/// An in-memory SQLite connection with the function library registered (on a fixed clock), and
/// helpers that resolve a function, operator or cast, build its SQL, and run `SELECT <sql>`.
struct BigQueryEngineFunctionHarness {
    /// 2023-11-14 22:13:20.123456 UTC.
    static let fixedNow: Int64 = 1_700_000_000_123_456

    let db: Database

    init(now: @escaping @Sendable () -> Int64 = { BigQueryEngineFunctionHarness.fixedNow }) throws {
        db = try Database(path: ":memory:")
        try FunctionLibrary.register(on: db, now: now)
    }

    /// `SELECT <sql>`'s single value.
    func select(_ sql: String) throws -> SQLValue {
        try db.query("SELECT \(sql)")[0][0]
    }

    /// The SQL of a resolution applied to `arguments`.
    func sql(_ resolution: FunctionResolution?, _ arguments: [String]) throws -> (SQLType, String) {
        switch resolution {
        case .call(let type, let build)?: return (type, build(arguments))
        case .noMatch(let message)?: throw BigQueryEngineFunctionNoMatch(message: message)
        case nil: throw BigQueryEngineFunctionNoMatch(message: "unknown function")
        }
    }

    func evaluate(_ name: String, _ types: [SQLType], _ arguments: [String], safe: Bool = false) throws -> SQLValue {
        try select(sql(FunctionLibrary.function(name, arguments: types, safe: safe), arguments).1)
    }

    func resultType(_ name: String, _ types: [SQLType]) throws -> SQLType {
        try sql(FunctionLibrary.function(name, arguments: types, safe: false), types.map { _ in "NULL" }).0
    }

    func binary(_ op: BinaryOperator, _ left: SQLType, _ right: SQLType, _ a: String, _ b: String) throws -> SQLValue {
        try select(sql(FunctionLibrary.binary(op, left, right), [a, b]).1)
    }

    func unary(_ op: UnaryOperator, _ type: SQLType, _ a: String) throws -> SQLValue {
        try select(sql(FunctionLibrary.unary(op, type), [a]).1)
    }

    func cast(_ a: String, from: SQLType, to: SQLType, safe: Bool = false) throws -> SQLValue {
        try select(sql(FunctionLibrary.cast(from: from, to: to, safe: safe), [a]).1)
    }

    /// The message `body` fails with (a bq_* error or a no-match), or `nil` when it succeeds.
    func failure(_ body: () throws -> SQLValue) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as SQLiteError {
            return error.message
        } catch let error as BigQueryEngineFunctionNoMatch {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// The no-match message of a resolution, or `nil` when it matched.
    static func noMatch(_ resolution: FunctionResolution?) -> String? {
        if case .noMatch(let message)? = resolution { return message }
        return nil
    }
}
