/// One `--select` selector: `NAME`, `layer:bronze|silver|gold`, `source:NAME` or `tag:X`, each
/// optionally with `+` before (and its ancestors) and/or after (and its descendants).
public struct Selector: Hashable, Sendable, CustomStringConvertible {
    public enum Base: Hashable, Sendable {
        /// A model, or a test by its name.
        case name(String)
        case layer(Layer)
        case source(String)
        case tag(String)
    }

    public var base: Base
    public var withAncestors: Bool
    public var withDescendants: Bool
    /// As written.
    public var description: String

    /// Parses `text`, or fails naming the grammar.
    public init(_ text: String) throws(ModelError) {
        description = text
        var core = Substring(text)
        withAncestors = core.hasPrefix("+")
        if withAncestors { core = core.dropFirst() }
        withDescendants = core.hasSuffix("+")
        if withDescendants { core = core.dropLast() }
        let grammar = "use NAME, NAME+, +NAME, +NAME+, layer:bronze|silver|gold, source:NAME or tag:X"
        let parts = core.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        switch (parts.count, parts.first) {
        case (1, _) where !core.isEmpty:
            base = .name(String(core))
        case (2, "layer"):
            guard let layer = Layer(rawValue: parts[1]) else {
                throw ModelError(.selection, file: "", "selector '\(text)' names no layer", fix: "use layer:bronze, layer:silver or layer:gold")
            }
            base = .layer(layer)
        case (2, "source") where !parts[1].isEmpty:
            base = .source(parts[1])
        case (2, "tag") where !parts[1].isEmpty:
            base = .tag(parts[1])
        default:
            throw ModelError(.selection, file: "", "selector '\(text)' is not valid", fix: grammar)
        }
    }
}

extension ModelGraph {
    /// The nodes `selectors` choose (their union; everything when there are none), in topological
    /// order. A model's tests come with it; a custom test comes with any node it reads. A selector
    /// that matches nothing is an error listing what exists.
    public func select(_ selectors: [String]) throws(ModelErrors) -> [NodeID] {
        guard !selectors.isEmpty else { return topologicalOrder }
        var chosen: Set<NodeID> = []
        var errors: [ModelError] = []
        for text in selectors {
            do throws(ModelError) {
                let selector = try Selector(text)
                let matched = matches(selector.base)
                guard !matched.isEmpty else {
                    errors.append(nothingMatches(selector))
                    continue
                }
                chosen.formUnion(matched)
                for node in matched {
                    if selector.withAncestors { chosen.formUnion(ancestors(of: node)) }
                    if selector.withDescendants { chosen.formUnion(descendants(of: node)) }
                }
            } catch {
                errors.append(error)
            }
        }
        guard errors.isEmpty else { throw ModelErrors(errors) }
        for node in nodes where !chosen.contains(node) {
            guard case .test = node else { continue }
            let attached = owners[node].map { chosen.contains($0) } ?? (dependencies[node] ?? []).contains { chosen.contains($0) }
            if attached { chosen.insert(node) }
        }
        return topologicalOrder.filter { chosen.contains($0) }
    }

    private func matches(_ base: Selector.Base) -> [NodeID] {
        switch base {
        case .name(let name):
            return nodes.filter { $0 == .model(name) || $0 == .test(name) }
        case .layer(let layer):
            return nodes.filter { layers[$0] == layer }
        case .source(let name):
            return nodes.filter { $0 == .source(name) }
        case .tag(let tag):
            return nodes.filter { tags[$0]?.contains(tag) == true }
        }
    }

    private func nothingMatches(_ selector: Selector) -> ModelError {
        let models = nodes.filter { if case .model = $0 { true } else { false } }.map(\.name)
        let sources = nodes.filter { if case .source = $0 { true } else { false } }.map(\.name)
        let allTags = Set(tags.values.flatMap { $0 }).sorted()
        var message = "selector '\(selector.description)' matches nothing"
        switch selector.base {
        case .name(let name):
            if let close = Suggestion.closest(to: name, in: models) { message += "; did you mean '\(close)'?" }
        case .source(let name):
            if let close = Suggestion.closest(to: name, in: sources) { message += "; did you mean 'source:\(close)'?" }
        case .tag(let tag):
            if let close = Suggestion.closest(to: tag, in: allTags) { message += "; did you mean 'tag:\(close)'?" }
        case .layer:
            break
        }
        let list = { (items: [String]) in items.isEmpty ? "(none)" : items.joined(separator: ", ") }
        return ModelError(.selection, file: "", message,
                          fix: "choose among models: \(list(models)); sources: \(list(sources)); tags: \(list(allTags))")
    }
}
