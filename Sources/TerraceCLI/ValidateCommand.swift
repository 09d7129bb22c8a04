import ArgumentParser
import TerraceDSL
import TerraceEngine

/// `terrace validate --env E`: loads the environment, evaluates the declarations and reports
/// every problem, without calling any API.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the environment file and every declaration, without calling any API."
    )

    @Option(help: "The environment: environments/<name>.json.")
    var env: String

    func run() throws {
        let report = ValidationReport.make(environment: env, projectDirectory: ".", declare: Declarations.stack)
        let console = Console.standard
        for line in report.lines(useColor: console.useColor) { console.line(line) }
        if !report.succeeded { throw ExitCode.failure }
    }
}

/// What `terrace validate` found, printable and testable without a process.
public struct ValidationReport: Sendable {
    public enum Outcome: Sendable {
        case environmentError(String)
        case invalid([Diagnostic])
        case valid(resources: [Resource], project: String)
    }

    public let environment: String
    public let outcome: Outcome

    public var succeeded: Bool {
        if case .valid = outcome { return true }
        return false
    }

    /// Loads `environments/<environment>.json` under `projectDirectory` and validates what
    /// `declare` declares for it.
    public static func make(environment: String, projectDirectory: String,
                            declare: (Environment) -> Stack) -> ValidationReport {
        let configuration: EnvironmentConfiguration
        do {
            configuration = try EnvironmentLoader(projectDirectory: projectDirectory).load(environment)
        } catch {
            return ValidationReport(environment: environment, outcome: .environmentError(error.description))
        }
        do {
            // Building the model validates first and reports every problem at once.
            let resources = try declare(configuration.environment).model(in: configuration.environment)
            return ValidationReport(environment: environment,
                                    outcome: .valid(resources: resources, project: configuration.environment.project))
        } catch {
            return ValidationReport(environment: environment, outcome: .invalid(error.diagnostics.sorted()))
        }
    }

    /// The report as the command prints it.
    public func lines(useColor: Bool = false) -> [String] {
        let console = Console(useColor: useColor)
        switch outcome {
        case .environmentError(let message):
            return ["\(console.styled("Error:", .red)) \(message)"]
        case .invalid(let diagnostics):
            let noun = diagnostics.count == 1 ? "problem" : "problems"
            return diagnostics.map(\.description)
                + ["\(console.styled("\(diagnostics.count) \(noun)", .red)) in the declarations for environment \(environment); nothing was changed."]
        case .valid(let resources, let project):
            return ["\(console.styled("Valid:", .green)) \(resources.count) resources for environment \(environment) (project \(project))."]
        }
    }
}
