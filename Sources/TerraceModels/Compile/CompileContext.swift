import TerraceJSON

/// What compiling needs from an environment: where each layer lives, which bronze tables exist,
/// and the variables.
public struct CompileContext: Hashable, Sendable {
    public var project: String
    /// The dataset of each layer (bronze, silver, gold).
    public var datasets: [Layer: String]
    /// The bronze tables `source('bronze', …)` may name.
    public var bronzeTables: [String]
    /// `var('name')` values, from the environment file's `"variables"`.
    public var variables: [String: JSON]

    public init(project: String, datasets: [Layer: String], bronzeTables: [String], variables: [String: JSON] = [:]) {
        self.project = project
        self.datasets = datasets
        self.bronzeTables = bronzeTables
        self.variables = variables
    }

    /// `` `project.dataset.name` `` for a table of `layer`.
    func table(_ layer: Layer, _ name: String) -> String {
        SQLText.table(project, datasets[layer] ?? layer.rawValue, name)
    }
}
