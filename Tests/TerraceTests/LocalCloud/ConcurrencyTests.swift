import LocalCloud
import Testing
import TerraceCrypto
import TerraceHTTP
import TerraceJSON

@Suite("Parallel requests")
struct ConcurrencyTests {
    @Test func parallelWritersAndReadersLoseNothing() async throws {
        try await withCloud { cloud in
            _ = try await StorageFixture.createBucket(cloud, "parallel-bucket")
            let (topic, _) = try await cloud.call("PUT", "/v1/projects/proj-a/topics/parallel-topic")
            #expect(topic == 200)
            let (subscription, _) = try await cloud.call("PUT", "/v1/projects/proj-a/subscriptions/parallel-sub",
                                                        ["topic": "projects/proj-a/topics/parallel-topic"])
            #expect(subscription == 200)
            let base = cloud.base
            let generations = try await withThrowingTaskGroup(of: [String].self) { group in
                for worker in 0..<16 {
                    group.addTask {
                        let http = HTTPClient(timeoutSeconds: 30)
                        var seen: [String] = []
                        for index in 0..<8 {
                            let name = "w\(worker)-\(index)"
                            let upload = try await http.fetch(
                                "POST", base + "/upload/storage/v1/b/parallel-bucket/o?uploadType=media&name=\(name)",
                                headers: [("Content-Type", "text/plain")], body: Array("body of \(name)".utf8))
                            #expect(upload.status == 200)
                            seen.append(try upload.json()["generation"]?.stringValue ?? "")
                            let read = try await http.fetch("GET", base + "/storage/v1/b/parallel-bucket/o/\(name)?alt=media")
                            #expect(read.text == "body of \(name)")
                            let publish = try await http.fetchJSON(
                                "POST", base + "/v1/projects/proj-a/topics/parallel-topic:publish",
                                ["messages": [["data": .string(Base64.encode(Array(name.utf8)))]]])
                            #expect(publish.status == 200)
                        }
                        return seen
                    }
                }
                var all: [String] = []
                for try await batch in group { all += batch }
                return all
            }
            #expect(generations.count == 128)
            #expect(Set(generations).count == 128, "generation numbers are unique")
            let (_, list) = try await cloud.call("GET", "/storage/v1/b/parallel-bucket/o?maxResults=1000")
            #expect(list["items"]?.arrayValue?.count == 128)
            let (_, pulled) = try await cloud.call("POST", "/v1/projects/proj-a/subscriptions/parallel-sub:pull", ["maxMessages": 1000])
            #expect(pulled["receivedMessages"]?.arrayValue?.count == 128)
        }
    }
}
