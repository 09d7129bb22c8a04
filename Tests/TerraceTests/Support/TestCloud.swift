import Foundation
import LocalCloud
import TerraceHTTP
import TerraceJSON

/// A local cloud started in-process on an ephemeral port over a fresh temporary data directory,
/// with a manual clock, and an HTTP client pointed at it.
struct TestCloud {
    let cloud: LocalCloud
    let clock: ManualClock
    let directory: String
    let http = HTTPClient(timeoutSeconds: 30)

    var base: String { cloud.baseURL }

    /// `path` relative to the base URL ("/storage/v1/b?project=p").
    func url(_ path: String) -> String { base + path }

    /// Sends JSON and answers status and JSON body.
    func call(_ method: String, _ path: String, _ body: JSON? = nil, headers: [(String, String)] = [])
        async throws -> (status: Int, body: JSON)
    {
        try await http.fetchJSON(method, url(path), body, headers: headers)
    }

    func raw(_ method: String, _ path: String, body: [UInt8]? = nil, headers: [(String, String)] = [])
        async throws -> HTTPResult
    {
        try await http.fetch(method, url(path), headers: headers, body: body)
    }
}

/// One directory per test process holding every temporary directory the tests make, removed
/// when the process exits, so no test leaves files behind (even one that forgets to clean up).
private let temporaryRoot: String = {
    let root = NSTemporaryDirectory() + "terrace-tests-\(getpid())"
    try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    atexit {
        try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "terrace-tests-\(getpid())")
    }
    return root
}()

/// Makes a new empty temporary directory.
func makeTemporaryDirectory(_ prefix: String = "terrace-test") -> String {
    let path = temporaryRoot + "/\(prefix)-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs `body` against a fresh in-process local cloud, shutting it down and deleting its data
/// afterwards. `configure` adjusts the configuration (faults, auth).
func withCloud(
    directory: String? = nil,
    keepData: Bool = false,
    clock: ManualClock = ManualClock(),
    configure: (inout LocalCloud.Configuration) -> Void = { _ in },
    _ body: (TestCloud) async throws -> Void
) async throws {
    let dir = directory ?? makeTemporaryDirectory()
    var configuration = LocalCloud.Configuration(dataDirectory: dir)
    configuration.clock = clock
    configure(&configuration)
    let cloud = try await LocalCloud.start(configuration)
    let test = TestCloud(cloud: cloud, clock: clock, directory: dir)
    do {
        try await body(test)
    } catch {
        await cloud.shutdown()
        if !keepData { try? FileManager.default.removeItem(atPath: dir) }
        throw error
    }
    await cloud.shutdown()
    if !keepData { try? FileManager.default.removeItem(atPath: dir) }
}

extension JSON {
    /// The `error.errors[0].reason` of a legacy error body, or `error.status` of a canonical one.
    var errorReason: String? { self["error"]?["errors"]?[0]?["reason"]?.stringValue }
    var errorStatus: String? { self["error"]?["status"]?.stringValue }
}
