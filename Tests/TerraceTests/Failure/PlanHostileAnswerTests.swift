import Foundation
import GoogleCloud
import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

/// An endpoint that answers with something that is not the resource: one clear error naming
/// the address, and nothing written to the state.
struct PlanHostileAnswerTests {
    private func plan(against body: String) async throws -> (error: EngineError?, stateWritten: Bool) {
        let server = try LoopbackFixtureServer { _ in (200, body) }
        defer { server.stop() }
        let directory = makeTemporaryDirectory("terrace-hostile")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let env = Environment(name: "h", project: "hostile-project", region: "US", namePrefix: "h", labels: [:], variables: [:])
        let google = GoogleCloud(endpoints: .localCloud("http://\(server.hostPort)"), credentials: nil, project: "hostile-project",
                                 retryPolicy: .never)
        let engine = Engine(environment: "h", resources: try Stack { Topic("events", name: "h-events") }.model(in: env),
                            context: ProviderContext(cloud: google, project: "hostile-project", stackName: "h"),
                            backend: LocalStateBackend(path: directory + "/state.json"))
        do {
            _ = try await engine.withLock("plan") { try await engine.plan($0) }
            return (nil, FileManager.default.fileExists(atPath: directory + "/state.json"))
        } catch let error as EngineError {
            return (error, FileManager.default.fileExists(atPath: directory + "/state.json"))
        }
    }

    @Test func anAnswerThatIsNotJSONIsOneErrorNamingTheAddress() async throws {
        let (error, written) = try await plan(against: "<html>gateway</html>")
        let message = try #require(error).description
        #expect(message.hasPrefix("topic.events: cannot read Pub/Sub topic projects/hostile-project/topics/h-events"))
        #expect(message.contains("not JSON"))
        #expect(!written)
    }

    @Test func anAnswerThatIsNotAnObjectIsOneErrorNamingTheAddress() async throws {
        let (error, written) = try await plan(against: "[1, 2, 3]")
        let message = try #require(error).description
        #expect(message.hasPrefix("topic.events: reading Pub/Sub topic projects/hostile-project/topics/h-events answered array"))
        #expect(!written)
    }
}
