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
