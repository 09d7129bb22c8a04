import ArgumentParser
import Foundation
import GoogleCloud
import TerraceJSON
import TerraceModels
import TerracePipelines
import TerraceTime

/// `terrace up --env local`: the whole platform in one command — apply the infrastructure, run
/// bronze, deploy (check every model, create the views), run silver and gold with their tests —
/// then a summary: resources, rows per table, tests, time per layer, and a few rows of gold.
struct UpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "up",
        abstract: "Apply, run bronze, deploy, run silver and gold with tests: the whole platform (what `make run` does)."
    )

    @OptionGroup var options: EnvironmentOptions

    func run() async throws {
        let console = Console.standard
        var times: [(String, Double)] = []
        func step(_ title: String, _ body: () async throws -> Void) async throws {
            console.line(console.styled("\n▸ \(title)", .bold))
            let start = TimeSource.live.now()
            try await body()
            times.append((title, TimeSource.live.now() - start))
        }
        let env = ["--env", options.env, "--parallelism", String(options.parallelism), "--lock-timeout", options.lockTimeout]
        try await step("infrastructure") {
            // The infrastructure alone: the views read bronze tables the next step creates.
            let report = ValidationReport.make(environment: options.env, projectDirectory: ".", declare: Declarations.stack)
            guard case .valid(let resources, _) = report.outcome else {
                for line in report.lines(useColor: console.useColor) { console.line(line) }
                throw ExitCode.failure
            }
            try await ApplyFlow.run(options: options, planFile: nil, autoApprove: true, targets: resources.map(\.address.rawValue), destroy: false)
        }
        try await step("bronze") {
            let command = try RunCommand.parse(env + ["--select", "layer:bronze"])
            try await command.run()
        }
        try await step("deploy") {
            let command = try DeployCommand.parse(env + ["--auto-approve"])
            try await command.run()
        }
        try await step("silver and gold") {
            let command = try RunCommand.parse(env + ["--select", "layer:silver", "--select", "layer:gold"])
            try await command.run()
        }
        try await EnvironmentSession.run(options) { session in try await summarize(session, times: times, console: console) }
    }

    /// Resources, rows per table, test results and the time of each step; five rows of the
    /// largest gold table.
    private func summarize(_ session: EnvironmentSession, times: [(String, Double)], console: Console) async throws {
        let env = session.configuration.environment
        let pipelines = try PipelineProject.load(environment: env, resources: session.engine.resources)
        console.line(console.styled("\n▸ summary", .bold))
        console.line("  \(session.engine.resources.count) resources declared and applied")
        var rows = [["table", "layer", "rows"]]
        var largestGold: (String, Int64)?
        let (_, bronzeDataset, _) = try RunCommand.targets(pipelines.bronze, session: session)
        var tables: [(String, String, String)] = pipelines.bronze.sources.map { (bronzeDataset, SchemaTracker.columnName($0.name), "bronze") }
        tables += pipelines.compiled.models.map { ($0.dataset, $0.model.name, $0.model.layer.rawValue) }
        for (dataset, table, layer) in tables {
            let path = "projects/\(URLEncoding.component(env.project))/datasets/\(URLEncoding.component(dataset))/tables/\(URLEncoding.component(table))"
            let resource = try? await session.cloud.bigquery.get(path)
            let count: String
            if resource?["type"]?.stringValue == "VIEW" {
                count = "view"
            } else if let number = resource?["numRows"]?.intValue {
                count = ProgressReporter.count(number)
                if layer == "gold", number > (largestGold?.1 ?? -1) { largestGold = ("\(dataset).\(table)", number) }
            } else {
                count = "—"
            }
            rows.append(["\(dataset).\(table)", layer, count])
        }
        for line in console.table(rows, indent: 2) { console.line(line) }
        let resultsFile = (try? String(contentsOfFile: ".terrace/runs/\(options.env)/run_results.json", encoding: .utf8)) ?? ""
        if let results = try? JSON.parse(Array(resultsFile.utf8)) {
            let tests = (results["nodes"]?.arrayValue ?? []).filter { $0["kind"]?.stringValue == "test" }
            let passed = tests.filter { $0["status"]?.stringValue == "success" }.count
            console.line("  tests: \(passed) of \(tests.count) passed")
        }
        console.line("  " + times.map { "\($0.0) \(ProgressReporter.seconds($0.1))" }.joined(separator: " · "))
        if let (table, _) = largestGold {
            console.line(console.styled("\n▸ SELECT * FROM \(table) LIMIT 5", .bold))
            let (columns, sample) = try await QueryCommand.fetch("SELECT * FROM `\(env.project).\(table)` LIMIT 5", cloud: session.cloud,
                                                                 project: env.project, maxRows: 5)
            let body = sample.map { $0.map { QueryCommand.text($0, null: "NULL") } }
            for line in console.table([columns.map { console.styled($0.name, .bold) }] + body, indent: 2) { console.line(line) }
        }
    }
}
