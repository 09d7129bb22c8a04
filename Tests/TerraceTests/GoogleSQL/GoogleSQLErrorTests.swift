import GoogleSQL
import Testing

@Suite("GoogleSQL syntax errors")
struct GoogleSQLErrorTests {
    typealias F = GoogleSQLFixture

    // MARK: Wording and locations

    @Test func extraTokensAfterAStatement() {
        #expect(F.errorText("SELECT a\nFROM t\nWHERE x FROM u") == "Syntax error: Expected end of input but got keyword FROM at [3:9]")
        #expect(F.errorText("SELECT 1 2") == #"Syntax error: Expected end of input but got integer literal "2" at [1:10]"#)
        #expect(F.errorText("SELECT 'abc' 'def'") == "Syntax error: Expected end of input but got string literal 'def' at [1:14]")
    }

    @Test func unexpectedIdentifier() {
        #expect(F.errorText("CREATE foo") == #"Syntax error: Unexpected identifier "foo" at [1:8]"#)
        #expect(F.errorText("foo bar") == #"Syntax error: Unexpected identifier "foo" at [1:1]"#)
    }

    @Test func unexpectedKeyword() {
        #expect(F.errorText("SELECT 1 AS FROM t") == "Syntax error: Unexpected keyword FROM at [1:13]")
        #expect(F.errorText("WITH a AS (SELECT 1) SELECT * FROM a, WITH") == "Syntax error: Unexpected keyword WITH at [1:39]")
    }

    @Test func nonReservedKeywordsAreNamedAsKeywords() {
        #expect(F.errorText("SELECT 1 FROM t AS x TABLE") == "Syntax error: Expected end of input but got keyword TABLE at [1:22]")
    }

    @Test func unexpectedEndOfScriptSitsAfterTheLastToken() {
        #expect(F.errorText("SELECT") == "Syntax error: Unexpected end of script at [1:7]")
        #expect(F.errorText("SELECT 1 +   \n\n") == "Syntax error: Unexpected end of script at [1:11]")
        #expect(F.errorText("SELECT * FROM t WHERE -- why\n") == "Syntax error: Unexpected end of script at [2:1]")
    }

    @Test func expectedTokenButGotEndOfScript() {
        #expect(F.errorText("SELECT (1") == #"Syntax error: Expected ")" or "," but got end of script at [1:10]"#)
        #expect(F.errorText("SELECT CASE WHEN a THEN b") == "Syntax error: Expected keyword END but got end of script at [1:26]")
    }

    @Test func expectationsAreSortedAsZetaSQLSortsThem() {
        #expect(F.errorText("INSERT INTO t")
            == #"Syntax error: Expected "(" or keyword SELECT or keyword VALUES or keyword WITH but got end of script at [1:14]"#)
        #expect(F.errorText("SELECT 1 FROM t WHERE a IS 5")
            == #"Syntax error: Expected keyword DISTINCT or keyword FALSE or keyword NULL or keyword TRUE but got integer literal "5" at [1:28]"#)
    }

    @Test func overOutsideAFunctionCall() {
        #expect(F.errorText("SELECT a OVER (w)") == "Syntax error: OVER keyword must follow a function call at [1:10]")
    }

    @Test func emptySelectList() {
        #expect(F.errorText("SELECT\n\nFROM t") == "Syntax error: SELECT list must not be empty at [3:1]")
    }

    @Test func emptyStatementBetweenSemicolons() {
        #expect(F.errorText("SELECT 1;;") == #"Syntax error: Unexpected ";" at [1:10]"#)
    }

    // MARK: Set operations

    @Test func unionNeedsAllOrDistinct() {
        #expect(F.errorText("SELECT 1 UNION SELECT 2") == "Syntax error: Expected keyword ALL or keyword DISTINCT but got keyword SELECT at [1:16]")
        #expect(F.errorText("SELECT 1 UNION") == "Syntax error: Expected keyword ALL or keyword DISTINCT but got end of script at [1:15]")
    }

    @Test func intersectNeedsDistinct() {
        #expect(F.errorText("SELECT 1 INTERSECT SELECT 2") == "Syntax error: Expected keyword ALL or keyword DISTINCT but got keyword SELECT at [1:20]")
        #expect(F.errorText("SELECT 1 INTERSECT ALL SELECT 2") == "INTERSECT ALL is not supported at [1:10]")
    }

    @Test func exceptNeedsDistinct() {
        #expect(F.errorText("SELECT 1 EXCEPT SELECT 2") == #"EXCEPT must be followed by ALL, DISTINCT, or "(" at [1:10]"#)
        #expect(F.errorText("SELECT 1 EXCEPT ALL SELECT 2") == "EXCEPT ALL is not supported at [1:10]")
    }

    @Test func mixingSetOperationsNeedsParentheses() {
        #expect(F.errorText("SELECT 1 UNION ALL SELECT 2 UNION DISTINCT SELECT 3")
            == "Syntax error: Different set operations cannot be used in the same query without using parentheses for grouping at [1:29]")
    }

    // MARK: Trailing commas

    @Test func trailingCommasOutsideTheSelectList() {
        #expect(F.errorText("SELECT f(a,)") == #"Syntax error: Unexpected ")" at [1:12]"#)
        #expect(F.errorText("SELECT x IN (1, 2,)") == #"Syntax error: Unexpected ")" at [1:19]"#)
        #expect(F.errorText("SELECT [1, 2,]") == #"Syntax error: Unexpected "]" at [1:14]"#)
        #expect(F.errorText("SELECT a FROM t GROUP BY a,") == "Syntax error: Unexpected end of script at [1:28]")
        #expect(F.errorText("SELECT a FROM t ORDER BY a,") == "Syntax error: Unexpected end of script at [1:28]")
        #expect(F.errorText("CREATE TABLE t (a INT64,)") == #"Syntax error: Unexpected ")" at [1:25]"#)
    }

    @Test func doubledCommaInTheSelectList() {
        #expect(F.errorText("SELECT a,, b FROM t") == #"Syntax error: Unexpected "," at [1:10]"#)
    }

    // MARK: Operators

    @Test func comparisonsDoNotChain() {
        #expect(F.errorText("SELECT a = b = c") == #"Syntax error: Unexpected "=" at [1:14]"#)
        #expect(F.errorText("select x BETWEEN a AND b BETWEEN c AND d") == "Syntax error: Unexpected keyword BETWEEN at [1:26]")
        #expect(F.errorText("select col BETWEEN a AND b IS NULL") == "Syntax error: Unexpected keyword IS at [1:28]")
        #expect(F.errorText("select x BETWEEN a AND b = c") == #"Syntax error: Unexpected "=" at [1:26]"#)
    }

    @Test func betweenBoundsWithLowerPrecedenceNeedParentheses() {
        #expect(F.errorText("select x BETWEEN a BETWEEN b AND c AND d") == "Syntax error: Expression in BETWEEN must be parenthesized at [1:18]")
        #expect(F.errorText("select col BETWEEN NOT a AND b") == "Syntax error: Expression in BETWEEN must be parenthesized at [1:20]")
        #expect(F.errorText("select x BETWEEN a = b AND c") == "Syntax error: Expression in BETWEEN must be parenthesized at [1:18]")
        #expect(F.errorText("select col BETWEEN x") == "Syntax error: Unexpected end of script at [1:21]")
    }

    // MARK: Joins and DML

    @Test func qualifiedJoinsNeedAConditionAndCrossJoinsRefuseOne() {
        #expect(F.errorText("SELECT * FROM a JOIN b") == "INNER JOIN must have an immediately following ON or USING clause at [1:17]")
        #expect(F.errorText("SELECT * FROM a LEFT JOIN b WHERE true") == "LEFT JOIN must have an immediately following ON or USING clause at [1:17]")
        #expect(F.errorText("SELECT * FROM a CROSS JOIN b ON true") == "CROSS JOIN cannot have an immediately following ON or USING clause at [1:17]")
        #expect(F.errorText("SELECT * FROM a, b ON true") == "Syntax error: Unexpected keyword ON at [1:20]")
    }

    @Test func parenthesesInFromMustHoldAJoin() {
        #expect(F.errorText("SELECT * FROM (t)") == #"Syntax error: Expected keyword JOIN but got ")" at [1:17]"#)
    }

    @Test func updateAndDeleteNeedWhere() {
        #expect(F.errorText("DELETE FROM t") == "DELETE must have a WHERE clause at [1:1]")
        #expect(F.errorText("SELECT 1;\n  UPDATE t SET a = 1;") == "UPDATE must have a WHERE clause at [2:3]")
    }

    @Test func mergeActionsFollowTheMatchKind() {
        #expect(F.errorText("MERGE t USING s ON true") == "Syntax error: Expected keyword WHEN but got end of script at [1:24]")
        #expect(F.errorText("MERGE t USING s ON true WHEN MATCHED THEN INSERT ROW")
            == "Syntax error: Expected keyword DELETE or keyword UPDATE but got keyword INSERT at [1:43]")
    }

    // MARK: Lexical errors inside scripts

    @Test func lexicalErrorsAreReportedWhereTheyOccur() {
        #expect(F.errorText("SELECT 1;\nSELECT 'abc") == "Syntax error: Unclosed string literal at [2:8]")
        #expect(F.errorText("SELECT\n    'abc") == "Syntax error: Unclosed string literal at [2:5]")
    }

    @Test func anEarlierSyntaxErrorWinsOverALaterLexicalError() {
        #expect(F.errorText("SELECT FROM t WHERE 'abc") == "Syntax error: SELECT list must not be empty at [1:8]")
    }

    // MARK: Unsupported but valid BigQuery

    @Test func unsupportedStatementsAreFlaggedAsSuch() {
        let cases = [
            ("DECLARE x INT64", "Unsupported statement: DECLARE at [1:1]"),
            ("CREATE FUNCTION f() AS (1)", "Unsupported statement: CREATE FUNCTION at [1:1]"),
            ("CREATE TEMP VIEW v AS SELECT 1", "Unsupported statement: CREATE TEMP VIEW at [1:1]"),
            ("DROP SCHEMA ds", "Unsupported statement: DROP SCHEMA at [1:1]"),
            ("SELECT * FROM mydataset.tvf(1)", "Table-valued function calls are not supported at [1:15]"),
            ("CREATE TABLE t (a INT64, PRIMARY KEY (a) NOT ENFORCED)", "Table constraints are not supported at [1:26]"),
        ]
        for (sql, text) in cases {
            let error = F.error(sql)
            #expect(error?.description == text)
            #expect(error?.kind == .unsupported)
        }
    }

    @Test func syntaxErrorsAreNotUnsupported() {
        #expect(F.error("SELECT 1 UNION SELECT 2")?.kind == .invalid)
    }
}
