import BigQueryEngine
import TerraceSQLite
import Testing

/// `bq_unnest(json, 'keys')`, the table-valued function behind UNNEST of STRUCT arrays: every
/// row and value must be what `json_each` and `json_extract` give for the same text.
@Suite struct BigQueryEngineUnnestTests {
    let db: Database

    init() throws {
        db = try engineDatabase()
    }

    /// Each row as text: the key, then for the element and each member its value, its SQLite
    /// type and how `json_array` takes it (which shows whether it carries the JSON subtype).
    func rows(_ json: String?, keys: [String], native: Bool) throws -> [[String]] {
        func described(_ sql: String) -> [String] { [sql, "typeof(\(sql))", "json_array(\(sql))"] }
        var columns = ["u.key"] + described("u.value")
        for (index, key) in keys.enumerated() {
            columns += described(native ? "u.f\(index)" : "json_extract(u.value, '$.\"\(key)\"')")
        }
        let source = native ? "bq_unnest(?, '\(keys.joined(separator: ","))')" : "json_each(?)"
        let rows = try db.query("SELECT \(columns.joined(separator: ", ")) FROM \(source) AS u ORDER BY u.key",
                                [json.map { .text($0) } ?? .null])
        return rows.map { row in row.values.map { "\($0)" } }
    }

    static let arrays: [String] = [
        #"[{"a":1,"b":"x"},{"a":2.5,"b":null},{"b":true,"a":false}]"#,
        #"[{"a":"line\nbreak \"q\" \\ \/ \u00e9 \ud83d\ude00 tab\t \ud800 lone","b":"plain"}]"#,
        #"[{"a": {"x": [1, 2, {"y": "z w"}]}, "b": [ 1 , 2 ]}]"#,
        #"[{"a":9223372036854775807,"b":9223372036854775808},{"a":-9223372036854775808,"b":-9223372036854775809}]"#,
        #"[{"a":1e3,"b":-0.0},{"a":0,"b":12.99},{"a":-0,"b":1.7976931348623157e308},{"a":5E-324,"b":0.1}]"#,
        #"[{"a":1,"a":2},{},{"c":3}]"#,
        #"[null,{"a":null},{"a":[]}]"#,
        #"[]"#,
        "  [ \n{ \"a\" : 1 ,\t\"b\" : [ ] } , { } ]  ",
        #"[{"a":"ab\u0000cd"}]"#,
    ]

    @Test(arguments: arrays)
    func rowsAndValuesAreThoseOfJSONEachAndJSONExtract(_ json: String) throws {
        let keys = ["a", "b", "c"]
        #expect(try rows(json, keys: keys, native: true) == rows(json, keys: keys, native: false))
    }

    @Test func aNullArrayHasNoRows() throws {
        #expect(try rows(nil, keys: ["a"], native: true).isEmpty)
    }

    @Test(arguments: [#"[{"a":1},"#, #"[{"a":1}"#, #"[{"a":1},]"#, #"[{"a":"x\q"}]"#, "[{\"a\":\"tab\there\"}]", #"[01]"#, #"[1] x"#])
    func malformedJSONFailsTheStatementAsJSONEachDoes(_ json: String) {
        #expect(throws: SQLiteError.self) { _ = try rows(json, keys: ["a"], native: false) }
        #expect {
            _ = try rows(json, keys: ["a"], native: true)
        } throws: { error in
            "\(error)".contains("malformed JSON")
        }
    }

    @Test func anUnnestOfStructsReadsTheirFields() throws {
        let catalog = OneTableCatalog("shop", "carts", [
            EngineColumn("id", .int64),
            EngineColumn("items", .array(.struct([.init("sku", .string), .init("price", .float64), .init("qty", .int64)]))),
        ])
        try db.execute("""
            CREATE TABLE carts ("id", "items");
            INSERT INTO carts VALUES (1, '[{"sku":"a","price":1.5,"qty":2},{"sku":"b","price":2,"qty":null}]'), (2, '[]'), (3, NULL);
            """)
        let result = try QueryEngine.run(
            "SELECT c.id, item.sku, item.price, item.qty, o FROM shop.carts AS c CROSS JOIN UNNEST(c.items) AS item WITH OFFSET AS o ORDER BY c.id, o",
            catalog: catalog, db: db)
        #expect(result.rows.map { $0.map { "\($0)" } } == [
            ["int(1)", "text(\"a\")", "double(1.5)", "int(2)", "int(0)"],
            ["int(1)", "text(\"b\")", "double(2.0)", "null", "int(1)"],
        ])
    }
}
