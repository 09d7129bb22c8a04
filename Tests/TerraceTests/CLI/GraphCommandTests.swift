import Testing
import TerraceCLI
import TerraceDSL

@Suite("CLI: terrace graph")
struct GraphCommandTests {
    static let resources: [Resource] = {
        let env = Environment(name: "test", project: "graph-project", region: "EU")
        let stack = Stack {
            Topic("events", name: "events-topic")
            Subscription("loader", name: "events-loader", topic: .topic("events"))
        }
        return (try? stack.model(in: env)) ?? []
    }()

    @Test func dotDrawsAnEdgeFromEachResourceToWhatItNeeds() {
        let dot = DependencyGraph(resources: Self.resources).render(.dot)
        #expect(dot.hasPrefix("digraph terrace {"))
        #expect(dot.contains("\"subscription.loader\" -> \"topic.events\";"))
        #expect(dot.hasSuffix("}"))
    }

    @Test func lineageDrawsModelsToWhatTheyReadAndWhereTheyLive() {
        let lineage = [(id: "model.dim_users", dependencies: ["dataset.gold", "model.stg_users"]),
                       (id: "model.stg_users", dependencies: ["dataset.silver", "source.users"])]
        let dot = DependencyGraph(resources: Self.resources, lineage: lineage).render(.dot)
        #expect(dot.contains("\"model.dim_users\" -> \"model.stg_users\";"))
        #expect(dot.contains("\"model.stg_users\" -> \"source.users\";"))
        #expect(dot.contains("\"model.stg_users\" -> \"dataset.silver\";"))
    }

    @Test func mermaidNamesNodesByAddress() {
        let mermaid = DependencyGraph(resources: Self.resources).render(.mermaid)
        #expect(mermaid == """
            graph LR
              n0["subscription.loader"]
              n1["topic.events"]
              n0 --> n1
            """)
    }
}
