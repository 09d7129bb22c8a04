import GoogleSQL
import Testing

@Suite("GoogleSQL statements")
struct GoogleSQLStatementTests {
    typealias F = GoogleSQLFixture

    static func statement(_ sql: String) throws -> Statement.Kind {
        try GoogleSQLParser.parseStatement(sql).kind
    }

    // MARK: CREATE TABLE

    @Test func createTableWithColumnSchema() throws {
        let sql = """
            CREATE TABLE mydataset.orders (
              id INT64 NOT NULL,
              note STRING(100) OPTIONS(description = 'free text'),
              amount NUMERIC(10, 2) DEFAULT 0,
              tags ARRAY<STRING>,
              customer STRUCT<name STRING NOT NULL, address STRUCT<city STRING, zip STRING>>
            )
            """
        guard case .createTable(let table) = try Self.statement(sql) else {
            Issue.record("expected CREATE TABLE")
            return
        }
        #expect(table.name.dottedName == "mydataset.orders")
        #expect(table.columns.map(\.name.name) == ["id", "note", "amount", "tags", "customer"])
        #expect(table.columns.map(\.isNotNull) == [true, false, false, false, false])
        #expect(table.columns[1].type.kind == .named("STRING", parameters: [100]))
        #expect(table.columns[1].options.map(\.name.name) == ["description"])
        #expect(table.columns[2].defaultValue?.sql == "0")
        #expect(table.columns[3].type.sql == "ARRAY<STRING>")
        #expect(table.columns[4].type.sql == "STRUCT<name STRING NOT NULL, address STRUCT<city STRING, zip STRING>>")
        #expect(table.columns[4].location == SourceLocation(line: 6, column: 3))
        #expect(!table.orReplace && !table.isTemporary && !table.ifNotExists && table.query == nil)
    }

    @Test func createTableModifiers() throws {
        guard case .createTable(let replace) = try Self.statement("CREATE OR REPLACE TEMP TABLE t (a INT64)"),
              case .createTable(let ifNotExists) = try Self.statement("CREATE TEMPORARY TABLE IF NOT EXISTS t (a INT64)")
        else {
            Issue.record("expected CREATE TABLE")
            return
        }
        #expect(replace.orReplace && replace.isTemporary && !replace.ifNotExists)
        #expect(!ifNotExists.orReplace && ifNotExists.isTemporary && ifNotExists.ifNotExists)
    }

    @Test func createTablePartitionClusterOptions() throws {
        let sql = "CREATE TABLE ds.events (ts TIMESTAMP, user_id STRING) PARTITION BY DATE(ts) CLUSTER BY user_id, ts "
            + "OPTIONS(expiration_timestamp = TIMESTAMP '2030-01-01 00:00:00 UTC', labels = [('team', 'data')])"
        guard case .createTable(let table) = try Self.statement(sql) else {
            Issue.record("expected CREATE TABLE")
            return
        }
        #expect(table.partitionBy?.sql == "DATE(ts)")
        #expect(table.clusterBy.map(\.sql) == ["user_id", "ts"])
        #expect(table.options.map(\.name.name) == ["expiration_timestamp", "labels"])
        #expect(table.options[1].value.sql == "[('team', 'data')]")
    }

    @Test func createTableAsSelect() throws {
        guard case .createTable(let table) = try Self.statement("CREATE TABLE ds.copy AS SELECT * FROM ds.original WHERE x > 1") else {
            Issue.record("expected CREATE TABLE")
            return
        }
        #expect(table.columns.isEmpty)
        #expect(table.query?.sql == "SELECT * FROM ds.original WHERE (x > 1)")
    }

    @Test func createTableWithDashedProject() throws {
        guard case .createTable(let table) = try Self.statement("CREATE TABLE my-project.ds.t (a INT64)") else {
            Issue.record("expected CREATE TABLE")
            return
        }
        #expect(table.name.components.map(\.name) == ["my-project", "ds", "t"])
    }

    @Test func createTableRendersCanonically() throws {
        let sql = "CREATE OR REPLACE TABLE ds.t (a INT64 NOT NULL, b STRUCT<x STRING NOT NULL OPTIONS(description = 'x')>) "
            + "PARTITION BY RANGE_BUCKET(a, GENERATE_ARRAY(0, 100, 10)) OPTIONS(description = 'table') AS SELECT 1 AS a, STRUCT('x' AS x) AS b"
        #expect(try F.canonical(sql) == sql)
    }

    // MARK: CREATE VIEW, DROP, TRUNCATE

    @Test func createView() throws {
        guard case .createView(let view) = try Self.statement("CREATE OR REPLACE VIEW ds.v (a, b) OPTIONS(description = 'v') AS SELECT 1, 2") else {
            Issue.record("expected CREATE VIEW")
            return
        }
        #expect(view.orReplace && !view.ifNotExists)
        #expect(view.columns.map(\.name) == ["a", "b"])
        #expect(view.options.count == 1)
        #expect(view.query.sql == "SELECT 1, 2")
        #expect(try F.canonical("CREATE VIEW IF NOT EXISTS ds.v AS SELECT 1") == "CREATE VIEW IF NOT EXISTS ds.v AS SELECT 1")
    }

    @Test func dropTableAndView() throws {
        guard case .drop(let drop) = try Self.statement("DROP TABLE IF EXISTS ds.t") else {
            Issue.record("expected DROP")
            return
        }
        #expect(drop.objectType == .table && drop.ifExists)
        #expect(drop.name == (try Self.path("ds.t", column: 22)))
        #expect(try F.canonical("drop view ds.v") == "DROP VIEW ds.v")
    }

    @Test func truncateTable() throws {
        #expect(try F.canonical("TRUNCATE TABLE `p.ds.t`") == "TRUNCATE TABLE `p.ds.t`")
    }

    // MARK: INSERT

    @Test func insertValues() throws {
        guard case .insert(let insert) = try Self.statement("INSERT INTO ds.t (a, b) VALUES (1, 'x'), (2, DEFAULT)"),
              case .values(let rows) = insert.source
        else {
            Issue.record("expected INSERT VALUES")
            return
        }
        #expect(insert.target.dottedName == "ds.t")
        #expect(insert.columns?.map(\.name) == ["a", "b"])
        #expect(rows.count == 2)
        #expect(rows[1][1].kind == .defaultValue)
    }

    @Test func insertWithoutIntoOrColumns() throws {
        guard case .insert(let insert) = try Self.statement("INSERT ds.t VALUES (1)") else {
            Issue.record("expected INSERT")
            return
        }
        #expect(insert.columns == nil)
        #expect(try F.canonical("INSERT ds.t VALUES (1)") == "INSERT INTO ds.t VALUES (1)")
    }

    @Test func insertSelect() throws {
        #expect(try F.canonical("INSERT INTO t (a) SELECT x FROM u") == "INSERT INTO t (a) SELECT x FROM u")
        #expect(try F.canonical("INSERT t (SELECT x FROM u)") == "INSERT INTO t (SELECT x FROM u)")
        #expect(try F.canonical("INSERT t WITH w AS (SELECT 1 AS x) SELECT x FROM w") == "INSERT INTO t WITH w AS (SELECT 1 AS x) SELECT x FROM w")
    }

    // MARK: UPDATE and DELETE

    @Test func updateWithAliasStructFieldAndFrom() throws {
        let sql = "UPDATE ds.inventory AS i SET quantity = i.quantity + s.delta, i.detail.color = 'red', note = DEFAULT "
            + "FROM ds.shipments s WHERE i.product = s.product"
        guard case .update(let update) = try Self.statement(sql) else {
            Issue.record("expected UPDATE")
            return
        }
        #expect(update.alias?.name == "i")
        #expect(update.assignments.map(\.target.dottedName) == ["quantity", "i.detail.color", "note"])
        #expect(update.assignments[2].value.kind == .defaultValue)
        #expect(update.from?.sql == "ds.shipments AS s")
        #expect(update.whereCondition.sql == "(i.product = s.product)")
    }

    @Test func deleteWithAndWithoutFrom() throws {
        #expect(try F.canonical("DELETE FROM ds.t WHERE x < 0") == "DELETE FROM ds.t WHERE (x < 0)")
        #expect(try F.canonical("DELETE ds.t t WHERE true") == "DELETE FROM ds.t AS t WHERE TRUE")
    }

    // MARK: MERGE

    @Test func mergeWithEveryClauseKind() throws {
        let sql = """
            MERGE INTO ds.target T
            USING (SELECT * FROM ds.source) AS S
            ON T.id = S.id
            WHEN MATCHED AND S.deleted THEN DELETE
            WHEN MATCHED THEN UPDATE SET value = S.value
            WHEN NOT MATCHED BY TARGET THEN INSERT (id, value) VALUES (S.id, S.value)
            WHEN NOT MATCHED THEN INSERT ROW
            WHEN NOT MATCHED BY SOURCE AND T.keep = FALSE THEN DELETE
            """
        guard case .merge(let merge) = try Self.statement(sql) else {
            Issue.record("expected MERGE")
            return
        }
        #expect(merge.target.dottedName == "ds.target")
        #expect(merge.alias?.name == "T")
        #expect(merge.source.sql == "(SELECT * FROM ds.source) AS S")
        #expect(merge.condition.sql == "(T.id = S.id)")
        #expect(merge.clauses.map(\.match) == [.matched, .matched, .notMatchedByTarget, .notMatchedByTarget, .notMatchedBySource])
        #expect(merge.clauses[0].condition?.sql == "S.deleted")
        #expect(merge.clauses[0].action == .delete)
        #expect(merge.clauses[3].action == .insert(columns: nil, values: .row))
        #expect(merge.clauses[4].location == SourceLocation(line: 8, column: 1))
        guard case .insert(let columns, .values(let values)) = merge.clauses[2].action else {
            Issue.record("expected INSERT VALUES")
            return
        }
        #expect(columns?.map(\.name) == ["id", "value"])
        #expect(values.map(\.sql) == ["S.id", "S.value"])
    }

    @Test func mergeFromATableRendersCanonically() throws {
        let sql = "MERGE INTO t USING s ON (t.k = s.k) WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED BY TARGET THEN INSERT (k, v) VALUES (s.k, s.v)"
        #expect(try F.canonical("MERGE t USING s ON t.k = s.k WHEN MATCHED THEN UPDATE SET v = s.v WHEN NOT MATCHED THEN INSERT (k, v) VALUES (s.k, s.v)") == sql)
    }

    // MARK: Scripts

    @Test func scriptsSplitOnSemicolons() throws {
        let statements = try GoogleSQLParser.parseScript("""
            CREATE TEMP TABLE t (a INT64);  -- first
            INSERT INTO t VALUES (1);
            SELECT a FROM t;
            """)
        #expect(statements.count == 3)
        #expect(statements.map(\.location) == [
            SourceLocation(line: 1, column: 1), SourceLocation(line: 2, column: 1), SourceLocation(line: 3, column: 1),
        ])
    }

    @Test func theLastSemicolonIsOptional() throws {
        #expect(try GoogleSQLParser.parseScript("SELECT 1; SELECT 2").count == 2)
    }

    @Test func anEmptyScriptHasNoStatements() throws {
        #expect(try GoogleSQLParser.parseScript("").isEmpty)
        #expect(try GoogleSQLParser.parseScript("  -- nothing\n/* at all */ ").isEmpty)
    }

    @Test func parseStatementRefusesASecondStatement() {
        #expect(throws: GoogleSQLSyntaxError.self) { try GoogleSQLParser.parseStatement("SELECT 1; SELECT 2") }
        #expect((try? GoogleSQLParser.parseStatement("SELECT 1;")) != nil)
    }

    @Test func standaloneTypes() throws {
        #expect(try GoogleSQLParser.parseType("array<struct<a int64, b string>>").sql == "ARRAY<STRUCT<a INT64, b STRING>>")
        let range = try GoogleSQLParser.parseType("RANGE<DATE>")
        guard case .range(let element) = range.kind else {
            Issue.record("expected RANGE, got \(range.kind)")
            return
        }
        #expect(element.kind == .named("DATE", parameters: []))
        #expect(element.location == SourceLocation(line: 1, column: 7))
    }

    // MARK: Helpers

    static func path(_ dotted: String, column: Int) throws -> PathExpression {
        var offset = column
        return PathExpression(dotted.split(separator: ".").map { part in
            defer { offset += part.count + 1 }
            return Identifier(String(part), at: SourceLocation(line: 1, column: offset))
        })
    }
}
