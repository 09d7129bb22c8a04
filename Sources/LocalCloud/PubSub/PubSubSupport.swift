import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Pub/Sub's error messages and resource-name helpers.
enum PubSubNames {
    static func notFound(_ id: String) -> GCPError { .notFound("Resource not found (resource=\(id)).") }

    static func alreadyExists(_ id: String) -> GCPError {
        .alreadyExists("Resource already exists in the project (resource=\(id)).", reason: "alreadyExists")
    }

    static func topic(_ project: String, _ id: String) -> String { "projects/\(project)/topics/\(id)" }
    static func subscription(_ project: String, _ id: String) -> String { "projects/\(project)/subscriptions/\(id)" }

    /// Splits "projects/P/topics/T" (or `subscriptions`) into project and id; a malformed name is a 400.
    static func parse(_ name: String, collection: String, field: String) throws -> (project: String, id: String) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "projects", !parts[1].isEmpty, parts[2] == collection else {
            throw GCPError.invalid("Invalid resource name given (\(field)=\(name)). Expected projects/PROJECT/\(collection)/ID.")
        }
        try Names.checkPubSubID(parts[3], kind: collection == "topics" ? "topic" : "subscription")
        return (parts[1], parts[3])
    }

    /// A body `name` must agree with the path.
    static func checkBodyName(_ body: JSON, expected: String) throws {
        if let given = body["name"]?.stringValue, !given.isEmpty, given != expected {
            throw GCPError.invalid("The resource name in the request body (\(given)) does not match the URL (\(expected)).")
        }
    }
}

/// Paging of Pub/Sub list calls: `pageSize` (default 100, at most 1000) and opaque page tokens.
struct PubSubPage {
    let size: Int
    let after: String?

    init(_ query: Query) throws {
        let requested = try query.int("pageSize") ?? 100
        guard requested >= 0 else { throw GCPError.invalid("Invalid value for parameter 'pageSize': must not be negative.") }
        size = Int(min(requested == 0 ? 100 : requested, 1000))
        after = try PageToken.parse(query["pageToken"])
    }

    /// The response: `items` under `key`, plus a `nextPageToken` when a further row exists.
    func response(key: String, rows: [(name: String, value: JSON)]) -> JSON {
        var out: [String: JSON] = [:]
        let page = rows.prefix(size)
        if !page.isEmpty { out[key] = .array(page.map(\.value)) }
        if rows.count > size, let last = page.last { out["nextPageToken"] = .string(PageToken.make(after: last.name)) }
        return .object(out)
    }
}

extension ServiceRequest {
    /// The JSON body validated against a Pub/Sub schema, unknown fields rejected.
    func pubsubBody(_ schema: String, allowEmpty: Bool = false) async throws -> JSON {
        let body = try await jsonBody(allowEmpty: allowEmpty)
        try SchemaValidator.shared.validate(body, schema: schema, root: "", rejectUnknown: true)
        return body
    }
}

extension Response {
    /// Pub/Sub's empty answer (`google.protobuf.Empty`).
    static var pubsubEmpty: Response { .json(.object([:])) }
}

extension PubSubService {
    /// A stored topic or subscription, or 404 in Pub/Sub's words.
    func storedResource(table: String, name: String, id: String) throws -> Response {
        guard let body = try context.store.read({ db in try db.pubsubBody(table: table, name: name) }) else {
            throw PubSubNames.notFound(id)
        }
        return .json(body)
    }

    /// One page of a project's topics or subscriptions, in name order.
    func storedList(table: String, key: String, _ request: ServiceRequest) throws -> Response {
        let page = try PubSubPage(request.query)
        let rows = try context.store.read { db in
            try db.query("SELECT name, body FROM \(table) WHERE project = ? AND name > ? ORDER BY name LIMIT ?",
                         [.text(request.param("project")), .text(page.after ?? ""), .int(Int64(page.size + 1))])
        }
        return .json(page.response(key: key, rows: try rows.map { row in
            (row.string("name") ?? "", try JSON.parse(row.string("body") ?? "{}"))
        }))
    }
}
