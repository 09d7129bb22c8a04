import ArgumentParser
import GoogleCloud
import TerraceDSL
import TerraceEngine
import TerraceModels
import TerracePipelines

/// `terrace deploy --env E [--auto-approve]`: the plan and apply of the whole graph (infra plus
/// the models' views), after compiling every model, resolving every reference and dry-running
/// every query against the environment's BigQuery: a broken model stops the deploy before
/// anything changes.
struct DeployCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Check every model (compile, resolve, dry-run), then plan and apply the infrastructure and the views."
    )

    @OptionGroup var options: EnvironmentOptions

    @Flag(help: "Apply without asking for confirmation.")
    var autoApprove = false

    func run() async throws {
        try await ApplyFlow.run(options: options, planFile: nil, autoApprove: autoApprove, targets: [], destroy: false) { session in
            try await Self.check(session, console: Console.standard)
        }
    }

    /// Compiles and dry-runs every model; throws naming each model BigQuery refuses.
    static func check(_ session: EnvironmentSession, console: Console) async throws {
        let env = session.configuration.environment
        let pipelines = try PipelineProject.load(environment: env, resources: session.engine.resources)
        guard !pipelines.compiled.models.isEmpty else { return }
        let (_, dataset, location) = try RunCommand.targets(pipelines.bronze, session: session)
        var missing: Set<String> = []
        for source in pipelines.bronze.sources {
            let path = "projects/\(URLEncoding.component(env.project))/datasets/\(URLEncoding.component(dataset))/tables/"
                + URLEncoding.component(SchemaTracker.columnName(source.name))
            do {
                _ = try await session.cloud.bigquery.get(path)
            } catch let error as GoogleAPIError where error.isNotFound {
                missing.insert(source.name)
            }
        }
        let dryRun = ModelDryRun(bigquery: session.cloud.bigquery, project: pipelines.compiled, graph: pipelines.graph,
                                 projectID: env.project, location: location)
        let refusals = try await dryRun.check(missingSources: missing)
        guard refusals.isEmpty else {
            throw EngineError(refusals.map(\.description).joined(separator: "\n")
                                  + "\n\(refusals.count) of \(pipelines.compiled.models.count) models and \(pipelines.compiled.tests.count) tests did not pass "
                                  + "the checks; nothing was deployed")
        }
        let count = pipelines.compiled.models.count
        console.line("Checked \(count) model\(count == 1 ? "" : "s") and \(pipelines.compiled.tests.count) tests: every reference resolved, "
                         + "every query dry-run.\n")
        let orphans = try await orphanedTables(pipelines, session: session)
        if !orphans.isEmpty {
            console.line(console.styled("Note: ", .yellow) + "\(orphans.joined(separator: ", ")) \(orphans.count == 1 ? "was" : "were") built by "
                             + "`terrace run` for a model that no longer exists; \(orphans.count == 1 ? "it is" : "they are") left as "
                             + "\(orphans.count == 1 ? "it is" : "they are") (drop one with `terrace query --env \(session.configuration.environment.name) "
                             + "\"DROP TABLE dataset.table\"` when nothing reads it).\n")
        }
    }

    /// The tables of the models' datasets that `terrace run` built (``ModelTables/label``)
    /// for models the project no longer has, as `dataset.table`.
    static func orphanedTables(_ pipelines: PipelineProject, session: EnvironmentSession) async throws -> [String] {
        let env = session.configuration.environment
        let models = Set(pipelines.compiled.models.map { Labels.value($0.model.name) })
        var orphans: [String] = []
        for dataset in Set(pipelines.compiled.models.map(\.dataset)).sorted() {
            let path = "projects/\(URLEncoding.component(env.project))/datasets/\(URLEncoding.component(dataset))/tables"
            guard let listing = try? await session.cloud.bigquery.get(path, query: [("maxResults", "1000")]) else { continue }
            for table in listing["tables"]?.arrayValue ?? [] where table["type"]?.stringValue == "TABLE" {
                guard let model = table["labels"]?[ModelTables.label]?.stringValue, !models.contains(model),
                      let id = table["tableReference"]?["tableId"]?.stringValue else { continue }
                orphans.append("\(dataset).\(id)")
            }
        }
        return orphans
    }
}
