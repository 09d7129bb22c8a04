import ArgumentParser
import Foundation
import TerraceDSL
import TerraceEngine
import TerraceJSON
import TerraceModels
import TerracePipelines

/// `terrace ls --env E [--select SEL]… [--json]`: the pipelines' sources, models and tests, with
/// what each is and its description. Reads no cloud: it compiles the models only.
struct LsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List the bronze sources, models and data tests, with their descriptions."
    )

    @Option(help: "The environment: environments/<name>.json.")
    var env: String

    @Option(name: .customLong("select"), help: "What to list: NAME, NAME+, +NAME, layer:…, source:NAME, tag:X (repeatable).")
    var selections: [String] = []

    @Flag(help: "Print JSON.")
    var json = false

    struct Entry {
        var name: String
        var kind: String
        var layer: String
        var detail: String
        var description: String
        var tags: [String] = []
        /// What it reads, as `terrace graph` names nodes (`source.carts`, `model.stg_users`).
        var dependsOn: [String] = []
        /// The file it is declared in, for models and tests.
        var path: String?
        var json: JSON {
            var body: [String: JSON] = ["name": .string(name), "kind": .string(kind), "layer": .string(layer), "detail": .string(detail),
                                        "description": .string(description), "tags": .array(tags.map { .string($0) }),
                                        "depends_on": .array(dependsOn.map { .string($0) })]
            if let path { body["path"] = .string(path) }
            return .object(body)
        }
    }

    /// A dependency as `terrace graph` names it.
    static func graphName(_ node: NodeID) -> String {
        switch node {
        case .source(let name): "source.\(name)"
        case .model(let name): "model.\(name)"
        case .test(let name): "test.\(name)"
        }
    }

    func run() throws {
        let console = Console.standard
        let report = ValidationReport.make(environment: env, projectDirectory: ".", declare: Declarations.stack)
        guard case .valid(let resources, _) = report.outcome,
              let configuration = try? EnvironmentLoader(projectDirectory: ".").load(env)
        else {
            for line in report.lines(useColor: console.useColor) { console.line(line) }
            throw ExitCode.failure
        }
        let entries: [Entry]
        do {
            let pipelines = try PipelineProject.load(environment: configuration.environment, resources: resources)
            entries = try pipelines.select(selections).compactMap { Self.entry($0, pipelines) }
        } catch let error as EngineError {
            console.error(error.description)
            throw ExitCode.failure
        }
        if json {
            console.line(JSON.array(entries.map(\.json)).encoded(.pretty))
            return
        }
        var rows = [["name", "kind", "layer", "what", "description"]]
        for entry in entries { rows.append([entry.name, entry.kind, entry.layer, entry.detail, Self.summary(entry.description)]) }
        for (index, line) in console.table(rows, indent: 0).enumerated() { console.line(index == 0 ? console.styled(line, .bold) : line) }
    }

    /// A description's first sentence, at most 72 characters (`--json` has it whole).
    static func summary(_ text: String) -> String {
        let sentence = text.range(of: ". ").map { String(text[..<$0.lowerBound]) + "." } ?? text
        return sentence.count <= 72 ? sentence : String(sentence.prefix(71)) + "…"
    }

    /// `http, merge on id`: what a source reads and how it loads.
    static func describe(_ source: Source) -> String {
        let kind = switch source.kind {
        case .http: "http"
        case .file: "file"
        case .postgres: "postgres"
        }
        let disposition = switch source.disposition {
        case .replace: "replace"
        case .append: "append"
        case .merge(let key): "merge on \(key.joined(separator: ", "))"
        case .periodic: "periodic"
        }
        return "\(kind), \(disposition)"
    }

    static func entry(_ node: NodeID, _ pipelines: PipelineProject) -> Entry? {
        switch node {
        case .source(let name):
            guard let source = pipelines.bronze.source(name) else { return nil }
            return Entry(name: name, kind: "source", layer: "bronze", detail: Self.describe(source), description: "")
        case .model(let name):
            guard let model = pipelines.models.model(named: name) else { return nil }
            return Entry(name: name, kind: "model", layer: model.layer.rawValue, detail: model.config.materialization.name,
                         description: model.config.description ?? "", tags: model.config.tags, dependsOn: model.dependencies.map(graphName),
                         path: model.file)
        case .test(let name):
            guard let test = pipelines.compiled.test(named: name)?.test else { return nil }
            let layer = test.model.flatMap { pipelines.models.model(named: $0)?.layer.rawValue } ?? ""
            let reads = test.model.map { ["model.\($0)"] } ?? test.references.compactMap(\.dependency).map(graphName)
            return Entry(name: name, kind: "test", layer: layer, detail: test.kind.name + (test.severity == .warn ? " (warn)" : ""),
                         description: test.description ?? "", tags: test.tags, dependsOn: reads, path: test.file)
        }
    }
}
