import LocalCloud
import Testing
import TerraceJSON

@Suite("IAM: Resource Manager projects and their policies")
struct IAMProjectPolicyTests {
    let viewer: JSON = ["role": "roles/viewer", "members": ["user:ana@example.com"]]

    @Test func anyWellFormedProjectExistsAndIsActive() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("GET", "/v1/projects/demo-project")
            #expect(status == 200)
            #expect(body["projectId"] == "demo-project")
            #expect(body["lifecycleState"] == "ACTIVE")
            #expect(body["projectNumber"]?.stringValue == cloud.cloud.context.projectNumber("demo-project"))
        }
    }

    @Test func ancestryIsTheProjectItself() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", "/v1/projects/demo-project:getAncestry", [:])
            #expect(status == 200)
            #expect(body["ancestor"] == [["resourceId": ["type": "project", "id": "demo-project"]]])
        }
    }

    @Test func malformedProjectIdIsInvalidArgument() async throws {
        try await withCloud { cloud in
            for bad in ["Demo-Project", "abc", "1project", "ends-with-", "has_underscore"] {
                let (status, body) = try await cloud.call("POST", "/v1/projects/\(bad):getIamPolicy", [:])
                #expect(status == 400, "\(bad)")
                #expect(body.errorStatus == "INVALID_ARGUMENT")
            }
        }
    }

    @Test func setThenGetReturnsTheBindingsWithANewEtag() async throws {
        try await withCloud { cloud in
            let (_, before) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            let (status, set) = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                                     ["policy": ["bindings": [viewer], "etag": before["etag"] ?? nil]])
            #expect(status == 200)
            #expect(set["etag"] != before["etag"])
            let (_, after) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            #expect(after["bindings"] == [viewer])
            #expect(after["etag"] == set["etag"])
            #expect(after["version"] == 1)
        }
    }

    @Test func staleEtagIsAbortedAndChangesNothing() async throws {
        try await withCloud { cloud in
            let (_, first) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            _ = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                     ["policy": ["bindings": [viewer], "etag": first["etag"] ?? nil]])
            let (_, current) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            let owner: JSON = ["role": "roles/owner", "members": ["user:bo@example.com"]]
            let (status, body) = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                                      ["policy": ["bindings": [owner], "etag": first["etag"] ?? nil]])
            #expect(status == 409)
            #expect(body.errorStatus == "ABORTED")
            let (_, after) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            #expect(after == current)
        }
    }

    @Test func conditionalBindingsNeedVersion3() async throws {
        try await withCloud { cloud in
            let conditional: JSON = ["role": "roles/viewer", "members": ["user:ana@example.com"],
                                     "condition": ["title": "until 2027", "expression": "request.time < timestamp('2027-01-01T00:00:00Z')"]]
            let (status, body) = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                                      ["policy": ["bindings": [conditional], "version": 1]])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            let (_, unchanged) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            #expect(unchanged["bindings"] == nil)

            let (okStatus, set) = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                                       ["policy": ["bindings": [conditional], "version": 3]])
            #expect(okStatus == 200)
            #expect(set["version"] == 3)
            let (v1Status, v1) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            #expect(v1Status == 400)
            #expect(v1.errorStatus == "INVALID_ARGUMENT")
            let (v3Status, v3) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy",
                                                      ["options": ["requestedPolicyVersion": 3]])
            #expect(v3Status == 200)
            #expect(v3["bindings"]?[0]?["condition"]?["title"] == "until 2027")
        }
    }

    @Test func badMemberOrRoleIsRejectedAndThePolicyUnchanged() async throws {
        try await withCloud { cloud in
            _ = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy", ["policy": ["bindings": [viewer]]])
            let (_, before) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            let bad: [JSON] = [
                ["role": "roles/viewer", "members": ["ana@example.com"]],
                ["role": "viewer", "members": ["user:ana@example.com"]],
                ["role": "roles/viewer", "members": ["robot:x@example.com"]],
            ]
            for binding in bad {
                let (status, body) = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                                          ["policy": ["bindings": [binding]]])
                #expect(status == 400, "\(binding)")
                #expect(body.errorStatus == "INVALID_ARGUMENT")
            }
            let (_, after) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            #expect(after == before)
        }
    }

    @Test func unknownFieldInTheRequestIsRejected() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                                      ["policy": ["bindings": [viewer]], "colour": "red"])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            let (_, after) = try await cloud.call("POST", "/v1/projects/demo-project:getIamPolicy", [:])
            #expect(after["bindings"] == nil)
        }
    }

    @Test func updateMaskWithoutBindingsKeepsTheStoredBindings() async throws {
        try await withCloud { cloud in
            _ = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy", ["policy": ["bindings": [viewer]]])
            let audit: JSON = [["service": "allServices", "auditLogConfigs": [["logType": "DATA_READ"]]]]
            let (status, set) = try await cloud.call("POST", "/v1/projects/demo-project:setIamPolicy",
                                                     ["policy": ["auditConfigs": audit], "updateMask": "auditConfigs"])
            #expect(status == 200)
            #expect(set["bindings"] == [viewer])
            #expect(set["auditConfigs"] == audit)
        }
    }

    @Test func bindingAServiceAccountThatDoesNotExistIsInvalidUntilItIsCreated() async throws {
        try await withCloud { cloud in
            let path = "/v1/projects/sa-race-project:setIamPolicy"
            let binding: JSON = ["role": "roles/bigquery.dataEditor",
                                 "members": ["serviceAccount:loader@sa-race-project.iam.gserviceaccount.com"]]
            let (status, body) = try await cloud.call("POST", path, ["policy": ["bindings": [binding]]])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            let (_, unchanged) = try await cloud.call("POST", "/v1/projects/sa-race-project:getIamPolicy", [:])
            #expect(unchanged["bindings"] == nil)
            _ = try await cloud.call("POST", "/v1/projects/sa-race-project/serviceAccounts", ["accountId": "loader"])
            let (retried, _) = try await cloud.call("POST", path, ["policy": ["bindings": [binding]]])
            #expect(retried == 200)
        }
    }

    @Test func serviceAgentsAreNotChecked() async throws {
        try await withCloud { cloud in
            let binding: JSON = ["role": "roles/pubsub.publisher",
                                 "members": ["serviceAccount:service-123@gcp-sa-pubsub.iam.gserviceaccount.com"]]
            let (status, _) = try await cloud.call("POST", "/v1/projects/sa-race-project:setIamPolicy", ["policy": ["bindings": [binding]]])
            #expect(status == 200)
        }
    }
}
