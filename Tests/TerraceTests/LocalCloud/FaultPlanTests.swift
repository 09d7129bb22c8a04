import LocalCloud
import Testing

@Suite("Fault injection")
struct FaultPlanTests {
    @Test func parsesEveryKindOfSetting() throws {
        let plan = try FaultPlan(spec: "seed=7; storage.GET=0.2:503+retry-after=1;pubsub=0.1:reset;*=0.05:stall;consistency=2s;stall=5")
        #expect(plan.seed == 7)
        #expect(plan.consistencySeconds == 2)
        #expect(plan.stallSeconds == 5)
        #expect(plan.rules.count == 3)
        #expect(plan.rules[0].api == "storage" && plan.rules[0].method == "GET")
        #expect(plan.rules[0].kind == .status(503, retryAfter: 1))
        #expect(plan.rules[1].kind == .reset)
        #expect(plan.rules[2].api == nil && plan.rules[2].kind == .stall)
    }

    @Test(arguments: ["storage", "storage=1.5:503", "gcs=0.1:503", "storage=0.1:418", "storage.FETCH=0.1:503", "seed=x",
                      "storage=0.1:503+after=2"])
    func rejectsMalformedSpecsWithOneSentence(_ spec: String) {
        #expect {
            try FaultPlan(spec: spec)
        } throws: { error in
            String(describing: error).hasPrefix("--faults: ")
        }
    }

    @Test func theSameSeedGivesTheSameFaults() throws {
        let plan = try FaultPlan(spec: "seed=42;storage=0.3:503")
        let draws = { (injector: FaultInjector) in (0..<200).map { _ in injector.draw(api: "storage", method: "GET") != nil } }
        let first = draws(FaultInjector(plan: plan))
        #expect(first == draws(FaultInjector(plan: plan)))
        let share = Double(first.filter { $0 }.count) / 200
        #expect(share > 0.2 && share < 0.4)
        let other = draws(FaultInjector(plan: try FaultPlan(spec: "seed=43;storage=0.3:503")))
        #expect(first != other)
    }

    @Test func rulesSelectByAPIAndMethod() throws {
        let injector = FaultInjector(plan: try FaultPlan(spec: "storage.PUT=1:429"))
        #expect(injector.draw(api: "storage", method: "PUT") == .status(429, retryAfter: nil))
        #expect(injector.draw(api: "storage", method: "GET") == nil)
        #expect(injector.draw(api: "bigquery", method: "PUT") == nil)
    }
}
