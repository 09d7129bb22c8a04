import LocalCloud
import Testing
import TerraceJSON

@Suite("IAM: Service Usage")
struct IAMServiceUsageTests {
    static let base = "/v1/projects/demo-project/services"

    func enabledNames(_ cloud: TestCloud) async throws -> [String] {
        let (_, body) = try await cloud.call("GET", "\(Self.base)?filter=state:ENABLED")
        return body["services"]?.arrayValue?.compactMap { $0["config"]?["name"]?.stringValue } ?? []
    }

    @Test func servicesStartDisabledWithTheirProjectNumber() async throws {
        try await withCloud { cloud in
            let number = cloud.cloud.context.projectNumber("demo-project")
            let (status, body) = try await cloud.call("GET", "\(Self.base)/bigquery.googleapis.com")
            #expect(status == 200)
            #expect(body["name"] == .string("projects/\(number)/services/bigquery.googleapis.com"))
            #expect(body["parent"] == .string("projects/\(number)"))
            #expect(body["config"]?["name"] == "bigquery.googleapis.com")
            #expect(body["config"]?["title"] == "BigQuery API")
            #expect(body["state"] == "DISABLED")
        }
    }

    @Test func enableAnswersADoneOperationAndPersists() async throws {
        try await withCloud { cloud in
            let (status, operation) = try await cloud.call("POST", "\(Self.base)/pubsub.googleapis.com:enable", [:])
            #expect(status == 200)
            #expect(operation["done"] == true)
            #expect(operation["name"]?.stringValue?.hasPrefix("operations/") == true)
            #expect(operation["response"]?["@type"] == "type.googleapis.com/google.api.serviceusage.v1.EnableServiceResponse")
            #expect(operation["response"]?["service"]?["state"] == "ENABLED")
            #expect(try await cloud.call("GET", "\(Self.base)/pubsub.googleapis.com").body["state"] == "ENABLED")
            let number = cloud.cloud.context.projectNumber("demo-project")
            #expect(try await cloud.call("GET", "/v1/projects/\(number)/services/pubsub.googleapis.com").body["state"] == "ENABLED")
            let (opStatus, stored) = try await cloud.call("GET", "/v1/\(operation["name"]?.stringValue ?? "")")
            #expect(opStatus == 200)
            #expect(stored == operation)
        }
    }

    @Test func disableTurnsItOffAgain() async throws {
        try await withCloud { cloud in
            _ = try await cloud.call("POST", "\(Self.base)/pubsub.googleapis.com:enable", [:])
            let (status, operation) = try await cloud.call("POST", "\(Self.base)/pubsub.googleapis.com:disable",
                                                           ["disableDependentServices": true])
            #expect(status == 200)
            #expect(operation["response"]?["@type"] == "type.googleapis.com/google.api.serviceusage.v1.DisableServiceResponse")
            #expect(operation["response"]?["service"]?["state"] == "DISABLED")
            #expect(try await enabledNames(cloud) == [])
        }
    }

    @Test func batchEnableEnablesEveryService() async throws {
        try await withCloud { cloud in
            let (status, operation) = try await cloud.call("POST", "\(Self.base):batchEnable",
                                                           ["serviceIds": ["storage.googleapis.com", "bigquery.googleapis.com"]])
            #expect(status == 200)
            #expect(operation["done"] == true)
            #expect(operation["response"]?["@type"] == "type.googleapis.com/google.api.serviceusage.v1.BatchEnableServicesResponse")
            #expect(operation["response"]?["services"]?.arrayValue?.count == 2)
            #expect(try await enabledNames(cloud) == ["bigquery.googleapis.com", "storage.googleapis.com"])
        }
    }

    @Test func batchEnableOfMoreThan20OrABadNameEnablesNothing() async throws {
        try await withCloud { cloud in
            let many = JSON.array((1...21).map { .string("svc\($0).googleapis.com") })
            let bodies: [JSON] = [["serviceIds": many], ["serviceIds": ["storage.googleapis.com", "not a service"]], ["serviceIds": []]]
            for body in bodies {
                let (status, answer) = try await cloud.call("POST", "\(Self.base):batchEnable", body)
                #expect(status == 400)
                #expect(answer.errorStatus == "INVALID_ARGUMENT")
            }
            #expect(try await enabledNames(cloud) == [])
        }
    }

    @Test func malformedServiceNameIsInvalid() async throws {
        try await withCloud { cloud in
            for bad in ["bigquery", "BigQuery.googleapis.com", "-bad.googleapis.com"] {
                let (status, body) = try await cloud.call("POST", "\(Self.base)/\(bad):enable", [:])
                #expect(status == 400, "\(bad)")
                #expect(body.errorStatus == "INVALID_ARGUMENT")
            }
            #expect(try await enabledNames(cloud) == [])
        }
    }

    @Test func aServiceOutsideGoogleAPIsIsNotFoundOrDenied() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", "\(Self.base)/notaservice.example.com:enable", [:])
            #expect(status == 403)
            #expect(body.errorStatus == "PERMISSION_DENIED")
            #expect(try await enabledNames(cloud) == [])
        }
    }

    @Test func listFiltersByStateAndPaginates() async throws {
        try await withCloud { cloud in
            _ = try await cloud.call("POST", "\(Self.base):batchEnable",
                                     ["serviceIds": ["storage.googleapis.com", "bigquery.googleapis.com", "custom.googleapis.com"]])
            let (_, page1) = try await cloud.call("GET", "\(Self.base)?filter=state:ENABLED&pageSize=2")
            #expect(page1["services"]?.arrayValue?.compactMap { $0["config"]?["name"]?.stringValue } == ["bigquery.googleapis.com", "custom.googleapis.com"])
            let token = page1["nextPageToken"]?.stringValue ?? ""
            let (_, page2) = try await cloud.call("GET", "\(Self.base)?filter=state:ENABLED&pageSize=2&pageToken=\(token)")
            #expect(page2["services"]?.arrayValue?.compactMap { $0["config"]?["name"]?.stringValue } == ["storage.googleapis.com"])
            #expect(page2["nextPageToken"] == nil)
            let (_, disabled) = try await cloud.call("GET", "\(Self.base)?filter=state:DISABLED")
            let names = disabled["services"]?.arrayValue?.compactMap { $0["config"]?["name"]?.stringValue } ?? []
            #expect(names.contains("pubsub.googleapis.com"))
            #expect(!names.contains("storage.googleapis.com"))
        }
    }

    @Test func unknownFilterIsInvalid() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "\(Self.base)?filter=name:bigquery")
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
        }
    }

    @Test func stateSurvivesARestart() async throws {
        let dir = makeTemporaryDirectory()
        try await withCloud(directory: dir, keepData: true) { cloud in
            _ = try await cloud.call("POST", "\(Self.base)/pubsub.googleapis.com:enable", [:])
        }
        try await withCloud(directory: dir) { cloud in
            let names = try await enabledNames(cloud)
            #expect(names == ["pubsub.googleapis.com"])
        }
    }

    @Test func unknownOperationIsNotFound() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "/v1/operations/acat.p2-1-nothing")
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
        }
    }
}
