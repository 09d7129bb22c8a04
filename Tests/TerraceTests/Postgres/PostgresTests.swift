import Foundation
import TerraceJSON
import TerracePostgres
import Testing

/// The suite's one PostgreSQL server: started on first use (on a thread of its own, not the
/// cooperative pool) and stopped, its directory deleted, when the test process exits.
enum SharedPostgres {
    static let server = Task<PostgresTestServer, any Error> {
        let server = try await PostgresTestServer.startOffPool()
        server.stopAtExit()
        return server
    }
}

/// Runs `body` with a fresh connection to the shared server, on a dedicated thread (libpq
/// blocks), and answers what it returns; assertions stay in the test's own task.
private func withPostgres<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
    let connectionString = try await SharedPostgres.server.value.connectionString
    return try await runOffCooperativePool {
        let connection = try PostgresConnection(connectionString: connectionString)
        return try body(connection)
    }
}

/// The single record `sql` streams.
private func record(_ sql: String) async throws -> [String: JSON] {
    try await withPostgres { connection in
        var records: [[String: JSON]] = []
        try connection.stream(sql) { _, batch in records += batch }
        return records.first ?? [:]
    }
}

/// A name no other test (or earlier run) uses, for objects made in the shared database.
private func uniqueName(_ prefix: String) -> String {
    prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
}

private struct HandlerFailure: Error, Equatable {}

@Suite("PostgreSQL over libpq")
struct PostgresTests {
    // MARK: - Values

    @Test func integersAreNumbers() async throws {
        let row = try await record(
            """
            SELECT 1::int2 AS small, (-2147483648)::int4 AS regular, 9223372036854775807::int8 AS big,
                   '-9223372036854775808'::int8 AS most_negative, 4294967295::oid AS object_id
            """)
        #expect(row == ["small": 1, "regular": -2_147_483_648, "big": .int(.max), "most_negative": .int(.min), "object_id": 4_294_967_295])
    }

    @Test func floatsAreDoublesWithNonFiniteValuesAsStrings() async throws {
        let row = try await record(
            """
            SELECT 1.5::float8 AS a, 0.1::float4 AS b, 1e300::float8 AS c, -0.000001::float8 AS d,
                   'NaN'::float8 AS nan, 'Infinity'::float8 AS inf, '-Infinity'::float4 AS neg_inf
            """)
        #expect(row == ["a": 1.5, "b": 0.1, "c": 1e300, "d": -0.000001, "nan": "NaN", "inf": "Infinity", "neg_inf": "-Infinity"])
    }

    @Test func numericIsExactDecimalText() async throws {
        let row = try await record(
            """
            SELECT 12345678901234567890.123456789::numeric AS big, 0.10::numeric(5,2) AS scaled,
                   1e-20::numeric AS tiny, 'NaN'::numeric AS nan
            """)
        #expect(row == ["big": "12345678901234567890.123456789", "scaled": "0.10", "tiny": "0.00000000000000000001", "nan": "NaN"])
    }

    @Test func booleansAreBooleans() async throws {
        let row = try await record("SELECT true AS yes, false AS no")
        #expect(row == ["yes": true, "no": false])
    }

    @Test func jsonAndJsonbAreParsed() async throws {
        let row = try await record(
            """
            SELECT '{"a": [1, 2.5, "x", null, true]}'::json AS plain, '{"b": {"c": -7}}'::jsonb AS binary,
                   '"text"'::jsonb AS scalar
            """)
        #expect(row == ["plain": ["a": [1, 2.5, "x", nil, true]], "binary": ["b": ["c": -7]], "scalar": "text"])
    }

    @Test func textTypesAreStrings() async throws {
        let row = try await record(
            """
            SELECT 'héllo ✓'::text AS text, 'v'::varchar(10) AS varchar, 'ab'::char(4) AS padded,
                   'pg_class'::name AS name, 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11'::uuid AS id
            """)
        #expect(
            row == [
                "text": "héllo ✓", "varchar": "v", "padded": "ab  ", "name": "pg_class",
                "id": "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            ])
    }

    @Test func datesAndTimesAreISOText() async throws {
        let row = try await record(
            """
            SELECT '2024-02-29'::date AS date, '13:14:15'::time AS time, '13:14:15.000001'::time AS time_fraction,
                   '2024-02-29 13:14:15'::timestamp AS timestamp,
                   '2024-02-29 13:14:15.123456'::timestamp AS timestamp_fraction,
                   '2024-02-29 13:14:15.5+05:30'::timestamptz AS zoned,
                   '2024-01-01 00:00:00'::timestamptz AS zoned_whole,
                   'infinity'::timestamp AS forever
            """)
        #expect(
            row == [
                "date": "2024-02-29", "time": "13:14:15", "time_fraction": "13:14:15.000001",
                "timestamp": "2024-02-29T13:14:15", "timestamp_fraction": "2024-02-29T13:14:15.123456",
                "zoned": "2024-02-29T07:44:15.5Z", "zoned_whole": "2024-01-01T00:00:00Z", "forever": "infinity",
            ])
    }

    @Test func byteaIsBase64() async throws {
        let row = try await record(#"SELECT '\x00ff10'::bytea AS bytes, 'hello'::bytea AS word, ''::bytea AS empty"#)
        #expect(row == ["bytes": "AP8Q", "word": "aGVsbG8=", "empty": ""])
    }

    @Test func otherTypesAreTheirText() async throws {
        let row = try await record(
            """
            SELECT '1 day 2 hours'::interval AS interval, '10.1.2.3/32'::inet AS address,
                   '12:00:00+02'::timetz AS zoned_time, int4range(1, 5) AS range
            """)
        #expect(row == ["interval": "P1DT2H", "address": "10.1.2.3", "zoned_time": "12:00:00+02", "range": "[1,5)"])
    }

    @Test func nullIsNullForEveryType() async throws {
        let row = try await record(
            """
            SELECT NULL::int8 AS a, NULL::float8 AS b, NULL::numeric AS c, NULL::bool AS d, NULL::jsonb AS e,
                   NULL::text AS f, NULL::date AS g, NULL::timestamptz AS h, NULL::bytea AS i, NULL::int4[] AS j,
                   NULL::interval AS k
            """)
        #expect(row.count == 11)
        #expect(row.values.allSatisfy { $0 == .null })
    }

    @Test func arraysAreJSONArraysWithTypedElements() async throws {
        let row = try await record(
            #"""
            SELECT ARRAY[1, NULL, 3]::int4[] AS ints, ARRAY[1.5, 'NaN']::float8[] AS floats,
                   ARRAY[true, false] AS bools, ARRAY[1.10]::numeric[] AS decimals,
                   ARRAY['2024-01-01 00:00:00+00']::timestamptz[] AS stamps, ARRAY['2024-01-01']::date[] AS dates,
                   ARRAY['{"a": 1}']::jsonb[] AS documents, ARRAY['\x0102']::bytea[] AS blobs,
                   '{}'::int4[] AS empty, '[0:1]={7,8}'::int4[] AS shifted, '{{1,2},{3,4}}'::int4[] AS matrix
            """#)
        #expect(
            row == [
                "ints": [1, nil, 3], "floats": [1.5, "NaN"], "bools": [true, false], "decimals": ["1.10"],
                "stamps": ["2024-01-01T00:00:00Z"], "dates": ["2024-01-01"], "documents": [["a": 1]], "blobs": ["AQI="],
                "empty": [], "shifted": [7, 8], "matrix": [[1, 2], [3, 4]],
            ])
    }

    @Test func textArraysUnquoteAndUnescapeElements() async throws {
        let row = try await record(
            #"""
            SELECT ARRAY['a b', 'q"uote', 'back\slash', 'NULL', '', NULL, 'x,y', '{brace}', ' pad ', 'null']::text[] AS texts
            """#)
        #expect(row == ["texts": ["a b", "q\"uote", "back\\slash", "NULL", "", nil, "x,y", "{brace}", " pad ", "null"]])
    }

    @Test func queryAnswersRowsInColumnOrder() async throws {
        let rows = try await withPostgres { try $0.query("SELECT g, g * 2 FROM generate_series(1, 3) g") }
        #expect(rows == [[1, 2], [2, 4], [3, 6]])
    }

    // MARK: - Parameters

    @Test func parametersAreBoundAsTextWithNilAsNull() async throws {
        let rows = try await withPostgres { connection in
            try connection.query(
                "SELECT $1::int8 + 1 AS n, $2::text AS t, $3::text IS NULL AS missing", parameters: ["41", "it's'; DROP TABLE x; --", nil])
        }
        #expect(rows == [[42, "it's'; DROP TABLE x; --", true]])
    }

    @Test func streamsTakeParameters() async throws {
        let sizes = try await withPostgres { connection in
            var sizes: [Int] = []
            try connection.stream("SELECT g FROM generate_series(1, $1::int) g WHERE g > $2::int", parameters: ["25", "0"], batchSize: 10) {
                _, batch in sizes.append(batch.count)
            }
            return sizes
        }
        #expect(sizes == [10, 10, 5])
    }

    @Test func parameterWithNulIsRejectedBeforeTheServer() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await withPostgres { _ = try $0.query("SELECT $1::text", parameters: ["a\u{0}b"]) }
        }
        #expect(error?.kind == .invalidInput)
    }

    @Test func executeAnswersAffectedRows() async throws {
        let table = uniqueName("affected")
        let counts = try await withPostgres { connection in
            try connection.execute("CREATE TABLE \(table) (id int)")
            defer { _ = try? connection.execute("DROP TABLE \(table)") }
            let inserted = try connection.execute("INSERT INTO \(table) SELECT generate_series(1, 3)")
            let updated = try connection.execute("UPDATE \(table) SET id = id + $1::int WHERE id > 1", parameters: ["10"])
            return [inserted, updated]
        }
        #expect(counts == [3, 2])
    }

    // MARK: - Streaming

    @Test func streamsAQuarterMillionRowsInBoundedBatches() async throws {
        struct Summary: Sendable, Equatable {
            var batchSizes: [Int] = []
            var total = 0
            var idSum: Int64 = 0
            var inOrder = true
            var last: Int64 = 0
        }
        let summary = try await withPostgres { connection in
            var summary = Summary()
            try connection.stream("SELECT g AS id, 'row ' || g AS label FROM generate_series(1, 250000) g", batchSize: 10_000) {
                _, batch in
                summary.batchSizes.append(batch.count)
                for record in batch {
                    let id = record["id"]?.intValue ?? -1
                    summary.inOrder = summary.inOrder && id == summary.last + 1 && record["label"] == .string("row \(id)")
                    summary.last = id
                    summary.idSum += id
                    summary.total += 1
                }
            }
            return summary
        }
        #expect(summary.batchSizes == Array(repeating: 10_000, count: 25))
        #expect(summary.total == 250_000)
        #expect(summary.idSum == 250_000 * 250_001 / 2)
        #expect(summary.inOrder)
    }

    @Test func streamHandsOverColumnsWithTypeNames() async throws {
        let enumType = uniqueName("mood")
        let (columns, moods) = try await withPostgres { connection in
            try connection.execute("CREATE TYPE \(enumType) AS ENUM ('happy', 'sad')")
            defer { _ = try? connection.execute("DROP TYPE \(enumType)") }
            var seen: [PostgresColumn] = []
            var moods: [JSON] = []
            try connection.stream(
                "SELECT 1::int8 AS a, 1.0::numeric AS b, ARRAY[1]::int4[] AS c, now() AS d, 'sad'::\(enumType) AS e"
            ) { columns, batch in
                seen = columns
                moods = batch.compactMap { $0["e"] }
            }
            return (seen, moods)
        }
        #expect(moods == ["sad"])
        #expect(columns.map(\.name) == ["a", "b", "c", "d", "e"])
        #expect(columns.map(\.typeName) == ["int8", "numeric", "_int4", "timestamptz", enumType])
        #expect(columns.map(\.typeOID).prefix(4) == [20, 1700, 1007, 1184])
        #expect(columns.map(\.isArray) == [false, false, true, false, false])
    }

    @Test func emptyResultNeverCallsTheHandlerButAnswersColumns() async throws {
        let (calls, columns) = try await withPostgres { connection in
            var calls = 0
            let columns = try connection.stream("SELECT 1 AS one, 'x'::text AS two WHERE false") { _, _ in calls += 1 }
            return (calls, columns)
        }
        #expect(calls == 0)
        #expect(columns.map(\.name) == ["one", "two"])
    }

    @Test func duplicateColumnNamesAreRejected() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await withPostgres { try $0.stream("SELECT 1 AS a, 2 AS a") { _, _ in } }
        }
        #expect(error?.kind == .invalidInput)
        #expect(error?.message.contains("\"a\"") == true)
    }

    @Test func batchSizeBelowOneIsRejected() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await withPostgres { try $0.stream("SELECT 1", batchSize: 0) { _, _ in } }
        }
        #expect(error?.kind == .invalidInput)
    }

    @Test func handlerErrorEndsTheStreamAndLeavesTheConnectionUsable() async throws {
        let (failure, after) = try await withPostgres { connection in
            var failure: (any Error)?
            do {
                try connection.stream("SELECT g FROM generate_series(1, 100) g", batchSize: 10) { _, _ in throw HandlerFailure() }
            } catch {
                failure = error
            }
            return (failure as? HandlerFailure, try connection.query("SELECT 1"))
        }
        #expect(failure == HandlerFailure())
        #expect(after == [[1]])
    }

    @Test func connectionLostMidStreamIsAConnectionError() async throws {
        let connectionString = try await SharedPostgres.server.value.connectionString
        let (error, batches) = try await withPostgres { connection in
            let pid = try connection.query("SELECT pg_backend_pid()").first?.first?.intValue ?? 0
            var batches = 0
            var caught: PostgresError?
            do {
                try connection.stream("SELECT g FROM generate_series(1, 100000) g", batchSize: 100) { _, _ in
                    batches += 1
                    if batches == 1 {
                        let killer = try PostgresConnection(connectionString: connectionString)
                        try killer.execute("SELECT pg_terminate_backend($1::int)", parameters: [String(pid)])
                    }
                }
            } catch let error as PostgresError {
                caught = error
            }
            return (caught, batches)
        }
        #expect(batches == 1)
        #expect(error?.kind == .connection)
    }

    @Test func streamIsReadOnly() async throws {
        let sequence = uniqueName("seq")
        let error = await #expect(throws: PostgresError.self) {
            try await withPostgres { connection in
                try connection.execute("CREATE SEQUENCE \(sequence)")
                defer { _ = try? connection.execute("DROP SEQUENCE \(sequence)") }
                try connection.stream("SELECT nextval('\(sequence)')") { _, _ in }
            }
        }
        #expect(error?.sqlState == "25006")  // read_only_sql_transaction
    }

    @Test func streamInsideAnOpenTransactionSeesItAndLeavesItOpen() async throws {
        let (count, stillOpen) = try await withPostgres { connection in
            try connection.execute("BEGIN; CREATE TEMP TABLE pending (id int); INSERT INTO pending VALUES (1), (2)")
            var count = 0
            try connection.stream("SELECT id FROM pending") { _, batch in count += batch.count }
            let stillOpen = try connection.query("SELECT count(*) FROM pending")
            try connection.execute("ROLLBACK")
            return (count, stillOpen)
        }
        #expect(count == 2)
        #expect(stillOpen == [[2]])
    }

    @Test func nonQueryStatementCannotBeStreamedAndSaysWhy() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await withPostgres { try $0.stream("INSERT INTO nowhere VALUES (1)") { _, _ in } }
        }
        #expect(error?.sqlState == "42601")
        #expect(error?.position == 1)
        #expect(error?.hint?.contains("cursor") == true)
    }

    // MARK: - Errors

    @Test func syntaxErrorCarriesPostgresMessageAndSQLState() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await withPostgres { _ = try $0.query("SELEC 1") }
        }
        #expect(error?.kind == .query)
        #expect(error?.sqlState == "42601")
        #expect(error?.message == #"syntax error at or near "SELEC""#)
        #expect(error?.position == 1)
        #expect(error?.description.contains("42601") == true)
    }

    @Test func streamedSyntaxErrorPointsIntoTheCallersSQLAndRollsBack() async throws {
        let (error, after) = try await withPostgres { connection in
            var caught: PostgresError?
            do {
                try connection.stream("SELECT 1 FROM FROM") { _, _ in }
            } catch let error as PostgresError {
                caught = error
            }
            return (caught, try connection.query("SELECT 2"))
        }
        #expect(error?.sqlState == "42601")
        #expect(error?.message == #"syntax error at or near "FROM""#)
        #expect(error?.position == 15)
        #expect(error?.sql == "SELECT 1 FROM FROM")
        #expect(after == [[2]])
    }

    @Test func missingTableIsNamed() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await withPostgres { try $0.stream("SELECT * FROM no_such_table_here") { _, _ in } }
        }
        #expect(error?.sqlState == "42P01")
        #expect(error?.message == #"relation "no_such_table_here" does not exist"#)
    }

    @Test func wrongPasswordIsAClearErrorWithoutThePassword() async throws {
        let server = try await SharedPostgres.server.value
        let role = uniqueName("alice")
        try await runOffCooperativePool { try server.createLoginRole(role, password: "correct-horse-battery") }
        let attempt = server.connectionString(user: role, password: "wrong-staple-guess")
        let error = await #expect(throws: PostgresError.self) {
            try await runOffCooperativePool { _ = try PostgresConnection(connectionString: attempt) }
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("password authentication failed for user \"\(role)\"") == true)
        #expect(error?.description.contains("wrong-staple-guess") == false)
        #expect(error?.description.contains("correct-horse-battery") == false)
    }

    @Test func rightPasswordLogsIn() async throws {
        let server = try await SharedPostgres.server.value
        let role = uniqueName("bob")
        let rows = try await runOffCooperativePool {
            try server.createLoginRole(role, password: "s3cret pass'word")
            let connection = try PostgresConnection(connectionString: server.connectionString(user: role, password: "s3cret pass'word"))
            return try connection.query("SELECT current_user::text")
        }
        #expect(rows == [[.string(role)]])
    }

    @Test func unreachablePortIsAClearErrorWithoutThePassword() async throws {
        let port = try PostgresTestServer.freeLoopbackPort()
        let error = await #expect(throws: PostgresError.self) {
            try await runOffCooperativePool {
                _ = try PostgresConnection(connectionString: "host=127.0.0.1 port=\(port) user=postgres password=hunter2-topsecret")
            }
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("127.0.0.1") == true)
        #expect(error?.message.contains("\(port)") == true)
        #expect(error?.description.contains("hunter2-topsecret") == false)
    }

    @Test func malformedURLEchoedByLibpqHasItsPasswordScrubbed() async throws {
        let error = await #expect(throws: PostgresError.self) {
            try await runOffCooperativePool { _ = try PostgresConnection(connectionString: "postgresql://alice:hunter2-topsecret@[::1/db") }
        }
        #expect(error?.kind == .connection)
        #expect(error?.message.contains("postgresql://alice:***@") == true)
        #expect(error?.description.contains("hunter2-topsecret") == false)
    }

    @Test func redactionScrubsKeyValueURLAndLiteralPasswords() {
        #expect(redactingPasswords(in: "host=db password=abc123 user=x") == "host=db password=*** user=x")
        #expect(redactingPasswords(in: #"host=db PASSWORD = 'a b\'c' port=5"#) == "host=db password=*** port=5")
        #expect(redactingPasswords(in: "postgres://u:p%40ss@h:5/d?sslmode=require") == "postgres://u:***@h:5/d?sslmode=require")
        #expect(redactingPasswords(in: "postgres://h/d?password=zz&sslmode=x") == "postgres://h/d?password=***&sslmode=x")
        #expect(redactingPasswords(in: "postgres://u@h/d") == "postgres://u@h/d")
        // A password libpq cuts at `/` surfaces in fragments: those go too.
        #expect(
            redactingPasswords(in: #"invalid integer value "pa55" for connection option "port""#, connectionString: "postgres://u:pa55/word@h/d")
                == #"invalid integer value "***" for connection option "port""#)
    }

    // MARK: - The test server

    @Test func testServerStopsAndDeletesItsDirectory() async throws {
        let server = try await PostgresTestServer.startOffPool()
        let shared = try await SharedPostgres.server.value
        #expect(server.port != shared.port)
        let connectionString = server.connectionString
        let version = try await runOffCooperativePool { try PostgresConnection(connectionString: connectionString).serverVersion }
        #expect(version >= 90_000)
        try await runOffCooperativePool { server.stop() }
        #expect(!FileManager.default.fileExists(atPath: server.directory))
        await #expect(throws: PostgresError.self) {
            try await runOffCooperativePool { _ = try PostgresConnection(connectionString: connectionString + " connect_timeout=2") }
        }
    }
}
