import ArgumentParser
import TerraceDSL
import TerraceEngine

/// `terrace graph --env E [--format dot|mermaid]`: the declared resources and what each depends on.
struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Print the dependency graph of the declarations (Graphviz DOT or Mermaid)."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    @Option(help: "The environment: environments/<name>.json.")
    var env: String

    @Option(help: "dot (Graphviz) or mermaid.")
    var format: Format = .dot

    func run() throws {
        let console = Console.standard
        let report = ValidationReport.make(environment: env, projectDirectory: ".", declare: Declarations.stack)
        guard case .valid(let resources, _) = report.outcome else {
            for line in report.lines(useColor: console.useColor) { console.line(line) }
            throw ExitCode.failure
        }
        var lineage: [(id: String, dependencies: [String])] = []
        if let configuration = try? EnvironmentLoader(projectDirectory: ".").load(env) {
            do {
                lineage = try PipelineProject.load(environment: configuration.environment, resources: resources).lineage
            } catch {
                console.error(EnvironmentSession.describe(error))
                throw ExitCode.failure
            }
        }
        console.line(DependencyGraph(resources: resources, lineage: lineage).render(format == .dot ? .dot : .mermaid))
    }
}

/// Resources and their dependencies as text: each edge points from a resource to one it needs;
/// with the pipelines' lineage, models (`model.NAME`) point to what they read (`source.NAME` for
/// a bronze table, other models) and to the dataset they are built in.
public struct DependencyGraph: Sendable {
    public enum Format: Sendable { case dot, mermaid }

    /// Every node with the nodes it depends on, in order.
    let nodes: [(id: String, dependencies: [String])]

    public init(resources: [Resource], lineage: [(id: String, dependencies: [String])] = []) {
        nodes = resources.sorted { $0.address < $1.address }.map { ($0.address.rawValue, $0.dependencies.sorted().map(\.rawValue)) }
            + lineage.sorted { $0.id < $1.id }
    }

    public func render(_ format: Format) -> String {
        switch format {
        case .dot:
            var lines = ["digraph terrace {", "  rankdir=LR;", "  node [shape=box];"]
            for node in nodes { lines.append("  \(Self.quoted(node.id));") }
            for node in nodes {
                for dependency in node.dependencies { lines.append("  \(Self.quoted(node.id)) -> \(Self.quoted(dependency));") }
            }
            return (lines + ["}"]).joined(separator: "\n")
        case .mermaid:
            var ids: [String: String] = [:]
            var lines = ["graph LR"]
            for (index, node) in nodes.enumerated() {
                ids[node.id] = "n\(index)"
                lines.append("  n\(index)[\"\(node.id.replacingAll("\"", with: "#quot;"))\"]")
            }
            for node in nodes {
                for dependency in node.dependencies {
                    if let from = ids[node.id], let to = ids[dependency] { lines.append("  \(from) --> \(to)") }
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
