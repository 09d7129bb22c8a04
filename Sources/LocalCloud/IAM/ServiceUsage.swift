import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Service Usage v1: per-project service states (DISABLED until enabled), persisted under
/// "projects/NUMBER"; enable, disable and batchEnable answer long-running operations that are
/// already done and stay readable at GET /v1/operations/{id}.
extension IAMService {
    static let stateKind = "serviceusage.state"
    static let operationKind = "serviceusage.operation"
    static let responseType = "type.googleapis.com/google.api.serviceusage.v1."

    /// Services every listing shows, with their titles; any other well-formed name works too.
    static let knownServices: [String: String] = [
        "bigquery.googleapis.com": "BigQuery API",
        "bigquerystorage.googleapis.com": "BigQuery Storage API",
        "cloudresourcemanager.googleapis.com": "Cloud Resource Manager API",
        "iam.googleapis.com": "Identity and Access Management (IAM) API",
        "iamcredentials.googleapis.com": "IAM Service Account Credentials API",
        "pubsub.googleapis.com": "Cloud Pub/Sub API",
        "serviceusage.googleapis.com": "Service Usage API",
        "storage.googleapis.com": "Cloud Storage API",
        "storage-api.googleapis.com": "Google Cloud Storage JSON API",
    ]

    var serviceUsageRoutes: [Route] {
        [
            Route(.get, "/v1/projects/{project}/services/{service}") { request in
                let parent = try consumer(request.param("project"))
                let name = try Self.checkServiceName(request.param("service"))
                return .json(try context.store.read { db in try serviceState(db, parent: parent, name: name) })
            },
            Route(.get, "/v1/projects/{project}/services") { try await listServices($0) },
            Route(.get, "/v1/projects/{project}/services:batchGet") { request in
                let parent = try consumer(request.param("project"))
                let names = try request.query.all("names").map { full in
                    let parts = full.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
                    guard parts.count == 4, parts[0] == "projects", parts[2] == "services", try consumer(parts[1]) == parent else {
                        throw GCPError.invalid("Invalid service name \(full): expected \(parent)/services/SERVICE.")
                    }
                    return try Self.checkServiceName(parts[3])
                }
                guard names.count <= 30 else { throw GCPError.invalid("At most 30 services can be read in one batchGet; got \(names.count).") }
                return .json(["services": .array(try context.store.read { db in
                    try names.map { try serviceState(db, parent: parent, name: $0) }
                })])
            },
            Route(.post, "/v1/projects/{project}/services/{service}:enable") { request in
                let parent = try consumer(request.param("project"))
                let name = try Self.checkServiceName(request.param("service"))
                _ = try await request.validatedBody("serviceusage.EnableServiceRequest", allowEmpty: true)
                return .json(try setStates(parent: parent, names: [name], state: "ENABLED") { services in
                    ["@type": .string(Self.responseType + "EnableServiceResponse"), "service": services[0]]
                })
            },
            Route(.post, "/v1/projects/{project}/services/{service}:disable") { request in
                let parent = try consumer(request.param("project"))
                let name = try Self.checkServiceName(request.param("service"))
                _ = try await request.validatedBody("serviceusage.DisableServiceRequest", allowEmpty: true)
                return .json(try setStates(parent: parent, names: [name], state: "DISABLED") { services in
                    ["@type": .string(Self.responseType + "DisableServiceResponse"), "service": services[0]]
                })
            },
            Route(.post, "/v1/projects/{project}/services:batchEnable") { request in
                let parent = try consumer(request.param("project"))
                let body = try await request.validatedBody("serviceusage.BatchEnableServicesRequest")
                let ids = body["serviceIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
                guard !ids.isEmpty else { throw GCPError.invalid("The field 'serviceIds' is required: name at least one service.") }
                guard ids.count <= 20 else { throw GCPError.invalid("At most 20 services can be enabled in one request; got \(ids.count).") }
                let names = try ids.map(Self.checkServiceName)
                return .json(try setStates(parent: parent, names: names, state: "ENABLED") { services in
                    ["@type": .string(Self.responseType + "BatchEnableServicesResponse"), "services": .array(services)]
                })
            },
            Route(.get, "/v1/operations/{operation}") { request in
                let name = "operations/" + request.param("operation")
                guard let operation = try context.store.read({ db in
                    try db.getResource(ResourceKey(Self.operationKind, parent: "", name: name))
                }) else { throw GCPError.notFound("Operation \(name) not found.") }
                return .json(operation)
            },
            Self.unimplemented(.get, "/v1/operations", "listing operations"),
            Self.unimplemented(.post, "/v1/operations/{operation}:cancel", "cancelling operations (they finish at once)"),
            Self.unimplemented(.delete, "/v1/operations/{operation}", "deleting operations"),
        ]
    }

    /// "projects/NUMBER" for a project id or number; a malformed one is a 400.
    func consumer(_ project: String) throws -> String {
        if !project.isEmpty, project.count <= 20, project.allSatisfy({ ("0"..."9").contains($0) }) {
            return "projects/" + project
        }
        try Names.checkProjectID(project)
        return "projects/" + context.projectNumber(project)
    }

    /// Service names are DNS names such as "bigquery.googleapis.com".
    static func checkServiceName(_ name: String) throws -> String {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let ok = name.utf8.count <= 253 && labels.count >= 3 && labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
        guard ok else {
            throw GCPError.invalid("Invalid service name \"\(name)\": expected a service such as bigquery.googleapis.com.")
        }
        guard name.hasSuffix(".googleapis.com") else {
            // What Service Usage answers for a service it does not know.
            throw GCPError(code: 403, reason: "forbidden",
                           message: "Not found or permission denied for service(s): \(name).", status: "PERMISSION_DENIED")
        }
        return name
    }

    func serviceState(_ db: Database, parent: String, name: String) throws -> JSON {
        let stored = try db.getResource(ResourceKey(Self.stateKind, parent: parent, name: name))
        return Self.render(parent: parent, name: name, state: stored?["state"]?.stringValue ?? "DISABLED")
    }

    static func render(parent: String, name: String, state: String) -> JSON {
        [
            "name": .string("\(parent)/services/\(name)"),
            "parent": .string(parent),
            "config": ["name": .string(name), "title": .string(knownServices[name] ?? name)],
            "state": .string(state),
        ]
    }

    /// Sets `names` to `state` and stores and answers the done operation.
    func setStates(parent: String, names: [String], state: String, response: ([JSON]) -> [String: JSON]) throws -> JSON {
        try context.store.write { db in
            var services: [JSON] = []
            for name in names {
                try db.putResource(ResourceKey(Self.stateKind, parent: parent, name: name), ["state": .string(state)])
                services.append(Self.render(parent: parent, name: name, state: state))
            }
            let number = parent.dropFirst("projects/".count)
            let name = "operations/acat.p2-\(number)-\(IAMSupport.randomHex(bytes: 16))"
            let operation: JSON = ["name": .string(name), "done": true, "response": .object(response(services))]
            try db.putResource(ResourceKey(Self.operationKind, parent: "", name: name), operation)
            return operation
        }
    }

    func listServices(_ request: ServiceRequest) async throws -> Response {
        let parent = try consumer(request.param("project"))
        let wanted: String?
        switch request.query["filter"]?.filter({ $0 != " " }) {
        case nil, "": wanted = nil
        case "state:ENABLED": wanted = "ENABLED"
        case "state:DISABLED": wanted = "DISABLED"
        case let other?: throw GCPError.invalid("Invalid filter \"\(other)\": the allowed filters are state:ENABLED and state:DISABLED.")
        }
        let size = try request.pageSize(default: 50, max: 200)
        let after = try PageToken.parse(request.query["pageToken"]) ?? ""
        let stored = try context.store.read { db in try db.listResources(kind: Self.stateKind, parent: parent) }
        var states: [String: String] = Self.knownServices.mapValues { _ in "DISABLED" }
        for (name, body) in stored { states[name] = body["state"]?.stringValue ?? "DISABLED" }
        let matching = states.keys.sorted().filter { $0 > after && (wanted == nil || states[$0] == wanted) }
        let page = matching.prefix(size)
        var result: [String: JSON] = [:]
        if !page.isEmpty {
            result["services"] = .array(page.map { Self.render(parent: parent, name: $0, state: states[$0] ?? "DISABLED") })
        }
        if matching.count > size, let last = page.last { result["nextPageToken"] = .string(PageToken.make(after: last)) }
        return .json(.object(result))
    }
}
