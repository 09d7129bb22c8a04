import Foundation
import GoogleCloud
import LocalCloud
import Synchronization
import TerraceDSL
import TerraceEngine
import TerraceJSON
import TerraceProcess
import TestStacks

/// The twenty-resource test stack against an in-process cloud, driven in-process (`engine`) or
/// through the real CLI binary built with it (`terrace-fixture`).
struct FailureFixture {
    static let project = "fx-project"

    let cloud: TestCloud
    let projectDirectory: String

    var environment: Environment {
        Environment(name: "fx", project: Self.project, region: "US", namePrefix: "fx", labels: ["env": "fx"], variables: [:])
    }

    var resources: [Resource] { get throws { try TestStacks.twenty(environment).model(in: environment) } }

    /// An engine on this cloud whose sleeps advance the cloud's manual clock (so retries and
    /// consistency waits take no real time), one operation at a time unless told otherwise.
    func engine(parallelism: Int = 1) throws -> Engine {
        let clock = cloud.clock
        let time = TimeSource(now: { Double(clock.nowMicros()) / 1e6 }, sleep: { seconds in clock.advance(seconds: seconds) },
                              random: { 0.5 })
        let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: Self.project, time: time)
        let context = ProviderContext(cloud: google, project: Self.project, stackName: "fx", time: time, consistencyTimeout: 60)
        return Engine(environment: "fx", resources: try resources, context: context,
                      backend: LocalStateBackend(path: projectDirectory + "/state/fx.json", location: "state/fx.json"),
                      parallelism: parallelism)
    }

    /// Writes `environments/fx.json` pointing at the cloud.
    func writeEnvironment() throws {
        try FileManager.default.createDirectory(atPath: projectDirectory + "/environments", withIntermediateDirectories: true)
        let body: JSON = [
            "project": .string(Self.project), "region": "US", "endpoint": .string(cloud.base), "state": "state/fx.json",
            "namePrefix": "fx", "labels": ["env": "fx"], "variables": [:],
        ]
        try body.encoded(.pretty).write(toFile: projectDirectory + "/environments/fx.json", atomically: true, encoding: .utf8)
    }

    /// The state as written, decoded (throws if it is not a valid state file).
    func state() throws -> StateFile? {
        let path = projectDirectory + "/state/fx.json"
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try StateFile.decode(Array(data), location: path)
    }

    /// The names of every bucket, dataset, topic, subscription, table and service account in the
    /// project: what "no orphans" is checked against.
    func cloudInventory() async throws -> Set<String> {
        var names: Set<String> = []
        let buckets = try await cloud.call("GET", "/storage/v1/b?project=\(Self.project)").body
        for item in buckets["items"]?.arrayValue ?? [] { names.insert("bucket " + (item["name"]?.stringValue ?? "")) }
        let datasets = try await cloud.call("GET", "/bigquery/v2/projects/\(Self.project)/datasets").body
        for item in datasets["datasets"]?.arrayValue ?? [] {
            let id = item["datasetReference"]?["datasetId"]?.stringValue ?? ""
            names.insert("dataset " + id)
            let tables = try await cloud.call("GET", "/bigquery/v2/projects/\(Self.project)/datasets/\(id)/tables").body
            for table in tables["tables"]?.arrayValue ?? [] { names.insert("table \(id).\(table["tableReference"]?["tableId"]?.stringValue ?? "")") }
        }
        for (path, key) in [("topics", "topics"), ("subscriptions", "subscriptions")] {
            let list = try await cloud.call("GET", "/v1/projects/\(Self.project)/\(path)").body
            for item in list[key]?.arrayValue ?? [] { names.insert(path + " " + (item["name"]?.stringValue ?? "")) }
        }
        let accounts = try await cloud.call("GET", "/v1/projects/\(Self.project)/serviceAccounts").body
        for item in accounts["accounts"]?.arrayValue ?? [] { names.insert("account " + (item["email"]?.stringValue ?? "")) }
        return names
    }

    /// What the inventory holds once the stack is applied.
    static let declaredInventory: Set<String> = [
        "bucket fx-landing", "bucket fx-archive", "dataset fx_raw", "dataset fx_marts", "table fx_raw.events", "table fx_marts.orders",
        "table fx_marts.recent_events", "topics projects/fx-project/topics/fx-events",
        "topics projects/fx-project/topics/fx-events-dead-letter", "subscriptions projects/fx-project/subscriptions/fx-events-loader",
        "subscriptions projects/fx-project/subscriptions/fx-events-audit", "account loader@fx-project.iam.gserviceaccount.com",
        "account modeller@fx-project.iam.gserviceaccount.com",
    ]
}

/// The CLI binary built with the test stacks, next to the test bundle.
enum FixtureBinary {
    static var path: String { built("terrace-fixture", override: "TERRACE_FIXTURE_BIN") }

    /// The real `terrace` (its stack is `infra/`, its pipelines `pipelines/`), which
    /// `swift build --build-tests` builds beside the tests.
    static var terracePath: String { built("terrace", override: "TERRACE_BIN") }

    /// A product built beside the test bundle (or in `.build/debug`), unless `override` names one.
    private static func built(_ product: String, override: String) -> String {
        if let given = ProcessInfo.processInfo.environment[override] { return given }
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundle.appendingPathComponent(product).path, ".build/debug/\(product)"]
            where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return ".build/debug/\(product)"
    }

    /// Starts `terrace-fixture ARGS` (or `executable`) in `directory`, with output captured.
    static func start(_ arguments: [String], in directory: String, executable: String? = nil) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        return try ChildProcess(executable ?? path, arguments, environment: environment, directory: directory,
                                output: .pipe, error: .output)
    }

    /// Waits for `process` to exit and collects its output (the status is the signal's number
    /// when a signal ended it), on a thread of its own: blocking a
    /// thread of Swift's small cooperative pool would starve the in-process cloud it talks to.
    static func finish(_ process: ChildProcess) async -> (status: Int32, signalled: Bool, output: String) {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let output = process.readOutput()
                let status: Int32 = switch process.waitForExit() {
                case .exited(let code): code
                case .signalled(let signal): signal
                }
                continuation.resume(returning: (status, process.termination?.isSignal ?? false, String(decoding: output, as: UTF8.self)))
            }
        }
    }

    /// Runs it to completion: exit status, whether a signal ended it, and its output.
    static func run(_ arguments: [String], in directory: String, executable: String? = nil) async throws -> (status: Int32, signalled: Bool, output: String) {
        await finish(try start(arguments, in: directory, executable: executable))
    }
}

/// Whether a request changes something (IAM policy reads are POSTs that do not).
func isMutating(_ method: String, _ path: String) -> Bool {
    method != "GET" && !path.hasSuffix(":getIamPolicy")
}
