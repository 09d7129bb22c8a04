import GoogleSQL
import Testing

@Suite("GoogleSQL expressions")
struct GoogleSQLExpressionTests {
    typealias F = GoogleSQLFixture

    // MARK: Precedence (BigQuery's operators page)

    @Test func orAndNotAndComparisonGroupAsDocumented() throws {
        #expect(try F.canonical(expression: "a OR b AND NOT c = d") == "(a OR (b AND (NOT (c = d))))")
    }

    @Test func unaryMinusBindsTighterThanMultiplication() throws {
        #expect(try F.canonical(expression: "-2 * 3 + 4") == "(((-2) * 3) + 4)")
    }

    @Test func multiplicationBeforeAddition() throws {
        #expect(try F.canonical(expression: "1 + 2 * 3") == "(1 + (2 * 3))")
    }

    @Test func concatenationSharesTheMultiplicativeLevel() throws {
        #expect(try F.canonical(expression: "a || b + c") == "((a || b) + c)")
        #expect(try F.canonical(expression: "a * b || c") == "((a * b) || c)")
    }

    @Test func shiftsBindLooserThanAddition() throws {
        #expect(try F.canonical(expression: "1 << 2 + 3") == "(1 << (2 + 3))")
    }

    @Test func bitwiseAndThenXorThenOr() throws {
        #expect(try F.canonical(expression: "a | b ^ c & d") == "(a | (b ^ (c & d)))")
    }

    @Test func bitwiseOrBindsTighterThanComparison() throws {
        #expect(try F.canonical(expression: "a | b = c >> 1") == "((a | b) = (c >> 1))")
    }

    @Test func sameLevelOperatorsAssociateLeft() throws {
        #expect(try F.canonical(expression: "a - b - c") == "((a - b) - c)")
        #expect(try F.canonical(expression: "x / y * z") == "((x / y) * z)")
        #expect(try F.canonical(expression: "a AND b AND c") == "((a AND b) AND c)")
    }

    @Test func unaryOperatorsNest() throws {
        #expect(try F.canonical(expression: "~a + -b") == "((~a) + (-b))")
        #expect(try F.canonical(expression: "- -1") == "(-(-1))")
        #expect(try F.canonical(expression: "NOT NOT x") == "(NOT (NOT x))")
    }

    @Test func unaryMinusAppliesAfterFieldAccess() throws {
        #expect(try F.canonical(expression: "-a.b[0]") == "(-a.b[0])")
    }

    @Test func parenthesesOverridePrecedence() throws {
        #expect(try F.canonical(expression: "(1 + 2) * 3") == "((1 + 2) * 3)")
    }

    @Test func notEqualSpellingsAreOneOperator() throws {
        let bang = try F.expression("a != b"), angle = try F.expression("a <> b")
        guard case .binary(.notEqual, _, _) = bang.kind, case .binary(.notEqual, _, _) = angle.kind else {
            Issue.record("expected notEqual, got \(bang.kind) and \(angle.kind)")
            return
        }
    }

    // MARK: Comparisons

    @Test func allComparisonOperators() throws {
        #expect(try F.canonical(expression: "a = 1 OR a < 1 OR a > 1 OR a <= 1 OR a >= 1")
            == "(((((a = 1) OR (a < 1)) OR (a > 1)) OR (a <= 1)) OR (a >= 1))")
    }

    @Test func likeAndNotLike() throws {
        #expect(try F.canonical(expression: "name LIKE 'a%' AND name NOT LIKE '%z'") == "((name LIKE 'a%') AND (name NOT LIKE '%z'))")
    }

    @Test func betweenTakesBitwiseOperandsAndItsOwnAnd() throws {
        #expect(try F.canonical(expression: "x BETWEEN a | b AND c AND d") == "((x BETWEEN (a | b) AND c) AND d)")
    }

    @Test func notBetween() throws {
        let expression = try F.expression("x NOT BETWEEN 1 AND 10")
        guard case .between(_, let lower, let upper, isNegated: true) = expression.kind else {
            Issue.record("expected NOT BETWEEN, got \(expression.kind)")
            return
        }
        #expect(lower.sql == "1" && upper.sql == "10")
    }

    @Test func inListSubqueryAndUnnest() throws {
        #expect(try F.canonical(expression: "x IN (1, 2, 3)") == "(x IN (1, 2, 3))")
        #expect(try F.canonical(expression: "x NOT IN (SELECT y FROM t)") == "(x NOT IN (SELECT y FROM t))")
        #expect(try F.canonical(expression: "x IN UNNEST(@ids)") == "(x IN UNNEST(@ids))")
        #expect(try F.canonical(expression: "x IN ((SELECT 1) UNION ALL (SELECT 2))") == "(x IN ((SELECT 1) UNION ALL (SELECT 2)))")
    }

    @Test func inListWhoseFirstValueIsParenthesized() throws {
        #expect(try F.canonical(expression: "x IN ((1 + 2), 4)") == "(x IN ((1 + 2), 4))")
    }

    @Test func isTests() throws {
        #expect(try F.canonical(expression: "a IS NULL") == "(a IS NULL)")
        #expect(try F.canonical(expression: "a IS NOT TRUE") == "(a IS NOT TRUE)")
        #expect(try F.canonical(expression: "a IS FALSE") == "(a IS FALSE)")
    }

    @Test func isDistinctFrom() throws {
        #expect(try F.canonical(expression: "a IS NOT DISTINCT FROM b + 1") == "(a IS NOT DISTINCT FROM (b + 1))")
    }

    // MARK: CASE, CAST, EXTRACT, INTERVAL

    @Test func searchedCase() throws {
        #expect(try F.canonical(expression: "CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END")
            == "CASE WHEN (a > 0) THEN 'pos' WHEN (a < 0) THEN 'neg' ELSE 'zero' END")
    }

    @Test func simpleCase() throws {
        let expression = try F.expression("CASE x WHEN 1 THEN 'one' END")
        guard case .caseWhen(let value) = expression.kind else {
            Issue.record("expected CASE, got \(expression.kind)")
            return
        }
        #expect(value.operand?.sql == "x")
        #expect(value.branches.count == 1)
        #expect(value.elseResult == nil)
    }

    @Test func castWithParameterizedTypes() throws {
        #expect(try F.canonical(expression: "CAST(x AS string(10))") == "CAST(x AS STRING(10))")
        #expect(try F.canonical(expression: "SAFE_CAST(x AS NUMERIC(10, 2))") == "SAFE_CAST(x AS NUMERIC(10, 2))")
    }

    @Test func castToArrayAndStructTypes() throws {
        #expect(try F.canonical(expression: "CAST(x AS ARRAY<STRUCT<a INT64, b ARRAY<STRING>>>)")
            == "CAST(x AS ARRAY<STRUCT<a INT64, b ARRAY<STRING>>>)")
    }

    @Test func castWithFormatAndTimeZone() throws {
        #expect(try F.canonical(expression: "CAST(ts AS STRING FORMAT 'YYYY' AT TIME ZONE 'UTC')")
            == "CAST(ts AS STRING FORMAT 'YYYY' AT TIME ZONE 'UTC')")
    }

    @Test func safeCastIsMarked() throws {
        let expression = try F.expression("SAFE_CAST('1' AS INT64)")
        guard case .cast(let cast) = expression.kind else {
            Issue.record("expected a cast, got \(expression.kind)")
            return
        }
        #expect(cast.isSafe)
        #expect(cast.type.kind == .named("INT64", parameters: []))
    }

    @Test func extractParts() throws {
        #expect(try F.canonical(expression: "EXTRACT(DAYOFWEEK FROM d)") == "EXTRACT(DAYOFWEEK FROM d)")
        #expect(try F.canonical(expression: "EXTRACT(WEEK(MONDAY) FROM d)") == "EXTRACT(WEEK(MONDAY) FROM d)")
        #expect(try F.canonical(expression: "EXTRACT(DATE FROM ts AT TIME ZONE 'Europe/Paris')")
            == "EXTRACT(DATE FROM ts AT TIME ZONE 'Europe/Paris')")
    }

    @Test func intervalsInDateArithmetic() throws {
        #expect(try F.canonical(expression: "DATE_ADD(d, INTERVAL 1 DAY)") == "DATE_ADD(d, INTERVAL 1 DAY)")
        #expect(try F.canonical(expression: "ts - INTERVAL -5 MINUTE") == "(ts - INTERVAL (-5) MINUTE)")
        #expect(try F.canonical(expression: "INTERVAL '1-2' YEAR TO MONTH") == "INTERVAL '1-2' YEAR TO MONTH")
    }

    @Test func intervalParts() throws {
        let expression = try F.expression("INTERVAL @n HOUR")
        guard case .interval(let interval) = expression.kind else {
            Issue.record("expected an interval, got \(expression.kind)")
            return
        }
        #expect(interval.value.kind == .parameter(.named("n")))
        #expect(interval.part.name.name == "HOUR")
        #expect(interval.endPart == nil)
    }

    @Test func dateTruncWithWeekday() throws {
        let expression = try F.expression("DATE_TRUNC(d, WEEK(MONDAY))")
        guard case .function(let call) = expression.kind, case .function(let week) = call.arguments[1].kind else {
            Issue.record("expected nested calls, got \(expression.kind)")
            return
        }
        #expect(call.dottedName == "DATE_TRUNC")
        #expect(week.dottedName == "WEEK")
        #expect(week.arguments.map(\.sql) == ["MONDAY"])
    }

    // MARK: Function calls

    @Test func currentDateFamilyWithoutParentheses() throws {
        for name in ["CURRENT_DATE", "current_timestamp", "CURRENT_DATETIME", "CURRENT_TIME"] {
            let expression = try F.expression(name)
            guard case .function(let call) = expression.kind else {
                Issue.record("\(name) should be a call, got \(expression.kind)")
                continue
            }
            #expect(call.dottedName == name && call.arguments.isEmpty)
        }
        #expect(try F.canonical(expression: "CURRENT_TIMESTAMP()") == "CURRENT_TIMESTAMP()")
    }

    @Test func safePrefixIsLiftedFromTheName() throws {
        let expression = try F.expression("SAFE.SUBSTR(s, 2)")
        guard case .function(let call) = expression.kind else {
            Issue.record("expected a call, got \(expression.kind)")
            return
        }
        #expect(call.isSafe)
        #expect(call.dottedName == "SUBSTR")
        #expect(expression.sql == "SAFE.SUBSTR(s, 2)")
    }

    @Test func namespacedFunctions() throws {
        #expect(try F.canonical(expression: "NET.HOST(url)") == "NET.HOST(url)")
        #expect(try F.canonical(expression: "KEYS.NEW_KEYSET('AEAD_AES_GCM_256')") == "KEYS.NEW_KEYSET('AEAD_AES_GCM_256')")
        #expect(try F.canonical(expression: "SAFE.NET.HOST(url)") == "SAFE.NET.HOST(url)")
    }

    @Test func countStarAndDistinct() throws {
        #expect(try F.canonical(expression: "COUNT(*)") == "COUNT(*)")
        #expect(try F.canonical(expression: "COUNT(DISTINCT x)") == "COUNT(DISTINCT x)")
    }

    @Test func aggregateModifiers() throws {
        let expression = try F.expression("STRING_AGG(x, ',' ORDER BY y DESC LIMIT 3)")
        guard case .function(let call) = expression.kind else {
            Issue.record("expected a call, got \(expression.kind)")
            return
        }
        #expect(call.arguments.map(\.sql) == ["x", "','"])
        #expect(call.orderBy.map { $0.expression.sql } == ["y"])
        #expect(call.orderBy.first?.direction == .descending)
        #expect(call.limit?.sql == "3")
    }

    @Test func nullHandling() throws {
        #expect(try F.canonical(expression: "ARRAY_AGG(x IGNORE NULLS)") == "ARRAY_AGG(x IGNORE NULLS)")
        #expect(try F.canonical(expression: "LAST_VALUE(x RESPECT NULLS) OVER w") == "LAST_VALUE(x RESPECT NULLS) OVER w")
    }

    @Test func ifAndOtherKeywordNamedFunctions() throws {
        #expect(try F.canonical(expression: "IF(a > 1, 'x', 'y')") == "IF((a > 1), 'x', 'y')")
        #expect(try F.canonical(expression: "LEFT('abc', 2) || RIGHT('abc', 1)") == "(LEFT('abc', 2) || RIGHT('abc', 1))")
    }

    @Test func windowCallWithFullSpecification() throws {
        let sql = "SUM(x) OVER (PARTITION BY a, b ORDER BY c DESC NULLS LAST ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
        let expression = try F.expression(sql)
        guard case .function(let call) = expression.kind, case .specification(let window)? = call.over else {
            Issue.record("expected a window call, got \(expression.kind)")
            return
        }
        #expect(window.partitionBy.map(\.sql) == ["a", "b"])
        #expect(window.orderBy.first?.nulls == .last)
        #expect(window.frame?.unit == .rows)
        #expect(window.frame?.start == .unboundedPreceding)
        #expect(window.frame?.end == .currentRow)
        #expect(expression.sql == sql)
    }

    @Test func windowFramesWithOffsets() throws {
        #expect(try F.canonical(expression: "AVG(x) OVER (ORDER BY d RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING)")
            == "AVG(x) OVER (ORDER BY d RANGE BETWEEN 2 PRECEDING AND 2 FOLLOWING)")
        #expect(try F.canonical(expression: "COUNT(*) OVER (ROWS 3 PRECEDING)") == "COUNT(*) OVER (ROWS 3 PRECEDING)")
    }

    @Test func namedWindowsAndRefinements() throws {
        #expect(try F.canonical(expression: "RANK() OVER w") == "RANK() OVER w")
        #expect(try F.canonical(expression: "RANK() OVER (w ORDER BY x)") == "RANK() OVER (w ORDER BY x)")
    }

    // MARK: Constructors

    @Test func arrayLiterals() throws {
        #expect(try F.canonical(expression: "[1, 2]") == "[1, 2]")
        #expect(try F.canonical(expression: "ARRAY[1, 2]") == "[1, 2]")
        #expect(try F.canonical(expression: "ARRAY<INT64>[1, 2]") == "ARRAY<INT64>[1, 2]")
        #expect(try F.canonical(expression: "ARRAY<STRING>[]") == "ARRAY<STRING>[]")
        #expect(try F.canonical(expression: "[]") == "[]")
    }

    @Test func arraySubquery() throws {
        let expression = try F.expression("ARRAY(SELECT x FROM t ORDER BY x)")
        guard case .arraySubquery(let query) = expression.kind else {
            Issue.record("expected ARRAY(subquery), got \(expression.kind)")
            return
        }
        #expect(query.orderBy.count == 1)
    }

    @Test func structConstructors() throws {
        #expect(try F.canonical(expression: "STRUCT(1 AS a, 'x' AS b)") == "STRUCT(1 AS a, 'x' AS b)")
        #expect(try F.canonical(expression: "STRUCT<a INT64>(1)") == "STRUCT<a INT64>(1)")
        #expect(try F.canonical(expression: "STRUCT<INT64, STRING>(1, 'x')") == "STRUCT<INT64, STRING>(1, 'x')")
        #expect(try F.canonical(expression: "STRUCT()") == "STRUCT()")
    }

    @Test func tuplesAreStructs() throws {
        let expression = try F.expression("(1, 'x')")
        guard case .structConstructor(let tuple) = expression.kind else {
            Issue.record("expected a tuple, got \(expression.kind)")
            return
        }
        #expect(tuple.style == .tuple)
        #expect(tuple.fields.map(\.value.sql) == ["1", "'x'"])
    }

    // MARK: Paths, fields and subscripts

    @Test func dottedNamesAreOnePath() throws {
        let expression = try F.expression("a.b.c")
        #expect(expression.kind == .path(PathExpression([
            Identifier("a", at: SourceLocation(line: 1, column: 1)),
            Identifier("b", at: SourceLocation(line: 1, column: 3)),
            Identifier("c", at: SourceLocation(line: 1, column: 5)),
        ])))
    }

    @Test func fieldAccessOnNonPaths() throws {
        let expression = try F.expression("f(x).y")
        guard case .fieldAccess(let base, let field) = expression.kind else {
            Issue.record("expected field access, got \(expression.kind)")
            return
        }
        #expect(base.sql == "f(x)")
        #expect(field.name == "y")
        #expect(try F.canonical(expression: "(a).b") == "a.b")
    }

    @Test func arraySubscripts() throws {
        let cases: [(String, Subscript.Position)] = [
            ("arr[OFFSET(0)]", .offset), ("arr[SAFE_OFFSET(1)]", .safeOffset), ("arr[ORDINAL(1)]", .ordinal),
            ("arr[safe_ordinal(1)]", .safeOrdinal), ("arr[0]", .index), ("json['key']", .index),
        ]
        for (sql, position) in cases {
            let expression = try F.expression(sql)
            guard case .subscripted(_, let subscriptValue) = expression.kind else {
                Issue.record("\(sql): expected a subscript, got \(expression.kind)")
                continue
            }
            #expect(subscriptValue.position == position, "\(sql)")
        }
    }

    @Test func subscriptsAndFieldsChain() throws {
        #expect(try F.canonical(expression: "items[OFFSET(0)].name[SAFE_ORDINAL(2)]") == "items[OFFSET(0)].name[SAFE_ORDINAL(2)]")
    }

    @Test func keywordsAfterADotAreFieldNames() throws {
        #expect(try F.canonical(expression: "t.select + s.`from`") == "(t.`select` + s.`from`)")
    }

    // MARK: Subqueries, literals and parameters

    @Test func existsAndScalarSubqueries() throws {
        #expect(try F.canonical(expression: "EXISTS(SELECT 1 FROM t)") == "EXISTS(SELECT 1 FROM t)")
        #expect(try F.canonical(expression: "(SELECT MAX(x) FROM t) + 1") == "((SELECT MAX(x) FROM t) + 1)")
        #expect(try F.canonical(expression: "((SELECT 1)) * 2") == "(((SELECT 1)) * 2)")
    }

    @Test func typedLiterals() throws {
        let cases: [(String, TypedLiteralType)] = [
            ("DATE '2024-01-31'", .date), ("datetime '2024-01-31 12:00:00'", .datetime), ("TIME '12:30:00'", .time),
            ("TIMESTAMP '2024-01-31 00:00:00 UTC'", .timestamp), ("NUMERIC '1.5'", .numeric), ("BIGNUMERIC '1e40'", .bignumeric),
            ("JSON '{\"a\": 1}'", .json),
        ]
        for (sql, type) in cases {
            let expression = try F.expression(sql)
            guard case .literal(.typed(let actual, _)) = expression.kind else {
                Issue.record("\(sql): expected a typed literal, got \(expression.kind)")
                continue
            }
            #expect(actual == type)
        }
    }

    @Test func rangeLiteral() throws {
        #expect(try F.canonical(expression: "RANGE<DATE> '[2024-01-01, 2024-02-01)'") == "RANGE<DATE> '[2024-01-01, 2024-02-01)'")
    }

    @Test func typeNamesAloneAreColumns() throws {
        #expect(try F.expression("date").kind == .path(PathExpression([Identifier("date", at: SourceLocation(line: 1, column: 1))])))
        #expect(try F.canonical(expression: "DATE(ts)") == "DATE(ts)")
    }

    @Test func constantLiterals() throws {
        #expect(try F.expression("NULL").kind == .literal(.null))
        #expect(try F.expression("true").kind == .literal(.boolean(true)))
        #expect(try F.expression("FALSE").kind == .literal(.boolean(false)))
        #expect(try F.expression("0x1F").kind == .literal(.integer("0x1F")))
        #expect(try F.expression("b'\\x00'").kind == .literal(.bytes([0])))
    }

    @Test func parameters() throws {
        #expect(try F.expression("@name").kind == .parameter(.named("name")))
        #expect(try F.expression("@`select`").kind == .parameter(.named("select")))
        let expression = try F.expression("? + ?")
        guard case .binary(.add, let first, let second) = expression.kind else {
            Issue.record("expected an addition, got \(expression.kind)")
            return
        }
        #expect(first.kind == .parameter(.positional(0)))
        #expect(second.kind == .parameter(.positional(1)))
    }

    @Test func namedParameterFields() throws {
        #expect(try F.canonical(expression: "@param.field") == "@param.field")
    }

    // MARK: Locations

    @Test func nodesStartWhereTheirTextStarts() throws {
        let expression = try F.expression("\n  a +\n    f(b)")
        guard case .binary(.add, let left, let right) = expression.kind else {
            Issue.record("expected an addition, got \(expression.kind)")
            return
        }
        #expect(expression.location == SourceLocation(line: 2, column: 3))
        #expect(left.location == SourceLocation(line: 2, column: 3))
        #expect(right.location == SourceLocation(line: 3, column: 5))
    }
}
