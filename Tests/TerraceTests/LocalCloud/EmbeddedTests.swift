import Foundation
import LocalCloud
import Testing

@Suite("Embedded local cloud")
struct EmbeddedTests {
    @Test func embeddedEnvironmentsKeepTheirDataUnderDotTerrace() async throws {
        let project = makeTemporaryDirectory("terrace-project")
        defer { try? FileManager.default.removeItem(atPath: project) }
        let cloud = try await LocalCloud.startEmbedded(projectDirectory: project, environment: "local", clock: ManualClock())
        #expect(FileManager.default.fileExists(atPath: project + "/.terrace/local/local/cloud.sqlite"))
        #expect(FileManager.default.fileExists(atPath: project + "/.terrace/local/local/LOCK"))
        await #expect(throws: LocalCloudError.self) {
            _ = try await LocalCloud.startEmbedded(projectDirectory: project, environment: "local")
        }
        let other = try await LocalCloud.startEmbedded(projectDirectory: project, environment: "dev", clock: ManualClock())
        #expect(other.port != cloud.port)
        await other.shutdown()
        await cloud.shutdown()
    }
}
