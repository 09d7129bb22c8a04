import GoogleSQL
import Testing

/// Deep nesting is refused before it can exhaust the stack of the thread parsing it.
@Suite("GoogleSQL nesting limit")
struct GoogleSQLNestingTests {
    static func nested(_ depth: Int, open: String, middle: String, close: String) -> String {
        String(repeating: open, count: depth) + middle + String(repeating: close, count: depth)
    }

    /// Every recursive form, nested `depth` times.
    static func forms(depth: Int) -> [String] {
        [
            "SELECT " + nested(depth, open: "(", middle: "1", close: ")"),
            "SELECT " + nested(depth / 2, open: "(SELECT ", middle: "1", close: ")"),
            "SELECT " + String(repeating: "- ", count: depth) + "1",
            "SELECT " + String(repeating: "NOT ", count: depth) + "TRUE",
            "SELECT CAST(NULL AS " + nested(depth, open: "ARRAY<", middle: "INT64", close: ">") + ")",
            "SELECT * FROM " + nested(depth, open: "a JOIN (", middle: "a JOIN b USING (k)", close: ") USING (k)"),
            "SELECT " + nested(depth, open: "CASE WHEN TRUE THEN ", middle: "1", close: " END"),
            "SELECT " + nested(depth, open: "f(", middle: "1", close: ")"),
        ]
    }

    @Test func formsJustUnderTheLimitParse() throws {
        for sql in Self.forms(depth: 90) {
            #expect(throws: Never.self) { try GoogleSQLParser.parseScript(sql) }
        }
    }

    @Test func deeperFormsAreRefusedWithoutCrashing() {
        for sql in Self.forms(depth: 5000) {
            #expect {
                try GoogleSQLParser.parseScript(sql)
            } throws: { error in
                guard let error = error as? GoogleSQLSyntaxError else { return false }
                return error.kind == .unsupported && error.message.hasPrefix("Nesting is too deep")
            }
        }
    }
}
