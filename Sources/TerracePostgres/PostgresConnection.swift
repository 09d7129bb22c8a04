import CPostgres
import TerraceJSON

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libpq connection to a PostgreSQL server: statements, small queries and streamed results
/// as JSON records.
///
/// **Threads.** Not thread-safe and not `Sendable`: a connection belongs to one thread at a time
/// (libpq's rule for a `PGconn`). Every call blocks its thread until the server answers, so async
/// code should run a connection's whole life on a thread of its own — see
/// ``runOffCooperativePool(_:)`` — rather than on Swift's cooperative pool. A connection that
/// broke (a `.connection` error) stays broken: make a new one.
///
/// **Session.** On connect the session is pinned so that text output is deterministic whatever
/// the server's configuration: `TimeZone` UTC, `DateStyle` ISO/YMD, `IntervalStyle` iso_8601,
/// `bytea_output` hex, `extra_float_digits` 3 (the shortest round-tripping float text on
/// PostgreSQL 12 and later), client encoding UTF-8.
///
/// **Values.** Results are read in text format and typed by each column's type OID:
///
/// | PostgreSQL | JSON |
/// |---|---|
/// | `int2`, `int4`, `int8`, `oid` | number (`.int`) |
/// | `float4`, `float8` | number (`.double`); `"NaN"`, `"Infinity"`, `"-Infinity"` as strings |
/// | `numeric` | string of the exact decimal text |
/// | `bool` | boolean |
/// | `json`, `jsonb` | the parsed value (the text as a string if jansson rejects it, e.g. an integer beyond 64 bits) |
/// | `text`, `varchar`, `bpchar` (padded), `name`, `uuid` | string |
/// | `date` | `"YYYY-MM-DD"` |
/// | `time` | `"HH:MM:SS[.ffffff]"` |
/// | `timestamp` | `"YYYY-MM-DDTHH:MM:SS[.ffffff]"` |
/// | `timestamptz` | `"YYYY-MM-DDTHH:MM:SS[.ffffff]Z"` (UTC) |
/// | `bytea` | base64 string |
/// | arrays of the types above | arrays (nested for more dimensions), elements typed as above |
/// | anything else (`interval`, `inet`, enums, ranges, …) | its text as a string |
///
/// `numeric` travels as text because it is exact decimal with up to 131,072 digits before the
/// point: a double keeps ~15–17 significant digits, so amounts and large identifiers would be
/// silently rounded. BigQuery's NUMERIC/BIGNUMERIC load exact decimal strings.
/// Dates and timestamps outside the ISO range (`infinity`, BC years) keep PostgreSQL's text.
/// SQL NULL is `.null`.
public final class PostgresConnection {
    private var handle: OpaquePointer?
    private var cursorCounter = 0
    /// `pg_type.typname` of non-built-in types, looked up once per connection.
    private var typeNameCache: [UInt32: String] = [:]

    /// Connects with a libpq connection string: `host=… port=… dbname=… user=… password=…` or
    /// a `postgres://user:password@host:port/dbname?sslmode=…` URL.
    ///
    /// Unless the string says otherwise, the attempt gives up after 10 seconds
    /// (`connect_timeout`) and the session's `application_name` is `terrace`. Any error message
    /// has the password scrubbed, even where libpq echoes the connection string.
    public init(connectionString: String) throws(PostgresError) {
        // Key words are processed in order and the last one wins: defaults go before the
        // expanded connection string (so that it can override them), the encoding after it.
        let keywords = ["connect_timeout", "fallback_application_name", "dbname", "client_encoding"]
        let values = ["10", "terrace", connectionString, "UTF8"]
        let connection = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectdbParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = libpqMessage(PQerrorMessage(connection)) ?? "unknown error"
            PQfinish(connection)
            throw PostgresError(
                kind: .connection, message: redactingPasswords(in: message, connectionString: connectionString))
        }
        handle = connection
        // Notices (`NOTICE: … skipping`) would otherwise go to stderr.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        try execute(
            """
            SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'iso_8601';
            SET bytea_output = 'hex'; SET extra_float_digits = 3
            """)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Closes the connection; further calls throw. Deinitialisation closes it too.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    /// The server's version as a number: 150018 for 15.18.
    public var serverVersion: Int { handle.map { Int(PQserverVersion($0)) } ?? 0 }

    /// Runs `sql` and answers the number of rows it affected (0 for statements that affect none).
    ///
    /// Without parameters `sql` may hold several statements separated by semicolons (run in one
    /// implicit transaction; the count is the last one's). With parameters (`$1`, `$2`, … given
    /// as text, `nil` for NULL) it must be a single statement.
    @discardableResult
    public func execute(_ sql: String, parameters: [String?] = []) throws(PostgresError) -> Int {
        let result = try run(sql, parameters: parameters, reportedAs: sql)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Runs `sql` with `parameters` (`$1`, `$2`, … as text, `nil` for NULL) and answers every
    /// row, values in column order. The whole result is held in memory: for tables, use
    /// ``stream(_:parameters:batchSize:_:)``.
    public func query(_ sql: String, parameters: [String?] = []) throws(PostgresError) -> [[JSON]] {
        let result = try run(sql, parameters: parameters, reportedAs: sql)
        defer { PQclear(result) }
        let decodings = (0..<PQnfields(result)).map { ValueDecoding(typeOID: UInt32(PQftype(result, $0))) }
        return (0..<PQntuples(result)).map { row in
            decodings.enumerated().map { column, decoding in value(result, row, Int32(column), decoding) }
        }
    }

    /// Streams the rows of a `SELECT` (or `VALUES`, `TABLE`, `WITH … SELECT`) in batches of at
    /// most `batchSize` records, in constant memory whatever the result's size.
    ///
    /// Each record is an object keyed by column name, typed as the table on
    /// ``PostgresConnection`` says. `handler` is called once per non-empty batch (every batch but
    /// the last holds exactly `batchSize` records), with the result's columns; an empty result
    /// never calls it — the columns are also returned.
    ///
    /// The query runs in a server-side cursor — `DECLARE … NO SCROLL CURSOR FOR <sql>`, then
    /// `FETCH FORWARD batchSize` until the cursor is exhausted — inside a `READ ONLY`
    /// transaction (or, if one is already open on this connection, inside that one, which is
    /// then left open). Why a cursor rather than libpq's single-row mode: one `PGresult`, one
    /// round trip and one allocation per *batch* instead of per row; the batch size bounds the
    /// memory on both ends; it works with every libpq and server version (chunked-rows mode
    /// needs libpq 17) and through transaction-mode poolers; and `cursor_tuple_fraction` is set
    /// to 1 so that the planner optimises for reading everything, as a plain query would be.
    /// The price: only row-returning queries can be declared as cursors, and nothing in the
    /// query may write (the transaction is read-only — a source reader must not).
    ///
    /// Throws ``PostgresError`` (with `.invalidInput` for a batch size below 1 or two columns
    /// of one name — alias them), or whatever `handler` throws; either way the cursor and the
    /// transaction this call opened are rolled back and the connection stays usable.
    @discardableResult
    public func stream(
        _ sql: String, parameters: [String?] = [], batchSize: Int = 10_000,
        _ handler: (_ columns: [PostgresColumn], _ batch: [[String: JSON]]) throws -> Void
    ) throws -> [PostgresColumn] {
        guard batchSize >= 1 else {
            throw PostgresError(kind: .invalidInput, message: "batch size must be at least 1, not \(batchSize)", sql: sql)
        }
        let connection = try open()
        let ownsTransaction = PQtransactionStatus(connection) == PQTRANS_IDLE
        cursorCounter += 1
        let cursor = "terrace_cursor_\(cursorCounter)"
        if ownsTransaction { try execute("BEGIN READ ONLY; SET LOCAL cursor_tuple_fraction = 1.0") }
        do {
            let columns = try streamRows(
                sql, parameters: parameters, batchSize: batchSize, cursor: cursor, handler)
            try execute("CLOSE \(cursor)")
            if ownsTransaction { try execute("COMMIT") }
            return columns
        } catch {
            if ownsTransaction {
                _ = try? execute("ROLLBACK")
            } else if PQtransactionStatus(connection) == PQTRANS_INTRANS {
                _ = try? execute("CLOSE \(cursor)")
            }
            throw error
        }
    }

    private func streamRows(
        _ sql: String, parameters: [String?], batchSize: Int, cursor: String,
        _ handler: (_ columns: [PostgresColumn], _ batch: [[String: JSON]]) throws -> Void
    ) throws -> [PostgresColumn] {
        let body = trimmingTrailingSemicolons(sql)
        let prefix = "DECLARE \(cursor) NO SCROLL CURSOR FOR "
        do {
            PQclear(try run(prefix + body, parameters: parameters, reportedAs: sql))
        } catch let error {
            throw declareError(error, prefixLength: prefix.count)
        }
        let fetch = "FETCH FORWARD \(batchSize) FROM \(cursor)"
        var columns: [PostgresColumn]?
        var keys: [String] = []
        var decodings: [ValueDecoding] = []
        while true {
            let result = try run(fetch, parameters: [], reportedAs: sql)
            defer { PQclear(result) }
            if columns == nil {
                let described = try describe(result, sql: sql)
                columns = described
                keys = described.map(\.name)
                decodings = described.map { ValueDecoding(typeOID: $0.typeOID) }
            }
            let rows = Int(PQntuples(result))
            if rows > 0, let columns {
                var batch: [[String: JSON]] = []
                batch.reserveCapacity(rows)
                for row in 0..<Int32(rows) {
                    var record: [String: JSON] = [:]
                    record.reserveCapacity(keys.count)
                    for column in 0..<keys.count {
                        record[keys[column]] = value(result, row, Int32(column), decodings[column])
                    }
                    batch.append(record)
                }
                try handler(columns, batch)
            }
            if rows < batchSize { return columns ?? [] }
        }
    }

    /// The columns of a result, with type names (looking up non-built-in types in `pg_type`).
    private func describe(_ result: OpaquePointer, sql: String) throws(PostgresError) -> [PostgresColumn] {
        let count = PQnfields(result)
        let names = (0..<count).map { String(cString: PQfname(result, $0)) }
        let oids = (0..<count).map { UInt32(PQftype(result, $0)) }
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            throw PostgresError(
                kind: .invalidInput,
                message: "the result has more than one column named \"\(name)\"; records are keyed by column name, so alias them apart",
                sql: sql)
        }
        let unknown = Set(oids.filter { PostgresType.names[$0] == nil && typeNameCache[$0] == nil })
        if !unknown.isEmpty {
            let list = "{" + unknown.map(String.init).joined(separator: ",") + "}"
            let rows = (try? query("SELECT oid::int8, typname::text FROM pg_catalog.pg_type WHERE oid = ANY($1::oid[])", parameters: [list])) ?? []
            for row in rows {
                if case .int(let oid)? = row.first, case .string(let name)? = row.last { typeNameCache[UInt32(oid)] = name }
            }
        }
        return zip(names, oids).map { name, oid in
            PostgresColumn(name: name, typeOID: oid, typeName: PostgresType.names[oid] ?? typeNameCache[oid] ?? "oid:\(oid)")
        }
    }

    // MARK: - libpq calls

    private func open() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw PostgresError(kind: .connection, message: "the connection is closed") }
        return handle
    }

    /// Runs one statement (or, without parameters, a semicolon-separated script) and answers
    /// its result, throwing for anything but success. `reportedAs` is the SQL errors name.
    private func run(_ sql: String, parameters: [String?], reportedAs: String) throws(PostgresError) -> OpaquePointer {
        let connection = try open()
        if let bad = parameters.firstIndex(where: { $0?.utf8.contains(0) == true }) {
            throw PostgresError(
                kind: .invalidInput, message: "parameter $\(bad + 1) holds a NUL character, which PostgreSQL text cannot",
                sql: reportedAs)
        }
        let result: OpaquePointer?
        if parameters.isEmpty {
            result = PQexec(connection, sql)
        } else {
            result = withCStringArray(parameters) { values in
                PQexecParams(connection, sql, Int32(parameters.count), nil, values, nil, nil, 0)
            }
        }
        guard let result else {
            throw PostgresError(kind: .connection, message: libpqMessage(PQerrorMessage(connection)) ?? "out of memory", sql: reportedAs)
        }
        let status = PQresultStatus(result)
        if status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY { return result }
        defer { PQclear(result) }
        throw error(from: result, connection: connection, sql: reportedAs)
    }

    private func error(from result: OpaquePointer, connection: OpaquePointer, sql: String) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: value)
        }
        // A broken connection is a connection error even when the server said why on its way
        // out (`57P01` terminating connection due to administrator command).
        let lost = PQstatus(connection) != CONNECTION_OK
        guard let primary = field("M") else {
            // No server error fields: a client-side failure, typically a lost connection.
            let message = libpqMessage(PQresultErrorMessage(result)) ?? libpqMessage(PQerrorMessage(connection))
            return PostgresError(kind: .connection, message: message ?? "unknown error", sql: sql)
        }
        return PostgresError(
            kind: lost ? .connection : .query, message: primary, sqlState: field("C"), detail: field("D"),
            hint: field("H"), position: field("P").flatMap { Int($0) }, sql: sql)
    }

    /// An error from `DECLARE … FOR <sql>`, with the position moved back into the caller's SQL
    /// and a hint when the statement cannot be a cursor at all.
    private func declareError(_ error: PostgresError, prefixLength: Int) -> PostgresError {
        guard error.kind == .query else { return error }
        let position = error.position.map { $0 > prefixLength ? $0 - prefixLength : $0 }
        var hint = error.hint
        if error.sqlState == "42601", position == 1 {
            hint = "streamed queries run in a cursor: only SELECT, VALUES, TABLE and WITH … SELECT can be streamed"
        }
        return PostgresError(
            kind: error.kind, message: error.message, sqlState: error.sqlState, detail: error.detail, hint: hint,
            position: position, sql: error.sql)
    }

    private func value(_ result: OpaquePointer, _ row: Int32, _ column: Int32, _ decoding: ValueDecoding) -> JSON {
        if PQgetisnull(result, row, column) != 0 { return .null }
        let length = Int(PQgetlength(result, row, column))
        guard let pointer = PQgetvalue(result, row, column) else { return .null }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            decoding.decode(UnsafeBufferPointer(start: $0, count: length))
        }
    }
}

/// A connection belongs to one thread at a time: libpq's `PGconn` is not safe to share.
@available(*, unavailable)
extension PostgresConnection: Sendable {}

/// libpq's message text, trimmed of its trailing newline; `nil` when empty.
func libpqMessage(_ pointer: UnsafePointer<CChar>?) -> String? {
    guard let pointer else { return nil }
    var text = String(cString: pointer)
    while let last = text.last, last.isWhitespace { text.removeLast() }
    return text.isEmpty ? nil : text
}

private func trimmingTrailingSemicolons(_ sql: String) -> String {
    var text = Substring(sql)
    while let last = text.last, last.isWhitespace || last == ";" { text.removeLast() }
    return String(text)
}

/// Calls `body` with a C array of C strings (`nil` entries as null pointers), valid for the call.
private func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { duplicates.forEach { free($0) } }
    return body(duplicates.map { $0.map { UnsafePointer($0) } } + [nil])
}
