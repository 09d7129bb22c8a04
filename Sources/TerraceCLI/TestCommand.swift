import ArgumentParser
import Foundation
import TerraceModels
import TerracePipelines
import TerraceTime
import GoogleCloud

/// `terrace test --env E [--select SEL]…`: runs the data tests alone, against the tables the
/// last run built; a failing test of severity error fails the command.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run the data tests (not_null, unique, accepted_values, relationships, custom SQL).",
        discussion: "Selection (repeatable): NAME, NAME+, +NAME, layer:silver|gold, tag:X; a model selects its tests."
    )

    @OptionGroup var environment: EnvironmentOptions

    @Option(name: .customLong("select"), help: "Which models' tests, or which tests, to run (repeatable).")
    var selections: [String] = []

    @Option(help: "Where to write the run-results JSON (default: .terrace/runs/<env>/run_results.json).")
    var results: String?

    func run() async throws {
        let console = Console.standard
        let started = TimeSource.live.now()
        let tested = try await EnvironmentSession.run(environment) { session -> [NodeRunResult] in
            let env = session.configuration.environment
            let pipelines = try PipelineProject.load(environment: env, resources: session.engine.resources)
            let selected = Set(try pipelines.select(selections).filter { if case .test = $0 { true } else { false } })
            let options = ModelRunOptions(project: env.project, location: env.region, runAt: Date(timeIntervalSince1970: started),
                                          parallelism: 1)
            let runner = ModelRunner(bigquery: session.cloud.bigquery, project: pipelines.compiled, graph: pipelines.graph, options: options,
                                     runID: "test_\(Int64(started * 1000))")
            return await runner.test(selected) { NodeReporter.finish($0) }
        }
        guard !tested.isEmpty else {
            console.line("No tests selected.")
            return
        }
        let results = tested
        let path = try RunCommand.writeResults([], results, started: started, environment: environment.env, path: self.results)
        var rows = [["test", "kind", "status", "failing", "time"]]
        for result in results {
            rows.append([result.name, result.detail, NodeReporter.word(result.status), result.rows.map(ProgressReporter.count) ?? "",
                         ProgressReporter.seconds(result.durationSeconds)])
        }
        console.line()
        for (index, line) in console.table(rows, indent: 2).enumerated() { console.line(index == 0 ? console.styled(line, .bold) : line) }
        for result in results where result.status != .success {
            let line = "\(result.name): \(result.message ?? result.status.rawValue)"
            if result.status == .warn { console.line(console.styled("Warning: ", .yellow) + line) } else { console.error(line) }
        }
        let failed = results.filter { $0.status == .fail || $0.status == .error }.count
        let summary = failed == 0
            ? console.styled("Tests complete: \(RunCommand.counts([], results)).", .green)
            : console.styled("Tests failed: \(failed) of \(results.count) failed.", .red)
        console.line("\n\(summary) Results: \(path)")
        if failed > 0 { throw ExitCode.failure }
    }
}
