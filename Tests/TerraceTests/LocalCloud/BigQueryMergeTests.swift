import TerraceJSON
import Testing

/// MERGE and UPDATE … FROM through jobs.query. Expected tables, counts and messages follow
/// BigQuery's DML reference (its examples are reused where they fit):
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax#merge_statement
/// https://cloud.google.com/bigquery/docs/reference/standard-sql/dml-syntax#update_statement
struct BigQueryMergeTests: BigQueryStatementSuite {
    private func message(_ answer: JSON) -> String? { answer["error"]?["message"]?.stringValue }

    /// The `statementType` of the job behind a jobs.query answer.
    private func statementType(_ cloud: TestCloud, _ answer: JSON) async throws -> String? {
        let id = try #require(answer["jobReference"]?["jobId"]?.stringValue)
        let job = try await cloud.call("GET", "/bigquery/v2/projects/\(BQ.project)/jobs/\(id)").body
        return job["statistics"]?["query"]?["statementType"]?.stringValue
    }

    /// The reference's `Inventory` (product, quantity, supply_constrained) and `NewArrivals`
    /// (product, quantity, warehouse), with the rows of its MERGE example 2.
    private func withInventory(_ body: (TestCloud) async throws -> Void) async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.inventory (product STRING, quantity INT64, supply_constrained BOOL)")
            try await run(cloud, """
                INSERT m.inventory VALUES ('dishwasher', 30, false), ('dryer', 30, false), ('front load washer', 20, false),
                  ('microwave', 20, false), ('oven', 5, true), ('top load washer', 10, true)
                """)
            try await run(cloud, "CREATE TABLE m.new_arrivals (product STRING, quantity INT64, warehouse STRING)")
            try await run(cloud, """
                INSERT m.new_arrivals VALUES ('dryer', 20, 'warehouse #2'), ('oven', 30, 'warehouse #3'),
                  ('refrigerator', 25, 'warehouse #2'), ('top load washer', 10, 'warehouse #1')
                """)
            try await body(cloud)
        }
    }

    /// A target `m.t` (id, v) with rows (1, a), (2, b) and a source `m.s` (id, v) with (2, x), (3, y).
    private func withPair(_ body: (TestCloud) async throws -> Void) async throws {
        try await withDataset { cloud in
            try await run(cloud, "CREATE TABLE m.t AS SELECT 1 AS id, 'a' AS v UNION ALL SELECT 2, 'b'")
            try await run(cloud, "CREATE TABLE m.s AS SELECT 2 AS id, 'x' AS v UNION ALL SELECT 3, 'y'")
            try await body(cloud)
        }
    }

    // MARK: Clauses

    @Test func anUpsertUpdatesMatchedRowsAndInsertsTheOthers() async throws {
        try await withInventory { cloud in
            // MERGE example 2: the Inventory table after it, and 3 updated + 1 inserted rows.
            let answer = try await run(cloud, """
                MERGE m.inventory T USING m.new_arrivals S ON T.product = S.product
                WHEN MATCHED THEN UPDATE SET quantity = T.quantity + S.quantity
                WHEN NOT MATCHED THEN INSERT (product, quantity) VALUES (product, quantity)
                """)
            #expect(answer["numDmlAffectedRows"] == "4")
            #expect(try await statementType(cloud, answer) == "MERGE")
            #expect(try await rows(cloud, "SELECT product, quantity, supply_constrained FROM m.inventory ORDER BY product") == [
                ["dishwasher", "30", "false"], ["dryer", "50", "false"], ["front load washer", "20", "false"], ["microwave", "20", "false"],
                ["oven", "35", "true"], ["refrigerator", "25", nil], ["top load washer", "20", "true"],
            ])
            let table = try await cloud.call("GET", BQ.table("m", "inventory")).body
            #expect(table["numRows"] == "7")
        }
    }

    @Test func aMatchedDeleteWithAConditionDeletesOnlyTheRowsItHoldsFor() async throws {
        try await withInventory { cloud in
            let answer = try await run(cloud, """
                MERGE m.inventory T USING m.new_arrivals S ON T.product = S.product
                WHEN MATCHED AND S.quantity > 15 THEN DELETE
                """)
            #expect(answer["numDmlAffectedRows"] == "2")
            #expect(try await rows(cloud, "SELECT product FROM m.inventory ORDER BY product") ==
                [["dishwasher"], ["front load washer"], ["microwave"], ["top load washer"]])
        }
    }

    @Test func onlyTheFirstClauseWhoseConditionHoldsApplies() async throws {
        try await withInventory { cloud in
            // MERGE example 3 (a subquery source): warehouse #1 rows are updated, the other
            // matched rows fall through to DELETE; warehouse #2 rows are not in the source.
            let answer = try await run(cloud, """
                MERGE m.new_arrivals T
                USING (SELECT * FROM m.new_arrivals WHERE warehouse <> 'warehouse #2') S
                ON T.product = S.product
                WHEN MATCHED AND T.warehouse = 'warehouse #1' THEN UPDATE SET quantity = T.quantity + 20
                WHEN MATCHED THEN DELETE
                """)
            #expect(answer["numDmlAffectedRows"] == "2")
            #expect(try await rows(cloud, "SELECT product, quantity, warehouse FROM m.new_arrivals ORDER BY product") == [
                ["dryer", "20", "warehouse #2"], ["refrigerator", "25", "warehouse #2"], ["top load washer", "30", "warehouse #1"],
            ])
        }
    }

    @Test func aLaterClauseDoesNotApplyWhereAnEarlierOneDid() async throws {
        try await withPair { cloud in
            try await run(cloud, """
                MERGE m.t USING m.s ON t.id = s.id
                WHEN MATCHED AND s.v = 'x' THEN UPDATE SET v = 'first'
                WHEN MATCHED THEN UPDATE SET v = 'second'
                WHEN NOT MATCHED AND s.id > 100 THEN INSERT (id, v) VALUES (s.id, 'big')
                WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, 'small')
                """)
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "a"], ["2", "first"], ["3", "small"]])
        }
    }

    @Test func notMatchedBySourceDeletesTargetRowsNoSourceRowMatches() async throws {
        try await withInventory { cloud in
            try await run(cloud, """
                MERGE m.inventory T USING m.new_arrivals S ON T.product = S.product
                WHEN MATCHED THEN UPDATE SET quantity = T.quantity + S.quantity
                WHEN NOT MATCHED THEN INSERT (product, quantity) VALUES (product, quantity)
                """)
            try await run(cloud, "DELETE m.new_arrivals WHERE product = 'oven'")
            try await run(cloud, "UPDATE m.new_arrivals SET quantity = 30, warehouse = 'warehouse #1' WHERE product = 'top load washer'")
            // MERGE example 4: ON FALSE replaces the washers with the source's.
            let answer = try await run(cloud, """
                MERGE m.inventory T USING m.new_arrivals S ON FALSE
                WHEN NOT MATCHED AND product LIKE '%washer%' THEN INSERT (product, quantity) VALUES (product, quantity)
                WHEN NOT MATCHED BY SOURCE AND product LIKE '%washer%' THEN DELETE
                """)
            #expect(answer["numDmlAffectedRows"] == "4")
            #expect(try await rows(cloud, "SELECT product, quantity FROM m.inventory ORDER BY product") == [
                ["dryer", "50"], ["microwave", "20"], ["oven", "35"], ["refrigerator", "25"], ["top load washer", "30"],
            ])
        }
    }

    @Test func notMatchedBySourceUpdatesTargetRowsNoSourceRowMatches() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t USING m.s ON t.id = s.id WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = CONCAT(v, '?')")
            #expect(answer["numDmlAffectedRows"] == "1")
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "a?"], ["2", "b"]])
        }
    }

    @Test func insertRowInsertsTheSourceColumnsByPosition() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t USING (SELECT id * 10 AS n, UPPER(v) AS w FROM m.s) AS s ON t.id = s.n WHEN NOT MATCHED THEN INSERT ROW")
            #expect(answer["numDmlAffectedRows"] == "2")
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "a"], ["2", "b"], ["20", "X"], ["30", "Y"]])
        }
    }

    @Test func insertRowNeedsAsManySourceColumnsAsTargetColumns() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t USING (SELECT 5 AS id, 'e' AS v, 0 AS extra) AS s ON FALSE WHEN NOT MATCHED THEN INSERT ROW",
                                       status: 400)
            #expect(message(answer)?.hasPrefix("Inserted row has wrong column count; Has 3, expected 2 at [1:") == true)
        }
    }

    @Test func insertWithoutAColumnListFillsEveryTargetColumnInOrder() async throws {
        try await withPair { cloud in
            try await run(cloud, "MERGE m.t USING m.s ON t.id = s.id WHEN NOT MATCHED THEN INSERT VALUES (s.id + 100, 'new')")
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "a"], ["2", "b"], ["103", "new"]])
        }
    }

    @Test func aMergeIntoATableWithNoRowsYetInsertsTheSource() async throws {
        try await withPair { cloud in
            try await BQ.createTable(cloud, "m", "empty", ["schema": BQ.schema(BQ.field("id", "INT64"), BQ.field("v", "STRING"))])
            let answer = try await run(cloud, """
                MERGE m.empty e USING m.s ON e.id = s.id
                WHEN MATCHED THEN UPDATE SET v = s.v
                WHEN NOT MATCHED THEN INSERT ROW
                """)
            #expect(answer["numDmlAffectedRows"] == "2")
            #expect(try await rows(cloud, "SELECT id, v FROM m.empty ORDER BY id") == [["2", "x"], ["3", "y"]])
            let table = try await cloud.call("GET", BQ.table("m", "empty")).body
            #expect(table["numRows"] == "2")
        }
    }

    // MARK: Snapshot and atomicity

    @Test func everythingIsDecidedOnTheTableAsItWasBeforeTheStatement() async throws {
        try await withPair { cloud in
            // Rows the MERGE inserts match nothing and are not updated by NOT MATCHED BY SOURCE;
            // the subquery counts the target's rows before the statement, for every inserted row.
            let answer = try await run(cloud, """
                MERGE m.t USING (SELECT 2 AS id UNION ALL SELECT 3 UNION ALL SELECT 4) AS s ON t.id = s.id
                WHEN MATCHED THEN UPDATE SET v = 'matched'
                WHEN NOT MATCHED THEN INSERT (id, v) VALUES (id, CAST((SELECT COUNT(*) FROM m.t) AS STRING))
                WHEN NOT MATCHED BY SOURCE THEN UPDATE SET v = 'unmatched'
                """)
            #expect(answer["numDmlAffectedRows"] == "4")
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "unmatched"], ["2", "matched"], ["3", "2"], ["4", "2"]])
        }
    }

    @Test func aTargetRowMatchedByTwoSourceRowsFailsTheStatementAndChangesNothing() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, """
                MERGE m.t USING (SELECT 1 AS id, 'x' AS v UNION ALL SELECT 1, 'y' UNION ALL SELECT 9, 'z') AS s ON t.id = s.id
                WHEN MATCHED THEN UPDATE SET v = s.v
                WHEN NOT MATCHED THEN INSERT ROW
                """, status: 400)
            #expect(message(answer) == "UPDATE/MERGE must match at most one source row for each target row")
            #expect(answer.errorReason == "invalidQuery")
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "a"], ["2", "b"]])
            let table = try await cloud.call("GET", BQ.table("m", "t")).body
            #expect(table["numRows"] == "2")
        }
    }

    @Test func aMergeThatOnlyDeletesMayMatchATargetRowTwice() async throws {
        try await withPair { cloud in
            // The runtime error needs a MATCHED clause that updates (merge_statement, matched_clause).
            let answer = try await run(cloud, "MERGE m.t USING (SELECT 1 AS id UNION ALL SELECT 1) AS s ON t.id = s.id WHEN MATCHED THEN DELETE")
            #expect(answer["numDmlAffectedRows"] == "1")
            #expect(try await rows(cloud, "SELECT id FROM m.t") == [["2"]])
        }
    }

    @Test func anErrorMidwayLeavesTheTableUnchanged() async throws {
        try await withPair { cloud in
            try await run(cloud, "INSERT m.t (id, v) VALUES (9223372036854775807, 'max')")
            let answer = try await run(cloud, """
                MERGE m.t USING m.s ON t.id = s.id
                WHEN MATCHED THEN UPDATE SET v = 'changed'
                WHEN NOT MATCHED BY SOURCE THEN UPDATE SET id = id + 1
                """, status: 400)
            #expect(message(answer)?.hasPrefix("int64 overflow") == true)
            #expect(try await rows(cloud, "SELECT v FROM m.t ORDER BY id") == [["a"], ["b"], ["max"]])
        }
    }

    // MARK: Statistics

    @Test func bytesProcessedAreTheTargetsAndTheSourcesLogicalBytes() async throws {
        try await withPair { cloud in
            let target = try await cloud.call("GET", BQ.table("m", "t")).body["numBytes"]?.intValue ?? 0
            let source = try await cloud.call("GET", BQ.table("m", "s")).body["numBytes"]?.intValue ?? 0
            #expect(target > 0 && source > 0)
            let answer = try await run(cloud, "MERGE m.t USING m.s ON t.id = s.id WHEN MATCHED THEN DELETE")
            #expect(answer["totalBytesProcessed"]?.intValue == target + source)
        }
    }

    // MARK: Names and types

    @Test func anInsertColumnTheTargetLacksIsRefused() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t t USING m.s s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id, nope) VALUES (s.id, s.v)",
                                       status: 400)
            #expect(message(answer) == "Column nope is not present in target table at [1:74]")
        }
    }

    @Test func notMatchedByTargetClausesSeeOnlyTheSource() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t t USING m.s s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id, v) VALUES (s.id, t.v)",
                                       status: 400)
            #expect(message(answer) == "Unrecognized name: t at [1:91]")
        }
    }

    @Test func notMatchedBySourceClausesSeeOnlyTheTarget() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t t USING m.s s ON t.id = s.id WHEN NOT MATCHED BY SOURCE AND s.v = 'x' THEN DELETE",
                                       status: 400)
            #expect(message(answer) == "Unrecognized name: s at [1:71]")
        }
    }

    @Test func aNameBothSidesHaveIsAmbiguousUnqualified() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t t USING m.s s ON id = s.id WHEN MATCHED THEN DELETE", status: 400)
            #expect(message(answer) == "Column name id is ambiguous at [1:28]")
        }
    }

    @Test func conditionsMustBeBool() async throws {
        try await withPair { cloud in
            let on = try await run(cloud, "MERGE m.t t USING m.s s ON t.id WHEN MATCHED THEN DELETE", status: 400)
            #expect(message(on) == "merge condition should return type BOOL, but returns INT64 at [1:28]")
            let and = try await run(cloud, "MERGE m.t t USING m.s s ON t.id = s.id WHEN MATCHED AND t.id THEN DELETE", status: 400)
            #expect(message(and) == "match condition should return type BOOL, but returns INT64 at [1:57]")
        }
    }

    @Test func insertedValuesMustSuitTheirColumns() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t t USING m.s s ON t.id = s.id WHEN NOT MATCHED THEN INSERT (id) VALUES (s.v)", status: 400)
            #expect(message(answer) == "Value has type STRING which cannot be inserted into column of type INT64 at [1:82]")
        }
    }

    @Test func anUpdateOfAColumnTheTargetLacksIsRefused() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t t USING m.s s ON t.id = s.id WHEN MATCHED THEN UPDATE SET t.nope = s.v", status: 400)
            #expect(message(answer) == "Name nope not found inside t at [1:71]")
        }
    }

    @Test func theSourceMayNotReuseTheTargetsName() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "MERGE m.t USING m.t ON TRUE WHEN MATCHED THEN DELETE", status: 400)
            #expect(message(answer) == "Alias t in the source was already defined as the MERGE target at [1:17]")
        }
    }

    // MARK: UPDATE … FROM

    @Test func updateFromUpdatesEachRowWithItsJoinedRow() async throws {
        try await withInventory { cloud in
            // "UPDATE using joins": the WHERE clause joins the target and the FROM items.
            let answer = try await run(cloud, """
                UPDATE m.inventory i SET quantity = i.quantity + n.quantity, supply_constrained = false
                FROM m.new_arrivals n WHERE i.product = n.product
                """)
            #expect(answer["numDmlAffectedRows"] == "3")
            #expect(try await statementType(cloud, answer) == "UPDATE")
            #expect(try await rows(cloud, "SELECT product, quantity, supply_constrained FROM m.inventory ORDER BY product") == [
                ["dishwasher", "30", "false"], ["dryer", "50", "false"], ["front load washer", "20", "false"], ["microwave", "20", "false"],
                ["oven", "35", "false"], ["top load washer", "20", "false"],
            ])
        }
    }

    @Test func updateFromAJoinOfSeveralItems() async throws {
        try await withInventory { cloud in
            try await run(cloud, "CREATE TABLE m.warehouses AS SELECT 'warehouse #1' AS warehouse, 'WA' AS state UNION ALL SELECT 'warehouse #2', 'CA'")
            let answer = try await run(cloud, """
                UPDATE m.inventory SET supply_constrained = true
                FROM m.new_arrivals JOIN m.warehouses ON new_arrivals.warehouse = warehouses.warehouse
                WHERE inventory.product = new_arrivals.product AND warehouses.state = 'WA'
                """)
            #expect(answer["numDmlAffectedRows"] == "1")
            #expect(try await rows(cloud, "SELECT product FROM m.inventory WHERE supply_constrained ORDER BY product") ==
                [["oven"], ["top load washer"]])
        }
    }

    @Test func updateFromFailsWhenARowJoinsTwoFromRows() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "UPDATE m.t SET v = s.v FROM (SELECT 1 AS id, 'x' AS v UNION ALL SELECT 1, 'y') AS s WHERE t.id = s.id",
                                       status: 400)
            #expect(message(answer) == "UPDATE/MERGE must match at most one source row for each target row")
            #expect(try await rows(cloud, "SELECT id, v FROM m.t ORDER BY id") == [["1", "a"], ["2", "b"]])
        }
    }

    @Test func updateFromTheTargetItselfNeedsAnAlias() async throws {
        try await withPair { cloud in
            let answer = try await run(cloud, "UPDATE m.t SET v = t.v FROM m.t WHERE TRUE", status: 400)
            #expect(message(answer) == "Alias t in the FROM clause was already defined as the UPDATE target at [1:29]")
        }
    }
}
