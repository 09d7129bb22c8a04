import GoogleSQL
import Testing

@Suite("GoogleSQL queries")
struct GoogleSQLQueryTests {
    typealias F = GoogleSQLFixture

    // MARK: SELECT list

    @Test func selectItemsWithAndWithoutAs() throws {
        let select = try F.select("SELECT a AS x, b y, c FROM t")
        let aliases = select.items.map { item -> String? in
            guard case .expression(_, let alias) = item.kind else { return "not an expression" }
            return alias?.name
        }
        #expect(aliases == ["x", "y", nil])
    }

    @Test func trailingCommaInTheSelectListIsAllowed() throws {
        #expect(try F.canonical("SELECT name, release_date, FROM Books") == "SELECT name, release_date FROM Books")
        #expect(try F.canonical("SELECT 1,") == "SELECT 1")
    }

    @Test func distinctAndAll() throws {
        #expect(try F.select("SELECT DISTINCT a FROM t").isDistinct)
        #expect(try !F.select("SELECT ALL a FROM t").isDistinct)
    }

    @Test func selectAsStructAndAsValue() throws {
        #expect(try F.select("SELECT AS STRUCT 1 AS a, 2 AS b").asKind == .struct)
        #expect(try F.select("SELECT DISTINCT AS VALUE x FROM t").asKind == .value)
    }

    @Test func starWithExceptAndReplace() throws {
        let select = try F.select("SELECT * EXCEPT (a, b) REPLACE (c + 1 AS c, d d2) FROM t")
        guard case .star(let modifiers) = select.items[0].kind else {
            Issue.record("expected a star, got \(select.items[0].kind)")
            return
        }
        #expect(modifiers.except.map(\.name) == ["a", "b"])
        #expect(modifiers.replace.map(\.name.name) == ["c", "d2"])
        #expect(modifiers.replace.map(\.expression.sql) == ["(c + 1)", "d"])
    }

    @Test func qualifiedStars() throws {
        #expect(try F.canonical("SELECT t.*, s.info.* EXCEPT (x) FROM t, s") == "SELECT t.*, s.info.* EXCEPT (x) FROM t, s")
        let select = try F.select("SELECT t.* FROM t")
        guard case .qualifiedStar(let base, let modifiers) = select.items[0].kind else {
            Issue.record("expected t.*, got \(select.items[0].kind)")
            return
        }
        #expect(base.sql == "t")
        #expect(modifiers == .none)
    }

    @Test func exceptAfterAStarWithoutParenthesesIsASetOperation() throws {
        guard case .setOperation(let operation) = try F.query("SELECT * EXCEPT DISTINCT SELECT 1").body else {
            Issue.record("expected a set operation")
            return
        }
        #expect(operation.operator == .exceptDistinct)
    }

    @Test func selectWithoutFrom() throws {
        #expect(try F.select("SELECT 1 + 1").from == nil)
    }

    // MARK: FROM items

    @Test func tablePathsWithAliases() throws {
        #expect(try F.canonical("SELECT * FROM dataset.orders AS o") == "SELECT * FROM dataset.orders AS o")
        #expect(try F.canonical("SELECT * FROM dataset.orders o") == "SELECT * FROM dataset.orders AS o")
    }

    @Test func dashedProjectInTheFirstPathComponent() throws {
        guard case .table(let table) = try F.from("SELECT * FROM my-project.mydataset.mytable").kind else {
            Issue.record("expected a table")
            return
        }
        #expect(table.path.components.map(\.name) == ["my-project", "mydataset", "mytable"])
        #expect(table.path.components[0].isQuoted == false)
    }

    @Test func dashedProjectWithNumbers() throws {
        guard case .table(let table) = try F.from("SELECT * FROM my-project-123.ds.t").kind else {
            Issue.record("expected a table")
            return
        }
        #expect(table.path.components.map(\.name) == ["my-project-123", "ds", "t"])
    }

    @Test func backtickPathIsOneQuotedComponent() throws {
        guard case .table(let table) = try F.from("SELECT * FROM `my-project.dataset.table` t").kind else {
            Issue.record("expected a table")
            return
        }
        #expect(table.path.components.map(\.name) == ["my-project.dataset.table"])
        #expect(table.path.components[0].isQuoted)
        #expect(table.alias?.name == "t")
    }

    @Test func mixedQuotedPath() throws {
        guard case .table(let table) = try F.from("SELECT * FROM `my-project`.dataset.`table`").kind else {
            Issue.record("expected a table")
            return
        }
        #expect(table.path.components.map(\.name) == ["my-project", "dataset", "table"])
    }

    @Test func forSystemTimeAsOf() throws {
        #expect(try F.canonical("SELECT * FROM t AS x FOR SYSTEM_TIME AS OF TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)")
            == "SELECT * FROM t AS x FOR SYSTEM_TIME AS OF TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)")
    }

    @Test func subqueryInFrom() throws {
        guard case .subquery(let query, let alias) = try F.from("SELECT x FROM (SELECT 1 AS x) AS sub").kind else {
            Issue.record("expected a subquery")
            return
        }
        #expect(alias?.name == "sub")
        #expect(query.sql == "SELECT 1 AS x")
    }

    @Test func unnestWithAliasAndOffset() throws {
        guard case .unnest(let unnest) = try F.from("SELECT * FROM UNNEST([1, 2]) AS n WITH OFFSET AS i").kind else {
            Issue.record("expected UNNEST")
            return
        }
        #expect(unnest.array.sql == "[1, 2]")
        #expect(unnest.alias?.name == "n")
        #expect(unnest.withOffset?.alias?.name == "i")
    }

    @Test func unnestWithBareOffset() throws {
        #expect(try F.canonical("SELECT * FROM UNNEST(arr) WITH OFFSET") == "SELECT * FROM UNNEST(arr) WITH OFFSET")
    }

    @Test func implicitUnnestOfAnArrayPath() throws {
        guard case .join(let join) = try F.from("SELECT item FROM t, t.items AS item WITH OFFSET pos").kind,
              case .table(let items) = join.right.kind
        else {
            Issue.record("expected a comma join with a path")
            return
        }
        #expect(join.kind == .comma)
        #expect(items.path.components.map(\.name) == ["t", "items"])
        #expect(items.alias?.name == "item")
        #expect(items.withOffset?.alias?.name == "pos")
    }

    // MARK: Joins

    @Test func joinKinds() throws {
        let cases: [(String, Join.Kind)] = [
            ("JOIN", .inner), ("INNER JOIN", .inner), ("LEFT JOIN", .left), ("LEFT OUTER JOIN", .left),
            ("RIGHT JOIN", .right), ("RIGHT OUTER JOIN", .right), ("FULL JOIN", .full), ("FULL OUTER JOIN", .full),
        ]
        for (keywords, kind) in cases {
            guard case .join(let join) = try F.from("SELECT * FROM a \(keywords) b ON a.id = b.id").kind else {
                Issue.record("\(keywords): expected a join")
                continue
            }
            #expect(join.kind == kind, "\(keywords)")
            guard case .on(let condition)? = join.condition else {
                Issue.record("\(keywords): expected ON")
                continue
            }
            #expect(condition.sql == "(a.id = b.id)")
        }
    }

    @Test func crossAndCommaJoinsHaveNoCondition() throws {
        guard case .join(let cross) = try F.from("SELECT * FROM a CROSS JOIN b").kind,
              case .join(let comma) = try F.from("SELECT * FROM a, b").kind
        else {
            Issue.record("expected joins")
            return
        }
        #expect(cross.kind == .cross && cross.condition == nil)
        #expect(comma.kind == .comma && comma.condition == nil)
    }

    @Test func joinUsing() throws {
        guard case .join(let join) = try F.from("SELECT * FROM a JOIN b USING (id, day)").kind,
              case .using(let columns)? = join.condition
        else {
            Issue.record("expected USING")
            return
        }
        #expect(columns.map(\.name) == ["id", "day"])
    }

    @Test func joinsAssociateLeft() throws {
        guard case .join(let outer) = try F.from("SELECT * FROM a JOIN b ON x JOIN c ON y, d").kind else {
            Issue.record("expected joins")
            return
        }
        #expect(outer.kind == .comma)
        #expect(outer.left.sql == "a JOIN b ON x JOIN c ON y")
        guard case .join(let middle) = outer.left.kind else {
            Issue.record("expected a nested join")
            return
        }
        #expect(middle.left.sql == "a JOIN b ON x")
        #expect(middle.right.sql == "c")
    }

    @Test func parenthesizedJoin() throws {
        guard case .join(let join) = try F.from("SELECT * FROM a LEFT JOIN (b JOIN c ON b.k = c.k) ON a.k = b.k").kind,
              case .parenthesized(let inner) = join.right.kind
        else {
            Issue.record("expected a parenthesised join on the right")
            return
        }
        #expect(inner.sql == "b JOIN c ON (b.k = c.k)")
    }

    @Test func parenthesizedJoinStartingWithASubquery() throws {
        #expect(try F.canonical("SELECT * FROM ((SELECT 1 AS k) AS x JOIN y USING (k))")
            == "SELECT * FROM ((SELECT 1 AS k) AS x JOIN y USING (k))")
    }

    // MARK: Clauses

    @Test func whereGroupByHavingQualify() throws {
        let select = try F.select("SELECT a, COUNT(*) n FROM t WHERE b > 0 GROUP BY a, 2 HAVING n > 1 QUALIFY ROW_NUMBER() OVER (ORDER BY n) = 1")
        #expect(select.whereCondition?.sql == "(b > 0)")
        guard case .items(let items)? = select.groupBy?.kind else {
            Issue.record("expected GROUP BY items")
            return
        }
        #expect(items.map(\.location) == [SourceLocation(line: 1, column: 50), SourceLocation(line: 1, column: 53)])
        #expect(items.map { item in
            guard case .expression(let expression) = item.kind else { return "not an expression" }
            return expression.sql
        } == ["a", "2"])
        #expect(select.having?.sql == "(n > 1)")
        #expect(select.qualify?.sql == "(ROW_NUMBER() OVER (ORDER BY n) = 1)")
    }

    @Test func rollupCubeAndGroupingSets() throws {
        #expect(try F.canonical("SELECT a, b FROM t GROUP BY ROLLUP(a, b)") == "SELECT a, b FROM t GROUP BY ROLLUP(a, b)")
        #expect(try F.canonical("SELECT a FROM t GROUP BY a, CUBE(b, c)") == "SELECT a FROM t GROUP BY a, CUBE(b, c)")
        #expect(try F.canonical("SELECT a FROM t GROUP BY GROUPING SETS ((a, b), a, (), ROLLUP(c))")
            == "SELECT a FROM t GROUP BY GROUPING SETS ((a, b), a, (), ROLLUP(c))")
    }

    @Test func groupByAll() throws {
        #expect(try F.select("SELECT a, SUM(b) FROM t GROUP BY ALL").groupBy?.kind == .all)
    }

    @Test func windowClause() throws {
        let select = try F.select("SELECT SUM(x) OVER w2 FROM t WINDOW w1 AS (PARTITION BY a), w2 AS (w1 ORDER BY b), w3 AS w2")
        #expect(select.windows.map(\.name.name) == ["w1", "w2", "w3"])
        #expect(select.windows[1].specification.baseWindow?.name == "w1")
        #expect(select.windows[2].specification.baseWindow?.name == "w2")
        #expect(try F.canonical("SELECT 1 FROM t WINDOW w1 AS (PARTITION BY a), w3 AS w1")
            == "SELECT 1 FROM t WINDOW w1 AS (PARTITION BY a), w3 AS w1")
    }

    @Test func orderByLimitOffset() throws {
        let query = try F.query("SELECT a FROM t ORDER BY a DESC NULLS FIRST, b ASC, c LIMIT 10 OFFSET 20")
        #expect(query.orderBy.map(\.direction) == [.descending, .ascending, nil])
        #expect(query.orderBy.map(\.nulls) == [.first, nil, nil])
        #expect(query.limit?.count.sql == "10")
        #expect(query.limit?.offset?.sql == "20")
    }

    @Test func limitWithParameter() throws {
        #expect(try F.query("SELECT a FROM t LIMIT @n").limit?.count.kind == .parameter(.named("n")))
    }

    // MARK: WITH

    @Test func commonTableExpressions() throws {
        let query = try F.query("WITH a AS (SELECT 1 AS x), b AS (SELECT x FROM a) SELECT * FROM b")
        #expect(query.with?.isRecursive == false)
        #expect(query.with?.tables.map(\.name.name) == ["a", "b"])
        #expect(query.with?.tables[1].query.sql == "SELECT x FROM a")
    }

    @Test func recursiveWith() throws {
        let sql = "WITH RECURSIVE n AS (SELECT 1 AS i UNION ALL SELECT (i + 1) FROM n WHERE (i < 5)) SELECT i FROM n"
        #expect(try F.query(sql).with?.isRecursive == true)
        #expect(try F.canonical(sql) == sql)
    }

    @Test func withInsideASubquery() throws {
        #expect(try F.canonical("SELECT * FROM (WITH a AS (SELECT 1) SELECT * FROM a)") == "SELECT * FROM (WITH a AS (SELECT 1) SELECT * FROM a)")
    }

    // MARK: Set operations

    @Test func setOperators() throws {
        let cases: [(String, SetOperation.Operator)] = [
            ("UNION ALL", .unionAll), ("UNION DISTINCT", .unionDistinct),
            ("INTERSECT DISTINCT", .intersectDistinct), ("EXCEPT DISTINCT", .exceptDistinct),
        ]
        for (keywords, op) in cases {
            guard case .setOperation(let operation) = try F.query("SELECT 1 \(keywords) SELECT 2").body else {
                Issue.record("\(keywords): expected a set operation")
                continue
            }
            #expect(operation.operator == op)
            #expect(operation.operands.count == 2)
        }
    }

    @Test func chainsOfOneOperatorAreFlat() throws {
        guard case .setOperation(let operation) = try F.query("SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3").body else {
            Issue.record("expected a set operation")
            return
        }
        #expect(operation.operands.count == 3)
    }

    @Test func parenthesesGroupDifferentOperators() throws {
        let sql = "(SELECT 1 UNION ALL SELECT 2) EXCEPT DISTINCT (SELECT 2 ORDER BY 1 LIMIT 1)"
        guard case .setOperation(let operation) = try F.query(sql).body,
              case .parenthesized(let right) = operation.operands[1]
        else {
            Issue.record("expected parenthesised operands")
            return
        }
        #expect(operation.operator == .exceptDistinct)
        #expect(right.orderBy.count == 1)
        #expect(right.limit != nil)
        #expect(try F.canonical(sql) == sql)
    }

    @Test func orderByAndLimitApplyToTheWholeSetOperation() throws {
        let query = try F.query("SELECT a FROM t UNION ALL SELECT a FROM u ORDER BY a LIMIT 5")
        guard case .setOperation = query.body else {
            Issue.record("expected a set operation")
            return
        }
        #expect(query.orderBy.count == 1)
        #expect(query.limit?.count.sql == "5")
    }

    @Test func parenthesizedQueryStatement() throws {
        let query = try F.query("(SELECT 1 AS x) ORDER BY x")
        guard case .parenthesized(let inner) = query.body else {
            Issue.record("expected a parenthesised query")
            return
        }
        #expect(inner.sql == "SELECT 1 AS x")
        #expect(query.orderBy.count == 1)
    }

    // MARK: Locations

    @Test func clausesKeepTheirLocations() throws {
        let select = try F.select("SELECT\n  a,\n  b\nFROM\n  dataset.t AS x")
        #expect(select.location == SourceLocation(line: 1, column: 1))
        #expect(select.items.map(\.location) == [SourceLocation(line: 2, column: 3), SourceLocation(line: 3, column: 3)])
        #expect(select.from?.location == SourceLocation(line: 5, column: 3))
        guard case .table(let table)? = select.from?.kind else {
            Issue.record("expected a table")
            return
        }
        #expect(table.alias?.location == SourceLocation(line: 5, column: 16))
    }
}
