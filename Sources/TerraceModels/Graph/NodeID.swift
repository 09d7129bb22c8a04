/// A node of the pipeline DAG: a bronze source, a model or a data test.
public enum NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// A bronze table (`source:NAME`).
    case source(String)
    /// A silver or gold model (`NAME`).
    case model(String)
    /// A data test (`test:NAME`).
    case test(String)

    public var name: String {
        switch self {
        case .source(let name), .model(let name), .test(let name): name
        }
    }

    /// `source:NAME`, `NAME` or `test:NAME`.
    public var description: String {
        switch self {
        case .source(let name): "source:\(name)"
        case .model(let name): name
        case .test(let name): "test:\(name)"
        }
    }

    /// Sources first, then models, then tests; by name within each.
    public static func < (lhs: NodeID, rhs: NodeID) -> Bool {
        (lhs.rank, lhs.name) < (rhs.rank, rhs.name)
    }

    private var rank: Int {
        switch self {
        case .source: 0
        case .model: 1
        case .test: 2
        }
    }
}
