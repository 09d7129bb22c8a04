import TerraceSQLite
import Testing

/// Scalar SQL functions written in Swift, the way the local BigQuery gives SQLite its semantics.
struct SQLiteFunctionTests {
    @Test func aRegisteredFunctionIsCalledWithItsArgumentsAndItsValueIsTheResult() throws {
        let db = try Database(path: ":memory:")
        try db.register(function: "bq_concat", arguments: -1) { arguments throws(SQLFunctionError) in
            var text = ""
            for argument in arguments {
                switch argument {
                case .null: return .null
                case .text(let part): text += part
                case .int(let number): text += String(number)
                default: throw SQLFunctionError("unexpected argument")
                }
            }
            return .text(text)
        }
        #expect(try db.queryOne("SELECT bq_concat('a', 1, 'b') AS v")?.string("v") == "a1b")
        #expect(try db.queryOne("SELECT bq_concat('a', NULL) IS NULL AS v")?.int("v") == 1)
    }

    @Test func anErrorFromAFunctionFailsTheStatementWithItsMessage() throws {
        let db = try Database(path: ":memory:")
        try db.register(function: "bq_div", arguments: 2) { arguments throws(SQLFunctionError) in
            guard case .int(let a) = arguments[0], case .int(let b) = arguments[1] else { return .null }
            guard b != 0 else { throw SQLFunctionError("division by zero: \(a) / \(b)") }
            return .double(Double(a) / Double(b))
        }
        #expect(try db.queryOne("SELECT bq_div(1, 4) AS v")?["v"] == .double(0.25))
        #expect {
            _ = try db.query("SELECT bq_div(1, 0)")
        } throws: { error in
            (error as? SQLiteError)?.message == "division by zero: 1 / 0"
        }
    }

    @Test func blobsAndDoublesRoundTrip() throws {
        let db = try Database(path: ":memory:")
        try db.register(function: "echo", arguments: 1) { arguments throws(SQLFunctionError) in arguments[0] }
        let row = try #require(try db.queryOne("SELECT echo(x'00ff') AS b, echo(2.5) AS d"))
        #expect(row.blob("b") == [0x00, 0xFF])
        #expect(row["d"] == .double(2.5))
    }
}
