import LocalCloud
import Testing
import TerraceJSON

@Suite("IAM: service accounts")
struct IAMServiceAccountTests {
    static let base = "/v1/projects/demo-project/serviceAccounts"

    func create(_ cloud: TestCloud, _ id: String, displayName: String = "Loader") async throws -> JSON {
        let (status, body) = try await cloud.call("POST", Self.base,
                                                  ["accountId": .string(id), "serviceAccount": ["displayName": .string(displayName), "description": "loads data"]])
        #expect(status == 200)
        return body
    }

    func count(_ cloud: TestCloud) async throws -> Int {
        try await cloud.call("GET", Self.base).body["accounts"]?.arrayValue?.count ?? 0
    }

    @Test func createAnswersTheServiceAccountResource() async throws {
        try await withCloud { cloud in
            let account = try await create(cloud, "loader")
            let email = "loader@demo-project.iam.gserviceaccount.com"
            #expect(account["email"] == .string(email))
            #expect(account["name"] == .string("projects/demo-project/serviceAccounts/\(email)"))
            #expect(account["projectId"] == "demo-project")
            #expect(account["displayName"] == "Loader")
            #expect(account["description"] == "loads data")
            #expect(account["disabled"] == false)
            let uniqueID = account["uniqueId"]?.stringValue ?? ""
            #expect(uniqueID.count == 21 && uniqueID.allSatisfy(\.isNumber))
            #expect(account["oauth2ClientId"] == .string(uniqueID))
            #expect(account["etag"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func badAccountIdsAreInvalidAndStoreNothing() async throws {
        try await withCloud { cloud in
            for bad in ["short", "Upper-case", "1starts-with-digit", "ends-with-hyphen-", "has_underscore",
                        String(repeating: "a", count: 31)] {
                let (status, body) = try await cloud.call("POST", Self.base, ["accountId": .string(bad)])
                #expect(status == 400, "\(bad)")
                #expect(body.errorStatus == "INVALID_ARGUMENT")
            }
            let (status, body) = try await cloud.call("POST", Self.base, ["serviceAccount": ["displayName": "no id"]])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            #expect(try await count(cloud) == 0)
        }
    }

    @Test func malformedProjectIsInvalidAndStoresNothing() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", "/v1/projects/Bad_Project/serviceAccounts", ["accountId": "loader"])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            let (getStatus, _) = try await cloud.call("GET", "/v1/projects/-/serviceAccounts/loader@Bad_Project.iam.gserviceaccount.com")
            #expect(getStatus == 404)
        }
    }

    @Test func unknownFieldIsInvalidAndStoresNothing() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", Self.base, ["accountId": "loader", "colour": "red"])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            #expect(try await count(cloud) == 0)
        }
    }

    @Test func duplicateIsAlreadyExists() async throws {
        try await withCloud { cloud in
            let first = try await create(cloud, "loader")
            let (status, body) = try await cloud.call("POST", Self.base, ["accountId": "loader", "serviceAccount": ["displayName": "Other"]])
            #expect(status == 409)
            #expect(body.errorStatus == "ALREADY_EXISTS")
            let (_, stored) = try await cloud.call("GET", "\(Self.base)/loader@demo-project.iam.gserviceaccount.com")
            #expect(stored == first)
        }
    }

    @Test func getByEmailUniqueIdAndWildcardProject() async throws {
        try await withCloud { cloud in
            let account = try await create(cloud, "loader")
            let uniqueID = account["uniqueId"]?.stringValue ?? ""
            for path in ["\(Self.base)/loader@demo-project.iam.gserviceaccount.com", "\(Self.base)/\(uniqueID)",
                         "/v1/projects/-/serviceAccounts/\(uniqueID)", "/v1/projects/-/serviceAccounts/loader@demo-project.iam.gserviceaccount.com"] {
                let (status, body) = try await cloud.call("GET", path)
                #expect(status == 200, "\(path)")
                #expect(body == account)
            }
        }
    }

    @Test func missingAccountIsNotFound() async throws {
        try await withCloud { cloud in
            for path in ["\(Self.base)/ghost@demo-project.iam.gserviceaccount.com", "/v1/projects/-/serviceAccounts/123456789012345678901"] {
                let (status, body) = try await cloud.call("GET", path)
                #expect(status == 404)
                #expect(body.errorStatus == "NOT_FOUND")
            }
            let (status, body) = try await cloud.call("DELETE", "\(Self.base)/ghost@demo-project.iam.gserviceaccount.com")
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
        }
    }

    @Test func accountInAnotherProjectIsNotFound() async throws {
        try await withCloud { cloud in
            _ = try await create(cloud, "loader")
            let (status, body) = try await cloud.call("GET", "/v1/projects/other-project/serviceAccounts/loader@demo-project.iam.gserviceaccount.com")
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
        }
    }

    @Test func patchChangesOnlyTheMaskedFields() async throws {
        try await withCloud { cloud in
            let account = try await create(cloud, "loader")
            let path = "\(Self.base)/loader@demo-project.iam.gserviceaccount.com"
            let (status, patched) = try await cloud.call("PATCH", path, [
                "serviceAccount": ["displayName": "Nightly loader", "description": "ignored"], "updateMask": "displayName",
            ])
            #expect(status == 200)
            #expect(patched["displayName"] == "Nightly loader")
            #expect(patched["description"] == "loads data")
            #expect(patched["etag"] != account["etag"])
            let (_, stored) = try await cloud.call("GET", path)
            #expect(stored == patched)
        }
    }

    @Test func patchWithoutOrWithABadMaskChangesNothing() async throws {
        try await withCloud { cloud in
            let account = try await create(cloud, "loader")
            let path = "\(Self.base)/loader@demo-project.iam.gserviceaccount.com"
            for body: JSON in [["serviceAccount": ["displayName": "X"]], ["serviceAccount": ["email": "x@y.z"], "updateMask": "email"]] {
                let (status, answer) = try await cloud.call("PATCH", path, body)
                #expect(status == 400)
                #expect(answer.errorStatus == "INVALID_ARGUMENT")
            }
            let (_, stored) = try await cloud.call("GET", path)
            #expect(stored == account)
        }
    }

    @Test func updateReplacesDisplayNameAndDescription() async throws {
        try await withCloud { cloud in
            let account = try await create(cloud, "loader")
            let path = "\(Self.base)/\(account["uniqueId"]?.stringValue ?? "")"
            let (status, updated) = try await cloud.call("PUT", path, ["displayName": "Renamed", "etag": account["etag"] ?? nil])
            #expect(status == 200)
            #expect(updated["displayName"] == "Renamed")
            #expect(updated["description"] == nil)
            let (staleStatus, stale) = try await cloud.call("PUT", path, ["displayName": "Again", "etag": account["etag"] ?? nil])
            #expect(staleStatus == 409)
            #expect(stale.errorStatus == "ABORTED")
            #expect(try await cloud.call("GET", path).body == updated)
        }
    }

    @Test func listPaginates() async throws {
        try await withCloud { cloud in
            for id in ["account-c", "account-a", "account-b"] { _ = try await create(cloud, id) }
            let (_, first) = try await cloud.call("GET", "\(Self.base)?pageSize=2")
            #expect(first["accounts"]?.arrayValue?.compactMap { $0["email"]?.stringValue } == [
                "account-a@demo-project.iam.gserviceaccount.com", "account-b@demo-project.iam.gserviceaccount.com",
            ])
            let token = first["nextPageToken"]?.stringValue ?? ""
            #expect(!token.isEmpty)
            let (_, second) = try await cloud.call("GET", "\(Self.base)?pageSize=2&pageToken=\(token)")
            #expect(second["accounts"]?.arrayValue?.compactMap { $0["email"]?.stringValue } == ["account-c@demo-project.iam.gserviceaccount.com"])
            #expect(second["nextPageToken"] == nil)
            let (_, other) = try await cloud.call("GET", "/v1/projects/other-project/serviceAccounts")
            #expect(other["accounts"] == nil)
        }
    }

    @Test func deleteRemovesTheAccountAndItsPolicy() async throws {
        try await withCloud { cloud in
            _ = try await create(cloud, "loader")
            let path = "\(Self.base)/loader@demo-project.iam.gserviceaccount.com"
            let binding: JSON = ["role": "roles/iam.serviceAccountUser", "members": ["user:ana@example.com"]]
            let (setStatus, _) = try await cloud.call("POST", path + ":setIamPolicy", ["policy": ["bindings": [binding]]])
            #expect(setStatus == 200)
            #expect(try await cloud.call("POST", path + ":getIamPolicy").body["bindings"] == [binding])
            let (status, body) = try await cloud.call("DELETE", path)
            #expect(status == 200)
            #expect(body == [:])
            #expect(try await cloud.call("GET", path).status == 404)
            _ = try await create(cloud, "loader")
            #expect(try await cloud.call("POST", path + ":getIamPolicy").body["bindings"] == nil)
        }
    }

    @Test func recreatedAccountGetsANewUniqueId() async throws {
        try await withCloud { cloud in
            let first = try await create(cloud, "loader")
            _ = try await cloud.call("DELETE", "\(Self.base)/loader@demo-project.iam.gserviceaccount.com")
            let second = try await create(cloud, "loader")
            #expect(first["uniqueId"] != second["uniqueId"])
        }
    }

    @Test func disableAndEnableFlipTheDisabledFlag() async throws {
        try await withCloud { cloud in
            _ = try await create(cloud, "loader")
            let path = "\(Self.base)/loader@demo-project.iam.gserviceaccount.com"
            #expect(try await cloud.call("POST", path + ":disable", [:]).status == 200)
            #expect(try await cloud.call("GET", path).body["disabled"] == true)
            #expect(try await cloud.call("POST", path + ":enable", [:]).status == 200)
            #expect(try await cloud.call("GET", path).body["disabled"] == false)
        }
    }

    @Test func createdAccountIsHiddenDuringTheConsistencyDelay() async throws {
        try await withCloud(configure: { $0.faults.consistencySeconds = 5 }) { cloud in
            _ = try await create(cloud, "loader")
            let path = "\(Self.base)/loader@demo-project.iam.gserviceaccount.com"
            #expect(try await cloud.call("GET", path).status == 404)
            cloud.clock.advance(seconds: 6)
            #expect(try await cloud.call("GET", path).status == 200)
        }
    }
}
