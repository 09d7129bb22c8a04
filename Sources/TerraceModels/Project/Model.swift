/// A silver or gold SQL model: one file, one SELECT, materialized as its header says.
public struct Model: Hashable, Sendable {
    /// The file name without `.sql`: the BigQuery table (or view) id.
    public var name: String
    public var layer: Layer
    /// The file, as named when loaded (`pipelines/gold/fact_orders.sql`).
    public var file: String
    public var config: ModelConfig
    /// The query as written, after the header.
    public var sql: String
    /// The references in the query and in the incremental filter, in file order.
    public var references: [Reference] { filterReferences + bodyReferences }
    var body: SourceFragment
    var bodyReferences: [Reference]
    var filter: SourceFragment?
    var filterReferences: [Reference]

    /// The models and bronze sources this model reads.
    public var dependencies: [NodeID] {
        var seen: [NodeID] = []
        for case let dependency? in references.map(\.dependency) where !seen.contains(dependency) { seen.append(dependency) }
        return seen
    }
}
