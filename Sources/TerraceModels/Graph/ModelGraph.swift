/// The pipeline DAG: bronze sources, models and data tests, with an edge from each node to what
/// it reads. Built from a loaded (so acyclic) project.
public struct ModelGraph: Hashable, Sendable {
    /// Every node, sorted (sources, models, tests).
    public let nodes: [NodeID]
    /// The nodes each node reads (its direct upstream).
    public let dependencies: [NodeID: Set<NodeID>]
    /// The nodes that read each node (its direct downstream).
    public let dependents: [NodeID: Set<NodeID>]
    /// The layer of each source and model.
    public let layers: [NodeID: Layer]
    /// The tags of each model and test.
    public let tags: [NodeID: [String]]
    /// The model a header test belongs to.
    let owners: [NodeID: NodeID]

    /// The graph of `project`, with `sources` (the bronze tables the platform declares) as nodes
    /// besides those the models name.
    public init(_ project: ModelProject, sources: [String] = []) {
        var dependencies: [NodeID: Set<NodeID>] = [:]
        var layers: [NodeID: Layer] = [:]
        var tags: [NodeID: [String]] = [:]
        var owners: [NodeID: NodeID] = [:]
        for source in sources { dependencies[.source(source)] = [] }
        for model in project.models {
            let id = NodeID.model(model.name)
            dependencies[id] = Set(model.dependencies)
            layers[id] = model.layer
            tags[id] = model.config.tags
        }
        for test in project.tests {
            let id = NodeID.test(test.name)
            var upstream = Set(test.references.compactMap(\.dependency))
            if let model = test.model {
                upstream.insert(.model(model))
                owners[id] = .model(model)
            }
            dependencies[id] = upstream
            tags[id] = test.tags
        }
        for source in dependencies.values.flatMap({ $0 }) where dependencies[source] == nil {
            dependencies[source] = []
        }
        for case .source(let name) in dependencies.keys { layers[.source(name)] = .bronze }
        var dependents = dependencies.mapValues { _ in Set<NodeID>() }
        for (node, upstream) in dependencies {
            for parent in upstream { dependents[parent, default: []].insert(node) }
        }
        self.nodes = dependencies.keys.sorted()
        self.dependencies = dependencies
        self.dependents = dependents
        self.layers = layers
        self.tags = tags
        self.owners = owners
    }

    /// Every node after everything it reads; ties broken by ``NodeID`` order, so the order is stable.
    public var topologicalOrder: [NodeID] { levels.flatMap { $0 } }

    /// The nodes by depth: level 0 reads nothing, each later level only reads earlier ones; the
    /// nodes of one level can run in parallel.
    public var levels: [[NodeID]] {
        var remaining = dependencies.mapValues(\.count)
        var levels: [[NodeID]] = []
        var current = nodes.filter { remaining[$0] == 0 }
        while !current.isEmpty {
            levels.append(current)
            var next: Set<NodeID> = []
            for node in current {
                for child in dependents[node] ?? [] {
                    remaining[child, default: 0] -= 1
                    if remaining[child] == 0 { next.insert(child) }
                }
            }
            current = next.sorted()
        }
        return levels
    }

    /// The nodes of `selection` that can start once `finished` have: not finished themselves, and
    /// every dependency inside the selection finished. A bounded-parallel runner takes from these.
    public func ready(_ selection: Set<NodeID>, finished: Set<NodeID>) -> [NodeID] {
        selection.filter { node in
            !finished.contains(node) && (dependencies[node] ?? []).allSatisfy { !selection.contains($0) || finished.contains($0) }
        }.sorted()
    }

    /// Everything `node` reads, directly or not.
    public func ancestors(of node: NodeID) -> Set<NodeID> { closure(node, dependencies) }

    /// Everything that reads `node`, directly or not.
    public func descendants(of node: NodeID) -> Set<NodeID> { closure(node, dependents) }

    private func closure(_ start: NodeID, _ edges: [NodeID: Set<NodeID>]) -> Set<NodeID> {
        var seen: Set<NodeID> = []
        var stack = Array(edges[start] ?? [])
        while let node = stack.popLast() {
            guard seen.insert(node).inserted else { continue }
            stack += edges[node] ?? []
        }
        return seen
    }
}

extension ModelProject {
    /// The DAG, with `sources` (the declared bronze tables) among its nodes.
    public func graph(sources: [String] = []) -> ModelGraph {
        ModelGraph(self, sources: sources)
    }
}
