import ArgumentParser
import TerraceDSL

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
        console.line(DependencyGraph(resources: resources).render(format == .dot ? .dot : .mermaid))
    }
}

/// Resources and their dependencies as text: each edge points from a resource to one it needs.
public struct DependencyGraph: Sendable {
    public enum Format: Sendable { case dot, mermaid }

    let resources: [Resource]

    public init(resources: [Resource]) { self.resources = resources.sorted { $0.address < $1.address } }

    public func render(_ format: Format) -> String {
        switch format {
        case .dot:
            var lines = ["digraph terrace {", "  rankdir=LR;", "  node [shape=box];"]
            for resource in resources { lines.append("  \(Self.quoted(resource.address.rawValue));") }
            for resource in resources {
                for dependency in resource.dependencies.sorted() {
                    lines.append("  \(Self.quoted(resource.address.rawValue)) -> \(Self.quoted(dependency.rawValue));")
                }
            }
            return (lines + ["}"]).joined(separator: "\n")
        case .mermaid:
            var ids: [Address: String] = [:]
            var lines = ["graph LR"]
            for (index, resource) in resources.enumerated() {
                ids[resource.address] = "n\(index)"
                let label = resource.address.rawValue.replacingAll("\"", with: "#quot;")
                lines.append("  n\(index)[\"\(label)\"]")
            }
            for resource in resources {
                for dependency in resource.dependencies.sorted() {
                    if let from = ids[resource.address], let to = ids[dependency] { lines.append("  \(from) --> \(to)") }
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
