/// Finds models that refer to each other in a circle.
enum CycleFinder {
    /// One error per cycle: `ref cycle: a → b → a`, located at the first model's `ref`, naming
    /// every `ref` that closes it.
    static func errors(in project: ModelProject) -> [ModelError] {
        let models = Dictionary(project.models.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        var state: [String: Bool] = [:]  // false: on the current path; true: done
        var path: [String] = []
        var cycles: [[String]] = []

        func visit(_ name: String) {
            state[name] = false
            path.append(name)
            for case .model(let next) in models[name]?.dependencies ?? [] where models[next] != nil {
                switch state[next] {
                case nil: visit(next)
                case false?:
                    let cycle = Array(path[(path.lastIndex(of: next) ?? 0)...])
                    let start = cycle.indices.min { cycle[$0] < cycle[$1] } ?? 0
                    let rotated = Array(cycle[start...] + cycle[..<start])
                    if !cycles.contains(rotated) { cycles.append(rotated) }
                case true?: break
                }
            }
            path.removeLast()
            state[name] = true
        }
        for model in project.models.map(\.name).sorted() where state[model] == nil { visit(model) }

        return cycles.map { cycle in
            let hops = cycle.indices.compactMap { index -> Reference? in
                let next = cycle[(index + 1) % cycle.count]
                return models[cycle[index]]?.references.first { $0.target == .model(next) }
            }
            let first = hops.first
            let path = (cycle + [cycle[0]]).joined(separator: " → ")
            let calls = hops.map { "\($0.file):\($0.line):\($0.column) \($0.text)" }.joined(separator: ", ")
            return ModelError(.cycle, file: first?.file ?? "", line: first?.line, column: first?.column,
                              "ref cycle: \(path) (\(calls))", fix: "remove one of these ref() calls so the models form a DAG")
        }
    }
}
