import Foundation
import GoogleCloud
import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

/// The environment the Engine suites declare their stacks in.
enum EngineFixture {
    /// A valid GCP project id (the local cloud refuses malformed ones such as "p1").
    static let project = "terrace-test"

    static let environment = Environment(
        name: "test", project: project, region: "US", namePrefix: "t", labels: ["env": "test"], variables: [:])
}

/// One environment's engine against a ``TestCloud``: its declarations (a stack evaluated in
/// `environment`), its cloud and a local state file inside the cloud's data directory (removed
/// with it). `declaring` makes another harness over the same cloud and state, as a new terrace
/// binary with changed declarations would be.
struct EngineHarness {
    let cloud: TestCloud
    let environment: Environment
    let statePath: String
    let backend: LocalStateBackend
    let engine: Engine

    init(cloud: TestCloud, environment: Environment = EngineFixture.environment, statePath: String? = nil,
         parallelism: Int = 10, _ declare: (Environment) -> Stack) throws {
        self.cloud = cloud
        self.environment = environment
        self.statePath = statePath ?? cloud.directory + "/terrace-state/\(environment.name).json"
        let resources = try declare(environment).model(in: environment)
        let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: environment.project)
        let context = ProviderContext(cloud: google, project: environment.project, stackName: environment.name, consistencyTimeout: 5)
        backend = LocalStateBackend(path: self.statePath)
        engine = Engine(environment: environment.name, resources: resources, context: context, backend: backend,
                        parallelism: parallelism)
    }

    /// The same cloud and state with other declarations.
    func declaring(parallelism: Int? = nil, _ declare: (Environment) -> Stack) throws -> EngineHarness {
        try EngineHarness(cloud: cloud, environment: environment, statePath: statePath,
                          parallelism: parallelism ?? engine.parallelism, declare)
    }

    /// Every declared address, sorted.
    var addresses: [String] { engine.resources.map(\.address.rawValue).sorted() }

    /// Plans under the lock.
    func plan(targets: [String] = [], destroy: Bool = false) async throws -> Plan {
        try await engine.withLock("plan") { snapshot in try await engine.plan(snapshot, targets: targets, destroy: destroy) }
    }

    /// Plans and applies under one lock (as `terrace apply --auto-approve` does).
    @discardableResult
    func apply(targets: [String] = [], destroy: Bool = false,
               observe: @escaping @Sendable (ApplyEvent) -> Void = { _ in }) async throws -> ApplyReport {
        try await engine.withLock(destroy ? "destroy" : "apply") { snapshot in
            try await engine.apply(try await engine.plan(snapshot, targets: targets, destroy: destroy), snapshot: snapshot, observe: observe)
        }
    }

    /// What `terrace apply --auto-approve` does (Sources/TerraceCLI/ApplyCommand.swift, `ApplyFlow.run`):
    /// plan, and apply only when the plan has changes; `nil` when it had none.
    @discardableResult
    func applyLikeCLI() async throws -> ApplyReport? {
        try await engine.withLock("apply") { snapshot -> ApplyReport? in
            let plan = try await engine.plan(snapshot)
            guard plan.hasChanges || plan.refreshesState else { return nil }
            return try await engine.apply(plan, snapshot: snapshot)
        }
    }

    /// Applies a plan made earlier, against the state as it is now.
    func apply(_ plan: Plan) async throws -> ApplyReport {
        try await engine.withLock("apply") { snapshot in try await engine.apply(plan, snapshot: snapshot) }
    }

    /// Applies and requires that every operation succeeded.
    @discardableResult
    func applyOK(targets: [String] = [], destroy: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        async throws -> ApplyReport
    {
        let report = try await apply(targets: targets, destroy: destroy)
        try #require(report.ok, "apply failed: \(report.failed.map { "\($0.address): \($0.message)" }), not started \(report.notStarted)",
                     sourceLocation: sourceLocation)
        return report
    }

    /// Destroys everything the state records and requires success.
    @discardableResult
    func destroy(sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> ApplyReport {
        try await applyOK(destroy: true, sourceLocation: sourceLocation)
    }

    /// Imports under the lock.
    @discardableResult
    func importResource(_ address: String, id: String) async throws -> StateResource {
        try await engine.withLock("import") { snapshot in try await engine.importResource(address, id: id, snapshot: snapshot) }
    }

    /// The state as stored, `nil` before the first write.
    func snapshot() async throws -> StateSnapshot? { try await backend.read() }

    /// The stored state's resources (none before the first write).
    func stateResources() async throws -> [StateResource] { try await backend.read()?.state.resources ?? [] }
}

/// Runs `body` with a harness for `declare` over a fresh local cloud.
func withEngine(environment: Environment = EngineFixture.environment, parallelism: Int = 10,
                _ declare: (Environment) -> Stack, _ body: (EngineHarness) async throws -> Void) async throws {
    try await withCloud { cloud in
        try await body(try EngineHarness(cloud: cloud, environment: environment, parallelism: parallelism, declare))
    }
}

extension Plan {
    /// The planned change at `address`.
    func change(_ address: String) -> PlannedChange? { changes.first { $0.address == address } }

    /// Addresses whose action is `action`, sorted.
    func addresses(_ action: PlanAction) -> [String] { changes.filter { $0.action == action }.map(\.address) }

    /// The drift entry for `address`.
    func drift(_ address: String) -> Drift? { drift.first { $0.address == address } }
}

extension PlannedChange {
    var paths: [String] { changes.map(\.path) }
}

/// Direct calls to the local cloud "outside Terrace".
extension TestCloud {
    static let engineProject = EngineFixture.project

    func bucketPath(_ name: String) -> String { "/storage/v1/b/\(name)" }
    func topicPath(_ name: String, _ suffix: String = "") -> String { "/v1/projects/\(Self.engineProject)/topics/\(name)\(suffix)" }
    func subscriptionPath(_ name: String) -> String { "/v1/projects/\(Self.engineProject)/subscriptions/\(name)" }

    /// The status of a GET of `path`.
    func status(_ path: String) async throws -> Int { try await call("GET", path).status }

    /// GETs `path`, requiring 200.
    func get(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws -> JSON {
        let (status, body) = try await call("GET", path)
        try #require(status == 200, "GET \(path) answered \(status): \(body.encoded())", sourceLocation: sourceLocation)
        return body
    }

    /// Sends `method` to `path`, requiring 200 (or 204).
    @discardableResult
    func send(_ method: String, _ path: String, _ body: JSON? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation)
        async throws -> JSON
    {
        let (status, answer) = try await call(method, path, body)
        try #require(status == 200 || status == 204, "\(method) \(path) answered \(status): \(answer.encoded())",
                     sourceLocation: sourceLocation)
        return answer
    }

    /// Creates a bucket directly.
    func createBucket(_ name: String, labels: [String: String] = [:]) async throws {
        try await send("POST", "/storage/v1/b?project=\(Self.engineProject)",
                       ["name": .string(name), "location": "US", "labels": .object(labels.mapValues { .string($0) })])
    }

    /// Creates a topic directly.
    func createTopic(_ name: String, labels: [String: String] = [:]) async throws {
        try await send("PUT", topicPath(name), ["labels": .object(labels.mapValues { .string($0) })])
    }

    /// Uploads an object with `uploadType=media`.
    func upload(bucket: String, object: String, _ text: String = "hello") async throws {
        let result = try await raw("POST", "/upload/storage/v1/b/\(bucket)/o?uploadType=media&name=\(object)",
                                   body: Array(text.utf8), headers: [("Content-Type", "text/plain")])
        try #require(result.status == 200, "upload answered \(result.status)")
    }

    /// The names of the objects in `bucket`.
    func objects(in bucket: String) async throws -> [String] {
        try await get(bucketPath(bucket) + "/o")["items"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    /// The members of `role` on topic `name`.
    func topicMembers(_ name: String, role: String) async throws -> Set<String> {
        let policy = try await send("POST", topicPath(name, ":getIamPolicy"), [:])
        let binding = policy["bindings"]?.arrayValue?.first { $0["role"]?.stringValue == role }
        return Set(binding?["members"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    /// Adds `member` to `role` on topic `name` by read-modify-write of its policy.
    func addTopicMember(_ name: String, role: String, member: String) async throws {
        let policy = try await send("POST", topicPath(name, ":getIamPolicy"), [:])
        var bindings = policy["bindings"]?.arrayValue ?? []
        if let index = bindings.firstIndex(where: { $0["role"]?.stringValue == role }) {
            let members = (bindings[index]["members"]?.arrayValue ?? []) + [.string(member)]
            bindings[index] = ["role": .string(role), "members": .array(members)]
        } else {
            bindings.append(["role": .string(role), "members": [.string(member)]])
        }
        var updated: [String: JSON] = ["bindings": .array(bindings)]
        if let etag = policy["etag"] { updated["etag"] = etag }
        try await send("POST", topicPath(name, ":setIamPolicy"), ["policy": .object(updated)])
    }
}
