import Hummingbird
import TerraceJSON

/// Resource Manager v1: every well-formed project id is an ACTIVE project; its IAM policy is
/// stored under "projects/ID".
extension IAMService {
    var resourceManagerRoutes: [Route] {
        [
            Route(.get, "/v1/projects/{projectId}") { request in
                try await getProject(request.param("projectId"))
            },
            Route(.post, "/v1/projects/{projectId}:getAncestry") { request in
                let id = request.param("projectId")
                try Names.checkProjectID(id)
                return .json(["ancestor": [["resourceId": ["type": "project", "id": .string(id)]]]])
            },
            Route(.post, "/v1/projects/{resource}:getIamPolicy") { request in
                let id = request.param("resource")
                try Names.checkProjectID(id)
                let body = try await request.validatedBody("cloudresourcemanager.GetIamPolicyRequest", allowEmpty: true)
                let version = body["options"]?["requestedPolicyVersion"]?.intValue
                return .json(try context.store.read { db in
                    try IAMSupport.getPolicy(db, resource: "projects/" + id, requestedVersion: version)
                })
            },
            Route(.post, "/v1/projects/{resource}:setIamPolicy") { request in
                let id = request.param("resource")
                try Names.checkProjectID(id)
                let body = try await request.validatedBody("cloudresourcemanager.SetIamPolicyRequest")
                return .json(try context.store.write { db in
                    try IAMSupport.setPolicy(db, resource: "projects/" + id, request: body)
                })
            },
            Self.unimplemented(.post, "/v1/projects/{resource}:testIamPermissions", "testIamPermissions (the local cloud does not model permissions)"),
            Self.unimplemented(.get, "/v1/projects", "listing projects (every well-formed project id exists implicitly)"),
            Self.unimplemented(.post, "/v1/projects", "creating projects (every well-formed project id exists implicitly)"),
            Self.unimplemented(.put, "/v1/projects/{projectId}", "updating projects"),
            Self.unimplemented(.delete, "/v1/projects/{projectId}", "deleting projects"),
            Self.unimplemented(.post, "/v1/projects/{projectId}:undelete", "undeleting projects"),
        ]
    }

    func getProject(_ id: String) async throws -> Response {
        try Names.checkProjectID(id)
        return .json([
            "projectId": .string(id),
            "projectNumber": .string(context.projectNumber(id)),
            "name": .string(id),
            "lifecycleState": "ACTIVE",
        ])
    }
}
