import TerraceModels
import Testing

/// The DAG: order, levels, ready sets and the selection grammar.
struct ModelsGraphTests {
    /// users → stg_users → dim_users → fact_orders ← stg_orders ← orders, plus tests.
    let files = [
        "silver/stg_users.sql": "-- tags: core\nSELECT * FROM source('bronze', 'users')",
        "silver/stg_orders.sql": "SELECT * FROM source('bronze', 'orders')",
        "gold/dim_users.sql": "-- test: unique(id)\nSELECT * FROM ref('stg_users')",
        "gold/fact_orders.sql": "-- tags: finance\n-- test: relationships(user_id, ref('dim_users'), id)\n"
            + "SELECT * FROM ref('stg_orders') JOIN ref('dim_users') USING (user_id)",
        "tests/orders_positive.sql": "SELECT * FROM ref('fact_orders') WHERE amount < 0",
    ]

    func graph() throws -> ModelGraph {
        try ModelFixtures.project(files).graph(sources: ["users", "orders", "events"])
    }

    @Test func theTopologicalOrderPutsEveryNodeAfterWhatItReads() throws {
        #expect(try graph().topologicalOrder.map(\.description) == [
            "source:events", "source:orders", "source:users", "stg_orders", "stg_users", "dim_users",
            "fact_orders", "test:dim_users.unique_id", "test:fact_orders.relationships_user_id", "test:orders_positive",
        ])
    }

    @Test func levelsGroupWhatCanRunInParallel() throws {
        #expect(try graph().levels.map { $0.map(\.description) } == [
            ["source:events", "source:orders", "source:users"], ["stg_orders", "stg_users"], ["dim_users"],
            ["fact_orders", "test:dim_users.unique_id"], ["test:fact_orders.relationships_user_id", "test:orders_positive"],
        ])
    }

    @Test func readyNodesAreThoseWhoseSelectedDependenciesFinished() throws {
        let graph = try graph()
        let selection: Set<NodeID> = [.model("stg_users"), .model("stg_orders"), .model("dim_users"), .model("fact_orders")]
        #expect(graph.ready(selection, finished: []) == [.model("stg_orders"), .model("stg_users")])
        #expect(graph.ready(selection, finished: [.model("stg_users")]) == [.model("dim_users"), .model("stg_orders")])
    }

    @Test func aNameSelectsTheModelAndItsTests() throws {
        #expect(try graph().select(["dim_users"]).map(\.description) == ["dim_users", "test:dim_users.unique_id"])
    }

    @Test func plusAfterANameAddsDescendants() throws {
        #expect(try graph().select(["dim_users+"]).map(\.description) == [
            "dim_users", "fact_orders", "test:dim_users.unique_id", "test:fact_orders.relationships_user_id", "test:orders_positive",
        ])
    }

    @Test func plusBeforeANameAddsAncestors() throws {
        #expect(try graph().select(["+dim_users"]).map(\.description) == [
            "source:users", "stg_users", "dim_users", "test:dim_users.unique_id",
        ])
    }

    @Test func layersSourcesAndTagsSelectTheirNodes() throws {
        let graph = try graph()
        #expect(try graph.select(["layer:bronze"]).map(\.description) == ["source:events", "source:orders", "source:users"])
        #expect(try graph.select(["layer:silver"]).map(\.description) == ["stg_orders", "stg_users"])
        #expect(try graph.select(["source:orders+"]).map(\.description) == [
            "source:orders", "stg_orders", "fact_orders", "test:fact_orders.relationships_user_id", "test:orders_positive",
        ])
        #expect(try graph.select(["tag:core", "tag:finance"]).map(\.description) == [
            "stg_users", "fact_orders", "test:fact_orders.relationships_user_id", "test:orders_positive",
        ])
    }

    @Test func noSelectorSelectsEverything() throws {
        let graph = try graph()
        #expect(try graph.select([]) == graph.topologicalOrder)
    }

    @Test func aSelectorMatchingNothingListsWhatExists() throws {
        #expect {
            try graph().select(["dim_user"])
        } throws: { error in
            (error as? ModelErrors)?.description == "selector 'dim_user' matches nothing; did you mean 'dim_users'?; fix: choose among "
                + "models: dim_users, fact_orders, stg_orders, stg_users; sources: events, orders, users; tags: core, finance"
        }
    }

    @Test func aMalformedSelectorNamesTheGrammar() throws {
        #expect {
            try graph().select(["layer:platinum", "colour:red"])
        } throws: { error in
            (error as? ModelErrors)?.errors.map(\.description) == [
                "selector 'layer:platinum' names no layer; fix: use layer:bronze, layer:silver or layer:gold",
                "selector 'colour:red' is not valid; fix: use NAME, NAME+, +NAME, +NAME+, layer:bronze|silver|gold, source:NAME or tag:X",
            ]
        }
    }
}
