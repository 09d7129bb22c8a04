/// The medallion layer a node belongs to: bronze tables are loaded by ingestion, silver and gold
/// are SQL models (the directory a model file sits in).
public enum Layer: String, Hashable, Sendable, CaseIterable, Comparable {
    case bronze, silver, gold

    /// The materialization a model of this layer gets when its header names none.
    var defaultMaterialization: Materialization { self == .gold ? .table : .view }

    public static func < (lhs: Layer, rhs: Layer) -> Bool {
        lhs.rank < rhs.rank
    }

    private var rank: Int {
        switch self {
        case .bronze: 0
        case .silver: 1
        case .gold: 2
        }
    }
}
