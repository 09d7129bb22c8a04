import LocalCloud
import Testing
import TerraceHTTP
import TerraceJSON

@Suite("Fault injection over HTTP")
struct FaultInjectionTests {
    @Test func injectedStatusCarriesRetryAfterAndTheAPIsErrorShape() async throws {
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: "storage.GET=1:503+retry-after=3") }) { cloud in
            let result = try await cloud.raw("GET", "/storage/v1/b?project=proj-faults")
            #expect(result.status == 503)
            #expect(result.header("retry-after") == "3")
            #expect(try result.json().errorReason == "backendError")
            // Other methods of the API are not selected.
            let (status, _) = try await cloud.call("POST", "/storage/v1/b?project=proj-faults", ["name": "faults-bucket"])
            #expect(status == 200)
        }
    }

    @Test func resetFaultDropsTheConnectionWithoutAnAnswer() async throws {
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: "pubsub=1:reset") }) { cloud in
            await #expect(throws: HTTPTransportError.self) {
                _ = try await cloud.raw("GET", "/v1/projects/proj-faults/topics")
            }
        }
    }

    @Test func stallFaultHoldsTheRequestPastTheClientTimeout() async throws {
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: "stall=2;bigquery=1:stall") }) { cloud in
            let client = HTTPClient(timeoutSeconds: 1)
            await #expect {
                _ = try await client.fetch("GET", cloud.url("/bigquery/v2/projects/proj-faults/datasets"))
            } throws: { error in
                (error as? HTTPTransportError)?.isTransient == true
            }
        }
    }

    @Test func consistencyDelayHidesNewResourcesUntilTheClockMoves() async throws {
        try await withCloud(configure: { $0.faults = try! FaultPlan(spec: "consistency=5") }) { cloud in
            let (created, _) = try await cloud.call("POST", "/storage/v1/b?project=proj-faults", ["name": "eventual"])
            #expect(created == 200)
            let (early, body) = try await cloud.call("GET", "/storage/v1/b/eventual")
            #expect(early == 404)
            #expect(body.errorReason == "notFound")
            cloud.clock.advance(seconds: 5)
            let (later, _) = try await cloud.call("GET", "/storage/v1/b/eventual")
            #expect(later == 200)
        }
    }
}
