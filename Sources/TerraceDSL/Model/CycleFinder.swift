/// Finds dependency cycles among declarations and names each one once.
struct CycleFinder {
    let byAddress: [Address: any Declaration]
    let edges: [Address: [Address]]

    init(declarations: [any Declaration]) {
        var byAddress: [Address: any Declaration] = [:]
        for declaration in declarations where byAddress[declaration.address] == nil {
            byAddress[declaration.address] = declaration
        }
        self.byAddress = byAddress
        self.edges = byAddress.mapValues { declaration in
            declaration.dependencyAddresses.filter { byAddress[$0] != nil }
        }
    }

    /// One diagnostic per distinct cycle, at the cycle's first address in sorted order.
    func diagnostics() -> [Diagnostic] {
        var cycles: Set<[Address]> = []
        var state: [Address: Bool] = [:]  // false: on the path; true: done
        var path: [Address] = []

        func visit(_ node: Address) {
            state[node] = false
            path.append(node)
            for next in edges[node] ?? [] {
                switch state[next] {
                case .none: visit(next)
                case .some(false):
                    if let start = path.lastIndex(of: next) { cycles.insert(Self.canonical(Array(path[start...]))) }
                case .some(true): break
                }
            }
            path.removeLast()
            state[node] = true
        }
        for node in byAddress.keys.sorted() where state[node] == nil { visit(node) }

        return cycles.compactMap { cycle -> Diagnostic? in
            guard let first = cycle.first, let declaration = byAddress[first] else { return nil }
            let names = (cycle + [first]).map(\.rawValue).joined(separator: " -> ")
            return Diagnostic(
                declaration.sourceLocation, first, "is part of a dependency cycle: \(names)",
                fix: "remove one of these dependencies")
        }
    }

    /// The cycle rotated to start at its smallest address.
    static func canonical(_ cycle: [Address]) -> [Address] {
        guard let minimum = cycle.min(), let index = cycle.firstIndex(of: minimum) else { return cycle }
        return Array(cycle[index...] + cycle[..<index])
    }
}
