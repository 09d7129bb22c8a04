import TerraceCLI
import TerraceEngine
import TerraceJSON
import Testing

/// How a plan reads: a changed view shows its SQL as a line diff, not two quoted strings.
struct PlanRendererTests {
    func plan(_ change: AttributeChange, action: PlanAction = .update) -> Plan {
        Plan(environment: "dev", project: "p", stateLineage: nil, stateSerial: nil, declarationsDigest: "d", changes: [
            PlannedChange(address: "view.stg_users", type: "bigquery.table", id: "p:silver.stg_users", action: action, changes: [change]),
        ])
    }

    @Test func aChangedViewQueryIsALineDiff() {
        let before = "SELECT\n  id,\n  email\nFROM users"
        let after = "SELECT\n  id,\n  LOWER(email) AS email\nFROM users"
        let lines = PlanRenderer().lines(plan(AttributeChange(path: "view.query", before: .string(before), after: .string(after))))
        let block = Array(lines.drop { !$0.contains("view.query") })
        #expect(Array(block.prefix(6)) == [
            "      ~ view.query:",
            "            SELECT",
            "              id,",
            "          -   email",
            "          +   LOWER(email) AS email",
            "            FROM users",
        ])
    }

    @Test func aNewViewQueryIsShownLineByLine() {
        let lines = PlanRenderer().lines(plan(AttributeChange(path: "view.query", before: nil, after: "SELECT 1\nFROM t"), action: .create))
        #expect(lines.contains("      + view.query:"))
        #expect(lines.contains("          + SELECT 1"))
        #expect(lines.contains("          + FROM t"))
    }

    @Test func singleLineValuesStayOnOneLine() {
        let lines = PlanRenderer().lines(plan(AttributeChange(path: "description", before: "old", after: "new")))
        #expect(lines.contains(#"      ~ description = "old" → "new""#))
    }
}
