import BigQueryEngine
import TerraceJSON
import TerraceSQLite
import Testing

/// ARRAY and STRUCT values through the whole engine (parse, check, translate, run on SQLite):
/// literals, constructors, subscripts, UNNEST, ARRAY subqueries, ARRAY_AGG and STRING_AGG.
/// Expected values are the examples of BigQuery's documentation, cited per test.
@Suite struct BigQueryEngineNestedTests {
    /// `shop.orders`: id, items ARRAY<STRUCT<sku STRING, qty INT64, price FLOAT64>>, tags ARRAY<STRING>, payload JSON.
    struct Catalog: EngineCatalog {
        let defaultProject = "p"
        func table(project: String, dataset: String, table: String) throws -> EngineTable? {
            switch (dataset, table) {
            case ("shop", "orders"):
                let item = SQLType.struct([.init("sku", .string), .init("qty", .int64), .init("price", .float64)])
                return EngineTable(name: "p.shop.orders", sqliteName: "orders", columns: [
                    EngineColumn("id", .int64), EngineColumn("items", .array(item)), EngineColumn("tags", .array(.string)),
                    EngineColumn("payload", .json),
                ])
            case ("shop", "sequences"):
                return EngineTable(name: "p.shop.sequences", sqliteName: "sequences", columns: [
                    EngineColumn("id", .int64), EngineColumn("some_numbers", .array(.int64)),
                ])
            default: return nil
            }
        }
    }

    let db: Database

    init() throws {
        db = try engineDatabase("""
            CREATE TABLE orders (id INTEGER, items TEXT, tags TEXT, payload TEXT);
            INSERT INTO orders VALUES
              (1, '[{"sku":"apple","qty":2,"price":0.5},{"sku":"pear","qty":1,"price":0.75}]', '["fruit","fresh"]',
               '{"fruits":["apples","oranges","grapes"],"n":3}'),
              (2, '[{"sku":"bread","qty":1,"price":2.25}]', '[]', '{"fruits":[]}'),
              (3, '[]', '["empty"]', NULL);
            CREATE TABLE sequences (id INTEGER, some_numbers TEXT);
            INSERT INTO sequences VALUES (1, '[0,1,1,2,3,5]'), (2, '[2,4,8,16,32]'), (3, '[5,10]');
            """)
    }

    /// The query's rows, nested values parsed as JSON and scalars as they are stored.
    func rows(_ sql: String) throws -> [[JSON]] {
        let result = try QueryEngine.run(sql, catalog: Catalog(), db: db)
        return result.rows.map { row in
            row.enumerated().map { index, value in
                switch value {
                case .null: return .null
                case .int(let n): return .int(n)
                case .double(let d): return .double(d)
                case .blob(let b): return .string("blob:\(b.count)")
                case .text(let t):
                    if case .array = result.columns[index].type { return (try? JSON.parse(t)) ?? .string(t) }
                    if case .struct = result.columns[index].type { return (try? JSON.parse(t)) ?? .string(t) }
                    return .string(t)
                }
            }
        }
    }

    func value(_ sql: String) throws -> JSON { try rows(sql)[0][0] }

    func columns(_ sql: String) throws -> [EngineColumn] { try QueryEngine.dryRun(sql, catalog: Catalog()).columns }

    func error(_ sql: String) -> String? {
        do {
            _ = try QueryEngine.run(sql, catalog: Catalog(), db: db)
            return nil
        } catch {
            return error.message
        }
    }

    // MARK: Literals and subscripts

    /// https://cloud.google.com/bigquery/docs/arrays#constructing_arrays
    @Test func arrayLiteralsTakeTheirElementsCommonSupertype() throws {
        #expect(try value("SELECT [1, 2, 3] AS numbers") == [1, 2, 3])
        #expect(try columns("SELECT [1, 2.5] AS n")[0].type == .array(.float64))
        #expect(try value("SELECT [1, 2.5][OFFSET(0)]") == 1.0)
        #expect(try value("SELECT ['apple', 'pear', 'orange'] AS fruit") == ["apple", "pear", "orange"])
        #expect(try value("SELECT [true, false] AS bools") == [true, false])
        #expect(try columns("SELECT ARRAY<FLOAT64>[1, 2, 3] AS floats")[0].type == .array(.float64))
        #expect(try columns("SELECT [DATE '2024-01-01', '2024-01-02'] AS d")[0].type == .array(.date))
    }

    @Test func arraysOfArraysAreRefused() {
        #expect(error("SELECT [[1], [2]] AS nested")?.contains("nested arrays are not supported") == true)
    }

    @Test func elementsOfNoCommonTypeAreAnError() {
        #expect(error("SELECT [1, 'a'] AS x")?.contains("do not have a common supertype") == true)
    }

    /// https://cloud.google.com/bigquery/docs/arrays#accessing_array_elements
    @Test func offsetIsZeroBasedAndOrdinalOneBased() throws {
        let got = try rows("SELECT some_numbers[OFFSET(1)] AS offset_1, some_numbers[ORDINAL(1)] AS ordinal_1 FROM shop.sequences ORDER BY id")
        #expect(got == [[1, 0], [4, 2], [10, 5]])
        #expect(try value("SELECT some_numbers[1] FROM shop.sequences WHERE id = 2") == 4)
    }

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#array_subscript_operator
    @Test func anIndexOutOfRangeIsAnErrorUnlessSafe() throws {
        #expect(error("SELECT some_numbers[OFFSET(6)] FROM shop.sequences WHERE id = 1") == "Array index 6 is out of bounds (overflow)")
        #expect(error("SELECT some_numbers[ORDINAL(0)] FROM shop.sequences WHERE id = 1") == "Array index 0 is out of bounds (underflow)")
        #expect(try value("SELECT some_numbers[SAFE_OFFSET(6)] FROM shop.sequences WHERE id = 1") == .null)
        #expect(try value("SELECT some_numbers[SAFE_ORDINAL(6)] FROM shop.sequences WHERE id = 1") == 5)
    }

    @Test func subscriptingAStringIsATypeError() {
        #expect(error("SELECT 'abc'[OFFSET(0)]")?.hasPrefix("Element access using [] is not supported on values of type STRING") == true)
    }

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/operators#json_subscript_operator
    @Test func jsonSubscriptsReadMembersAndElements() throws {
        #expect(try value("SELECT payload['fruits'][1] FROM shop.orders WHERE id = 1") == "\"oranges\"")
        #expect(try value("SELECT payload['missing'] FROM shop.orders WHERE id = 1") == .null)
    }

    // MARK: STRUCT

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#constructing_a_struct
    @Test func structConstructorsNameAndTypeTheirFields() throws {
        #expect(try columns("SELECT STRUCT(1 AS a, 'abc' AS b) AS s")[0].type == .struct([.init("a", .int64), .init("b", .string)]))
        #expect(try columns("SELECT STRUCT<x INT64, y STRING>(1, 't') AS s")[0].type == .struct([.init("x", .int64), .init("y", .string)]))
        #expect(try columns("SELECT (1, 'x') AS s")[0].type == .struct([.init("", .int64), .init("", .string)]))
        #expect(try value("SELECT STRUCT(1 AS a, 'abc' AS b).b") == "abc")
        #expect(try value("SELECT STRUCT(1 AS a, 'abc' AS b) AS s") == ["a": 1, "b": "abc"])
        #expect(try value("SELECT STRUCT<price FLOAT64>(2).price") == 2.0)
    }

    @Test func aTypedStructConstructorCoercesOrRefusesItsValues() {
        #expect(error("SELECT STRUCT<a INT64>('x') AS s")?.contains("cannot be coerced to INT64") == true)
    }

    // MARK: UNNEST

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/query-syntax#unnest_operator
    @Test func unnestWithOffsetNumbersTheElementsFromZero() throws {
        let got = try rows("""
            SELECT * FROM UNNEST(['foo', 'bar', 'baz', 'qux', 'corge', 'garply', 'waldo', 'fred']) AS element
            WITH OFFSET AS offset ORDER BY offset
            """)
        #expect(got.count == 8)
        #expect(got[0] == ["foo", 0])
        #expect(got[7] == ["fred", 7])
    }

    /// https://cloud.google.com/bigquery/docs/arrays#flattening_arrays (a correlated CROSS JOIN
    /// drops rows whose array is empty; the comma form is the same).
    @Test func correlatedUnnestFlattensAnArrayOfStructs() throws {
        let got = try rows("SELECT o.id, item.sku, qty FROM shop.orders AS o CROSS JOIN UNNEST(o.items) AS item ORDER BY item.sku")
        #expect(got == [[1, "apple", 2], [2, "bread", 1], [1, "pear", 1]])
        #expect(try rows("SELECT id, sku FROM shop.orders AS o, UNNEST(o.items) ORDER BY sku").count == 3)
        #expect(try rows("SELECT id, tag FROM shop.orders AS o, o.tags AS tag ORDER BY id, tag") == [[1, "fresh"], [1, "fruit"], [3, "empty"]])
    }

    /// https://cloud.google.com/bigquery/docs/arrays#flattening_arrays (LEFT JOIN keeps rows with empty arrays).
    @Test func leftJoinUnnestKeepsRowsWithEmptyArrays() throws {
        let got = try rows("SELECT o.id, tag FROM shop.orders AS o LEFT JOIN UNNEST(o.tags) AS tag ORDER BY o.id, tag")
        #expect(got == [[1, "fresh"], [1, "fruit"], [2, .null], [3, "empty"]])
    }

    @Test func selectStarOfAnUnnestOfStructsShowsTheFields() throws {
        #expect(try columns("SELECT * FROM UNNEST([STRUCT(1 AS a, 'x' AS b)]) AS s").map(\.name) == ["a", "b"])
        #expect(try columns("SELECT s FROM UNNEST([STRUCT(1 AS a, 'x' AS b)]) AS s")[0].type == .struct([.init("a", .int64), .init("b", .string)]))
    }

    @Test func unnestOfANonArrayIsAnError() {
        #expect(error("SELECT * FROM shop.orders AS o, UNNEST(o.id)")?
            .hasPrefix("Values referenced in UNNEST must be arrays. UNNEST contains expression of type INT64") == true)
    }

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/json_functions#json_query_array
    @Test func unnestOfJSONQueryArray() throws {
        let got = try value("""
            SELECT ARRAY(SELECT JSON_VALUE(x) FROM UNNEST(JSON_QUERY_ARRAY(payload, '$.fruits')) AS x) AS string_array
            FROM shop.orders WHERE id = 1
            """)
        #expect(got == ["apples", "oranges", "grapes"])
        #expect(try value("SELECT COUNT(*) FROM shop.orders AS o, UNNEST(JSON_QUERY_ARRAY(o.payload, '$.fruits')) AS f") == 3)
    }

    /// https://cloud.google.com/bigquery/docs/arrays#scanning_for_specific_values
    @Test func inUnnestTestsMembership() throws {
        #expect(try value("SELECT 2 IN UNNEST([0, 1, 1, 2, 3, 5]) AS contains_value") == 1)
        #expect(try value("SELECT 4 NOT IN UNNEST([0, 1, 1, 2, 3, 5])") == 1)
        #expect(try rows("SELECT id FROM shop.orders WHERE 'fresh' IN UNNEST(tags)") == [[1]])
    }

    // MARK: ARRAY subqueries and aggregates

    /// https://cloud.google.com/bigquery/docs/arrays#creating_arrays_from_subqueries
    @Test func arraySubqueriesKeepTheSubquerysOrder() throws {
        let got = try rows("SELECT ARRAY(SELECT x * 2 FROM UNNEST(some_numbers) AS x) AS doubled FROM shop.sequences ORDER BY id")
        #expect(got == [[[0, 2, 2, 4, 6, 10]], [[4, 8, 16, 32, 64]], [[10, 20]]])
        #expect(try value("SELECT ARRAY(SELECT x FROM UNNEST([3, 1, 2]) AS x ORDER BY x DESC)") == [3, 2, 1])
        #expect(try value("SELECT ARRAY(SELECT x FROM UNNEST([1]) AS x WHERE x > 5)") == [])
    }

    @Test func arraySubqueryOfStructsWithSelectAsStruct() throws {
        let type = try columns("SELECT ARRAY(SELECT AS STRUCT sku, qty FROM UNNEST(items)) AS lines FROM shop.orders")[0].type
        #expect(type == .array(.struct([.init("sku", .string), .init("qty", .int64)])))
        #expect(try value("SELECT ARRAY(SELECT AS STRUCT sku, qty FROM UNNEST(items) ORDER BY sku) FROM shop.orders WHERE id = 1")
            == [["sku": "apple", "qty": 2], ["sku": "pear", "qty": 1]])
    }

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#array_agg
    @Test func arrayAggWithDistinctIgnoreNullsOrderByAndLimit() throws {
        #expect(try value("SELECT ARRAY_AGG(x) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x") == [2, 1, -2, 3, -2, 1, 2])
        #expect(try value("SELECT ARRAY_AGG(DISTINCT x) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x") == [2, 1, -2, 3])
        #expect(try value("SELECT ARRAY_AGG(x IGNORE NULLS) AS array_agg FROM UNNEST([NULL, 1, -2, 3, -2, 1, NULL]) AS x") == [1, -2, 3, -2, 1])
        #expect(try value("SELECT ARRAY_AGG(x ORDER BY ABS(x)) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x") == [1, 1, 2, -2, -2, 2, 3])
        #expect(try value("SELECT ARRAY_AGG(x LIMIT 5) AS array_agg FROM UNNEST([2, 1, -2, 3, -2, 1, 2]) AS x") == [2, 1, -2, 3, -2])
    }

    @Test func arrayAggOfZeroRowsIsNullAndAnswersAsEmpty() throws {
        // Inside the query it is NULL; BigQuery answers a NULL array as an empty one.
        #expect(try value("SELECT ARRAY_AGG(x) IS NULL FROM UNNEST([1]) AS x WHERE x > 1") == 1)
        #expect(try value("SELECT ARRAY_AGG(x) FROM UNNEST([1]) AS x WHERE x > 1") == [])
    }

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/data-types#array_nulls
    @Test func aNullElementInAResultArrayIsAnError() {
        #expect(error("SELECT ARRAY_AGG(x) AS a FROM UNNEST([1, NULL]) AS x") == "Array cannot have a null element; error in writing field a")
    }

    @Test func theLatestRowPerKeyWithArrayAggOrderByLimitOne() throws {
        let got = try rows("""
            SELECT sku, ARRAY_AGG(STRUCT(qty, price) ORDER BY price DESC LIMIT 1)[OFFSET(0)].qty AS top_qty
            FROM (SELECT 'a' AS sku, 1 AS qty, 1.0 AS price UNION ALL SELECT 'a', 2, 3.0 UNION ALL SELECT 'b', 5, 1.0)
            GROUP BY sku ORDER BY sku
            """)
        #expect(got == [["a", 2], ["b", 5]])
    }

    @Test func distinctAndOrderByOnDifferentExpressionsIsAnError() {
        #expect(error("SELECT ARRAY_AGG(DISTINCT x ORDER BY ABS(x)) FROM UNNEST([1]) AS x")?
            .hasPrefix("An aggregate function that has both DISTINCT and ORDER BY arguments") == true)
    }

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/aggregate_functions#string_agg
    @Test func stringAggWithDelimiterDistinctOrderByAndLimit() throws {
        let fruit = "FROM UNNEST(['apple', NULL, 'pear', 'banana', 'pear']) AS fruit"
        #expect(try value("SELECT STRING_AGG(fruit) AS string_agg \(fruit)") == "apple,pear,banana,pear")
        #expect(try value("SELECT STRING_AGG(fruit, ' & ') AS string_agg \(fruit)") == "apple & pear & banana & pear")
        #expect(try value("SELECT STRING_AGG(DISTINCT fruit, ' & ') AS string_agg \(fruit)") == "apple & pear & banana")
        #expect(try value("SELECT STRING_AGG(fruit, ' & ' ORDER BY fruit) AS string_agg \(fruit)") == "apple & banana & pear & pear")
        #expect(try value("SELECT STRING_AGG(fruit, ' & ' LIMIT 2) AS string_agg \(fruit)") == "apple & pear")
        #expect(try value("SELECT STRING_AGG(DISTINCT fruit, ' & ' ORDER BY fruit DESC LIMIT 2) AS string_agg \(fruit)") == "pear & banana")
    }

    /// https://cloud.google.com/bigquery/docs/reference/standard-sql/array_functions#generate_date_array
    @Test func unnestOfGenerateDateArray() throws {
        let got = try rows("SELECT d FROM UNNEST(GENERATE_DATE_ARRAY(DATE '2016-10-05', DATE '2016-10-08')) AS d ORDER BY d")
        #expect(got == [["2016-10-05"], ["2016-10-06"], ["2016-10-07"], ["2016-10-08"]])
    }

    @Test func floatsAndBoolsSurviveTheTripThroughAnArray() throws {
        #expect(try value("SELECT x FROM UNNEST([1.5, 2.0]) AS x ORDER BY x DESC LIMIT 1") == 2.0)
        #expect(try value("SELECT [true][OFFSET(0)] AND true") == 1)
        #expect(try value("SELECT ARRAY_LENGTH(items) FROM shop.orders WHERE id = 1") == 2)
        #expect(try value("SELECT items[OFFSET(1)].price FROM shop.orders WHERE id = 1") == 0.75)
    }
}


/// Query parameters (`@name`, `?`) as the REST API sends them, read as if CAST from their text.
/// https://cloud.google.com/bigquery/docs/parameterized-queries
@Suite struct BigQueryEngineParameterTests {
    struct NoTables: EngineCatalog {
        let defaultProject = "p"
        func table(project: String, dataset: String, table: String) throws -> EngineTable? { nil }
    }

    func run(_ sql: String, _ parameters: JSON) throws -> [SQLValue] {
        try QueryEngine.run(sql, catalog: NoTables(), db: try engineDatabase(), parameters: QueryParameters(json: parameters)).rows[0]
    }

    @Test func namedScalarParametersTakeTheirTypes() throws {
        let parameters: JSON = [
            ["name": "corpus", "parameterType": ["type": "STRING"], "parameterValue": ["value": "romeoandjuliet"]],
            ["name": "min_word_count", "parameterType": ["type": "INT64"], "parameterValue": ["value": "250"]],
            ["name": "day", "parameterType": ["type": "DATE"], "parameterValue": ["value": "2024-02-29"]],
            ["name": "ts", "parameterType": ["type": "TIMESTAMP"], "parameterValue": ["value": "2024-01-01 00:00:01+00:00"]],
            ["name": "missing", "parameterType": ["type": "BOOL"], "parameterValue": [:]],
        ]
        let row = try run("SELECT @corpus, @min_word_count + 1, DATE_ADD(@day, INTERVAL 1 YEAR), @ts, @missing IS NULL, @MIN_WORD_COUNT", parameters)
        #expect(row == [.text("romeoandjuliet"), .int(251), .text("2025-02-28"), .int(1_704_067_201_000_000), .int(1), .int(250)])
    }

    @Test func positionalArrayAndStructParameters() throws {
        let parameters: JSON = [
            ["parameterType": ["type": "ARRAY", "arrayType": ["type": "INT64"]],
             "parameterValue": ["arrayValues": [["value": "1"], ["value": "2"], ["value": "3"]]]],
            ["parameterType": ["type": "STRUCT", "structTypes": [["name": "x", "type": ["type": "INT64"]], ["name": "y", "type": ["type": "STRING"]]]],
             "parameterValue": ["structValues": ["x": ["value": "1"], "y": ["value": "foo"]]]],
        ]
        let row = try run("SELECT ARRAY_LENGTH(?), 2 IN UNNEST(?), ?.y", [parameters[0]!, parameters[0]!, parameters[1]!])
        #expect(row == [.int(3), .int(1), .text("foo")])
    }

    @Test func anUndefinedParameterIsNamedWithItsLocation() {
        #expect(throws: QueryError.at(.init(line: 1, column: 8), "Query parameter 'nope' not found")) {
            try run("SELECT @nope", [])
        }
    }

    @Test func aValueThatIsNotOfItsTypeIsAnError() {
        #expect(throws: (any Error).self) {
            try run("SELECT @n", [["name": "n", "parameterType": ["type": "INT64"], "parameterValue": ["value": "abc"]]])
        }
    }
}
