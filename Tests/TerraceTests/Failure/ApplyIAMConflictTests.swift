import Foundation
import GoogleCloud
import Synchronization
import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

/// IAM read-modify-write: a policy changed by someone else between Terrace's read and write
/// makes the write fail on the etag (409), and Terrace retries on a fresh read, keeping both.
struct ApplyIAMConflictTests {
    @Test func aPolicyChangedBetweenReadAndWriteIsRetriedAndKeepsTheOtherChange() async throws {
        let project = makeTemporaryDirectory("terrace-iam-project")
        defer { try? FileManager.default.removeItem(atPath: project) }
        let reads = Atomic<Int>(0)
        let conflicts = Atomic<Int>(0)
        let base = Mutex<String>("")
        let topic = "/v1/projects/iam-project/topics/t-shared"
        try await withCloud(configure: { configuration in
            configuration.observer = { method, path, status in
                if path == topic + ":setIamPolicy", status == 409 { conflicts.add(1, ordering: .relaxed) }
                // Right after the apply reads the policy (the plan's refresh read it first), someone
                // else adds a member.
                guard path == topic + ":getIamPolicy", reads.add(1, ordering: .relaxed).newValue == 2 else { return }
                let client = HTTPClientForTests(base: base.withLock { $0 })
                let current = try? await client.call("POST", topic + ":getIamPolicy", [:])
                var bindings = current?["bindings"]?.arrayValue ?? []
                bindings.append(["role": "roles/pubsub.viewer", "members": ["user:ops@example.com"]])
                _ = try? await client.call("POST", topic + ":setIamPolicy",
                                           ["policy": ["bindings": .array(bindings), "etag": current?["etag"] ?? ""]])
            }
        }) { cloud in
            base.withLock { $0 = cloud.base }
            #expect(try await cloud.call("PUT", topic, [:]).status == 200)
            let env = Environment(name: "iam", project: "iam-project", region: "US", namePrefix: "t", labels: [:], variables: [:])
            let stack = Stack {
                Grant("roles/pubsub.publisher", to: "user:writer@example.com", on: .topic("shared"))
                Topic("shared", name: "t-shared")
            }
            let google = GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: "iam-project")
            let engine = Engine(environment: "iam", resources: try stack.model(in: env),
                                context: ProviderContext(cloud: google, project: "iam-project", stackName: "iam"),
                                backend: LocalStateBackend(path: project + "/state.json"))
            // The topic exists unmarked: import it, then apply the grant.
            _ = try await engine.withLock("import") { try await engine.importResource("topic.shared", id: "t-shared", snapshot: $0) }
            let report = try await engine.withLock("apply") { snapshot in
                try await engine.apply(try await engine.plan(snapshot), snapshot: snapshot)
            }
            #expect(report.ok, "\(report.failed.map(\.message))")
            #expect(conflicts.load(ordering: .relaxed) == 1)
            let policy = try await cloud.call("POST", topic + ":getIamPolicy", [:]).body
            let members = (policy["bindings"]?.arrayValue ?? []).flatMap { $0["members"]?.arrayValue ?? [] }.compactMap(\.stringValue)
            #expect(Set(members) == ["user:ops@example.com", "user:writer@example.com"])
        }
    }
}

/// A tiny JSON client for use inside a cloud observer.
struct HTTPClientForTests: Sendable {
    let base: String

    func call(_ method: String, _ path: String, _ body: JSON) async throws -> JSON {
        let client = GoogleCloudClient(api: .pubsub, endpoint: Endpoint(baseURL: base, usesCredentials: false), credentials: nil,
                                       transport: Transport(), retryPolicy: .never, time: .live)
        return try await client.json(method, String(path.dropFirst()), body: body)
    }
}
