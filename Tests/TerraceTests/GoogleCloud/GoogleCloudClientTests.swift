import Foundation
import GoogleCloud
import LocalCloud
import Testing
import TerraceJSON

@Suite("GoogleCloud clients over the local cloud")
struct GoogleCloudClientTests {
    static func cloudClients(_ cloud: TestCloud, retry: RetryPolicy = RetryPolicy(maxAttempts: 20), sleeps: Sleeps? = nil,
                             transport: Transport = Transport()) -> GoogleCloud {
        GoogleCloud(endpoints: .localCloud(cloud.base), credentials: nil, project: "demo-project", transport: transport,
                    retryPolicy: retry, time: manualTime(cloud.clock, sleeps: sleeps))
    }

    @Test func createsReadsAndDeletesABucketThroughJSONCalls() async throws {
        try await withCloud { cloud in
            let gcp = Self.cloudClients(cloud)
            let created = try await gcp.storage.post("b", query: [("project", "demo-project")], body: ["name": "gc-bucket"])
            #expect(created["name"] == "gc-bucket")
            let read = try await gcp.storage.get("b/gc-bucket")
            #expect(read["kind"] == "storage#bucket")
            let patched = try await gcp.storage.patch("b/gc-bucket", body: ["labels": ["team": "data"]])
            #expect(patched["labels"]?["team"] == "data")
            #expect(try await gcp.storage.delete("b/gc-bucket") == .null)
        }
    }

    @Test func rawBytesGoUpAndComeBackWithTheObjectNameEncoded() async throws {
        try await withCloud { cloud in
            let gcp = Self.cloudClients(cloud)
            _ = try await gcp.storage.post("b", query: [("project", "demo-project")], body: ["name": "gc-raw"])
            let upload = try await gcp.storageUpload.send(
                "POST", "b/gc-raw/o", query: [("uploadType", "media"), ("name", "dir/a b.txt")],
                headers: [("Content-Type", "text/plain")], body: Array("hello".utf8))
            #expect(try upload.json()["name"] == "dir/a b.txt")
            let download = try await gcp.storage.send("GET", "b/gc-raw/o/\(URLEncoding.component("dir/a b.txt"))", query: [("alt", "media")])
            #expect(download.text == "hello")
            #expect(download.attempts == 1)
        }
    }

    @Test func notFoundSurfacesTheReasonAfterOneAttempt() async throws {
        try await withCloud { cloud in
            let sleeps = Sleeps()
            let gcp = Self.cloudClients(cloud, sleeps: sleeps)
            let error = await #expect(throws: GoogleAPIError.self) { try await gcp.storage.get("b/no-such-bucket") }
            #expect(error?.status == 404)
            #expect(error?.reason == "notFound")
            #expect(error?.canonicalStatus == "NOT_FOUND")
            #expect(error?.api == .storage)
            #expect(error?.method == "GET")
            #expect(error?.path == "b/no-such-bucket")
            #expect(error?.attempts == 1)
            #expect(sleeps.all.isEmpty)
        }
    }

    @Test func canonicalErrorsOfNewerAPIsKeepTheirStatus() async throws {
        try await withCloud { cloud in
            let gcp = Self.cloudClients(cloud)
            _ = try await gcp.pubsub.put("projects/demo-project/topics/carts")
            let error = await #expect(throws: GoogleAPIError.self) { try await gcp.pubsub.put("projects/demo-project/topics/carts") }
            #expect(error?.status == 409)
            #expect(error?.canonicalStatus == "ALREADY_EXISTS")
            #expect(error?.reason == nil)
        }
    }

    @Test func parallelRequestsShareAFewReusedConnections() async throws {
        try await withCloud { cloud in
            let transport = Transport(maxIdle: 4)
            let gcp = Self.cloudClients(cloud, transport: transport)
            for round in 0..<3 {
                try await withThrowingTaskGroup(of: JSON.self) { group in
                    for i in 0..<4 { group.addTask { try await gcp.pubsub.get("projects/demo-project/topics", query: [("pageSize", "\(round * 4 + i + 1)")]) } }
                    for try await _ in group {}
                }
            }
            #expect(transport.handlesCreated <= 4)
        }
    }

    @Test func aRefusedConnectionIsATransportErrorAfterRetries() async throws {
        let clock = ManualClock()
        let client = GoogleCloudClient(api: .iam, endpoint: Endpoint(baseURL: "http://127.0.0.1:1/v1/", usesCredentials: false),
                                       credentials: nil, transport: Transport(), retryPolicy: RetryPolicy(maxAttempts: 3),
                                       time: manualTime(clock))
        let error = await #expect(throws: GoogleAPIError.self) { try await client.get("projects/p/serviceAccounts") }
        #expect(error?.status == 0)
        #expect(error?.attempts == 3)
        #expect(error?.description.contains("IAM GET projects/p/serviceAccounts got no answer after 3 attempts") == true)
    }
}

extension GoogleResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
