import CSQLite

/// A scalar SQL function written in Swift: its arguments in, its value out; throwing
/// ``SQLFunctionError`` fails the statement with that message.
public typealias SQLFunction = @Sendable ([SQLValue]) throws(SQLFunctionError) -> SQLValue

/// What a Swift SQL function fails with: the statement stops, and its error is this message.
public struct SQLFunctionError: Error, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
}

/// Holds a registered function for as long as SQLite keeps it.
private final class FunctionBox {
    let body: SQLFunction
    /// The arguments array of the last call, kept for its storage: a call borrows it (leaving an
    /// empty array, so a nested call on the same connection gets its own) and hands it back.
    var spare: [SQLValue] = []
    init(_ body: @escaping SQLFunction) { self.body = body }
}

extension Database {
    /// Registers `name` as a scalar function taking `arguments` arguments (-1: any number).
    /// Deterministic functions can be used in indexes and are evaluated once per constant
    /// argument list.
    public func register(function name: String, arguments: Int32, deterministic: Bool = true,
                         _ body: @escaping SQLFunction) throws(SQLiteError) {
        let box = Unmanaged.passRetained(FunctionBox(body)).toOpaque()
        let flags = SQLITE_UTF8 | (deterministic ? SQLITE_DETERMINISTIC : 0)
        let rc = sqlite3_create_function_v2(
            handle, name, arguments, flags, box,
            { context, count, values in
                let box = Unmanaged<FunctionBox>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue()
                // One allocation per function and connection, not one per call.
                var arguments = box.spare
                box.spare = []
                arguments.removeAll(keepingCapacity: true)
                arguments.reserveCapacity(Int(count))
                for index in 0..<Int(count) { arguments.append(Database.value(values![index])) }
                do throws(SQLFunctionError) {
                    Database.setResult(context, try box.body(arguments))
                } catch {
                    sqlite3_result_error(context, error.message, -1)
                }
                box.spare = arguments
            },
            nil, nil,
            { box in if let box { Unmanaged<FunctionBox>.fromOpaque(box).release() } })
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: lastError, sql: nil) }
    }

    /// Registers something written against SQLite's C API (a virtual table module, a C
    /// function): `body` gets the connection's `sqlite3 *` and answers an SQLite result code.
    public func register(native name: String, _ body: (OpaquePointer) -> Int32) throws(SQLiteError) {
        let rc = body(handle)
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: "registering \(name): \(lastError)", sql: nil) }
    }

    static func value(_ value: OpaquePointer?) -> SQLValue {
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER: return .int(sqlite3_value_int64(value))
        case SQLITE_FLOAT: return .double(sqlite3_value_double(value))
        case SQLITE_TEXT:
            guard let text = sqlite3_value_text(value) else { return .text("") }
            let count = Int(sqlite3_value_bytes(value))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_value_bytes(value))
            guard count > 0, let bytes = sqlite3_value_blob(value) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
        default: return .null
        }
    }

    static func setResult(_ context: OpaquePointer?, _ value: SQLValue) {
        switch value {
        case .null: sqlite3_result_null(context)
        case .int(let number): sqlite3_result_int64(context, number)
        case .double(let number): sqlite3_result_double(context, number)
        case .text(let text):
            var text = text
            text.withUTF8 { buffer in
                buffer.withMemoryRebound(to: CChar.self) { terrace_sqlite3_result_text(context, $0.baseAddress, Int32($0.count)) }
            }
        case .blob(let bytes): bytes.withUnsafeBytes { terrace_sqlite3_result_blob(context, $0.baseAddress, Int32($0.count)) }
        }
    }
}

/// The state of one group of a Swift aggregate function: fed each row's arguments, then asked
/// for the group's value once.
public protocol SQLAggregator: AnyObject {
    func step(_ arguments: [SQLValue]) throws(SQLFunctionError)
    func finish() throws(SQLFunctionError) -> SQLValue
}

/// An aggregate that also runs over a sliding window frame (`SUM(x) OVER (… ROWS 2 PRECEDING)`):
/// rows leave the frame through ``inverse(_:)``, oldest first, and ``current()`` is asked for
/// the frame's value after each move, without ending the group.
public protocol SQLWindowAggregator: SQLAggregator {
    func inverse(_ arguments: [SQLValue]) throws(SQLFunctionError)
    func current() throws(SQLFunctionError) -> SQLValue
}

/// Makes a fresh aggregator for each group.
private final class AggregateBox {
    let make: @Sendable () -> any SQLAggregator
    init(_ make: @escaping @Sendable () -> any SQLAggregator) { self.make = make }
}

private final class AggregatorHolder {
    let aggregator: any SQLAggregator
    init(_ aggregator: any SQLAggregator) { self.aggregator = aggregator }
}

extension Database {
    /// Registers `name` as an aggregate function taking `arguments` arguments (-1: any number):
    /// each group gets its own aggregator from `make`. An error from `step` or `finish` fails
    /// the statement with its message.
    public func register(aggregate name: String, arguments: Int32, _ make: @escaping @Sendable () -> any SQLAggregator) throws(SQLiteError) {
        let box = Unmanaged.passRetained(AggregateBox(make)).toOpaque()
        let rc = sqlite3_create_function_v2(
            handle, name, arguments, SQLITE_UTF8, box, nil,
            { context, count, values in Database.aggregateStep(context, count, values, inverse: false) },
            { context in Database.aggregateFinal(context) },
            { box in if let box { Unmanaged<AggregateBox>.fromOpaque(box).release() } })
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: lastError, sql: nil) }
    }

    /// Registers `name` as an aggregate that SQLite may also run as a window function (a plain
    /// aggregate is refused after `OVER`): see ``SQLWindowAggregator``.
    public func register(window name: String, arguments: Int32, _ make: @escaping @Sendable () -> any SQLWindowAggregator) throws(SQLiteError) {
        let box = Unmanaged.passRetained(AggregateBox(make)).toOpaque()
        let rc = sqlite3_create_window_function(
            handle, name, arguments, SQLITE_UTF8, box,
            { context, count, values in Database.aggregateStep(context, count, values, inverse: false) },
            { context in Database.aggregateFinal(context) },
            { context in Database.aggregateCurrent(context) },
            { context, count, values in Database.aggregateStep(context, count, values, inverse: true) },
            { box in if let box { Unmanaged<AggregateBox>.fromOpaque(box).release() } })
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: lastError, sql: nil) }
    }

    /// The group's aggregator, made on its first row. The state lives in SQLite's per-group
    /// memory as a retained pointer, released by ``aggregateFinal(_:)``.
    private static func holder(_ context: OpaquePointer?) -> AggregatorHolder? {
        guard let memory = sqlite3_aggregate_context(context, Int32(MemoryLayout<UnsafeMutableRawPointer?>.size))?
            .assumingMemoryBound(to: UnsafeMutableRawPointer?.self) else { return nil }
        if memory.pointee == nil {
            let box = Unmanaged<AggregateBox>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue()
            memory.pointee = Unmanaged.passRetained(AggregatorHolder(box.make())).toOpaque()
        }
        return Unmanaged<AggregatorHolder>.fromOpaque(memory.pointee!).takeUnretainedValue()
    }

    private static func aggregateStep(_ context: OpaquePointer?, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?, inverse: Bool) {
        guard let holder = holder(context) else {
            sqlite3_result_error_nomem(context)
            return
        }
        var arguments: [SQLValue] = []
        arguments.reserveCapacity(Int(count))
        for index in 0..<Int(count) { arguments.append(Database.value(values![index])) }
        do throws(SQLFunctionError) {
            if inverse {
                try (holder.aggregator as? any SQLWindowAggregator)?.inverse(arguments)
            } else {
                try holder.aggregator.step(arguments)
            }
        } catch {
            sqlite3_result_error(context, error.message, -1)
        }
    }

    private static func aggregateCurrent(_ context: OpaquePointer?) {
        guard let holder = holder(context), let aggregator = holder.aggregator as? any SQLWindowAggregator else {
            sqlite3_result_error_nomem(context)
            return
        }
        do throws(SQLFunctionError) {
            Database.setResult(context, try aggregator.current())
        } catch {
            sqlite3_result_error(context, error.message, -1)
        }
    }

    /// Called once per group, also when no row arrived (then with no state yet) and when a
    /// statement stops early, so the state is always released here.
    private static func aggregateFinal(_ context: OpaquePointer?) {
        let memory = sqlite3_aggregate_context(context, 0)?.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
        let aggregator: any SQLAggregator
        if let pointer = memory?.pointee {
            aggregator = Unmanaged<AggregatorHolder>.fromOpaque(pointer).takeRetainedValue().aggregator
            memory?.pointee = nil
        } else {
            aggregator = Unmanaged<AggregateBox>.fromOpaque(sqlite3_user_data(context)).takeUnretainedValue().make()
        }
        do throws(SQLFunctionError) {
            Database.setResult(context, try aggregator.finish())
        } catch {
            sqlite3_result_error(context, error.message, -1)
        }
    }
}
