import ArgumentParser

/// `terrace`: infrastructure, pipelines and a local cloud for a data platform on Google Cloud.
public struct TerraceCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "terrace",
        abstract: "Infrastructure as code, medallion pipelines and an embedded local cloud for GCP data platforms.",
        version: "0.1.0",
        subcommands: [
            InitCommand.self, PlanCommand.self, ApplyCommand.self, DestroyCommand.self, ImportCommand.self, StateCommand.self,
            ForceUnlockCommand.self, ValidateCommand.self, GraphCommand.self, DeployCommand.self, RunCommand.self, TestCommand.self, LsCommand.self, QueryCommand.self,
            UpCommand.self, LocalCommand.self,
        ]
    )

    public init() {}

    /// Whether these arguments run the local cloud as a server (`terrace local serve`), which is
    /// faster with NIO's event loops as Swift's global executor.
    public static func servesLocalCloud(_ arguments: [String]) -> Bool {
        let words = arguments.dropFirst().filter { !$0.hasPrefix("-") }
        return words.first == "local" && words.dropFirst().first == "serve"
    }
}

/// `terrace local …`: the embedded local cloud.
struct LocalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "local",
        abstract: "Run the local cloud: Cloud Storage, BigQuery, Pub/Sub, IAM, Resource Manager and Service Usage on one port.",
        subcommands: [LocalServeCommand.self]
    )
}
