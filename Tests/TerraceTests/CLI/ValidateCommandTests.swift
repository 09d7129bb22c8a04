import Foundation
import Infra
import Testing
import TerraceCLI
import TerraceDSL

@Suite("CLI: terrace validate")
struct ValidateCommandTests {
    /// The repository root, where environments/ lives.
    static let projectDirectory: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    @Test func thePlatformIsValidInEveryEnvironment() {
        for environment in ["local", "dev", "staging", "prod"] {
            let report = ValidationReport.make(environment: environment, projectDirectory: Self.projectDirectory,
                                               declare: Platform.stack)
            #expect(report.succeeded, "\(environment): \(report.lines())")
            #expect(report.lines().first?.hasPrefix("Valid: 19 resources for environment \(environment)") == true)
        }
    }

    @Test func everyProblemIsPrintedWithItsLocationThenACount() {
        let report = ValidationReport.make(environment: "local", projectDirectory: Self.projectDirectory) { env in
            Stack {
                Bucket("raw", name: "Bad_Bucket", location: env.region)
                Topic("events", name: "goog-events")
            }
        }
        let lines = report.lines()
        #expect(!report.succeeded)
        #expect(lines.count == 3)
        #expect(lines[0].contains("ValidateCommandTests.swift:"))
        #expect(lines[0].contains("bucket.raw"))
        #expect(lines[1].contains("topic.events"))
        #expect(lines[2] == "2 problems in the declarations for environment local; nothing was changed.")
    }

    @Test func aMissingEnvironmentIsOneSentenceNamingTheOthers() {
        let report = ValidationReport.make(environment: "qa", projectDirectory: Self.projectDirectory, declare: Platform.stack)
        #expect(!report.succeeded)
        #expect(report.lines() == ["Error: environments/qa.json: no such environment file (create it, or use one of: dev, local, prod, staging)"])
    }
}
