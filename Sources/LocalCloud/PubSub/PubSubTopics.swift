import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Topics: create, get, list, patch, delete, and the names of their subscriptions.
extension PubSubService {
    /// Fields of a topic that `patch` may change.
    static let topicUpdatable: Set<String> = ["labels", "messageRetentionDuration", "messageStoragePolicy", "kmsKeyName"]

    /// The topic named by the path: project, id (checked) and full name.
    func topicPath(_ request: ServiceRequest) throws -> (project: String, id: String, name: String) {
        let project = request.param("project")
        let id = request.param("topic")
        try Names.checkPubSubID(id, kind: "topic")
        return (project, id, PubSubNames.topic(project, id))
    }

    /// A topic resource built from a request body: checked, normalised, output-only fields dropped.
    static func buildTopic(_ body: JSON, name: String) throws -> JSON {
        for feature in ["schemaSettings", "ingestionDataSourceSettings"] where body[feature] != nil && body[feature] != .null {
            throw GCPError.notImplemented("Pub/Sub topic \(feature)")
        }
        if let transforms = body["messageTransforms"]?.arrayValue, !transforms.isEmpty {
            throw GCPError.notImplemented("Pub/Sub message transforms")
        }
        var topic: [String: JSON] = ["name": .string(name)]
        if let labels = try labels(body["labels"]) { topic["labels"] = labels }
        if let retention = body["messageRetentionDuration"]?.stringValue {
            topic["messageRetentionDuration"] = .string(try ProtoDuration.normalise(
                retention, field: "messageRetentionDuration", range: 600...2_678_400, rangeText: "between 10 minutes and 31 days"))
        }
        for field in ["kmsKeyName", "messageStoragePolicy"] {
            if let value = body[field], value != .null { topic[field] = value }
        }
        return .object(topic)
    }

    /// A checked label map, or nil when none (or an empty one) is given.
    static func labels(_ raw: JSON?) throws -> JSON? {
        guard let raw, raw != .null, let members = raw.objectValue, !members.isEmpty else { return nil }
        var labels: [String: String] = [:]
        for (key, value) in members { labels[key] = value.stringValue ?? "" }
        try Names.checkLabels(labels)
        return raw
    }

    func createTopic(_ request: ServiceRequest) async throws -> Response {
        let path = try topicPath(request)
        let body = try await request.pubsubBody("pubsub.Topic", allowEmpty: true)
        try PubSubNames.checkBodyName(body, expected: path.name)
        let topic = try Self.buildTopic(body, name: path.name)
        try context.store.write { db in
            guard try db.pubsubBody(table: "pubsub_topics", name: path.name) == nil else { throw PubSubNames.alreadyExists(path.id) }
            try db.run("INSERT INTO pubsub_topics (name, project, body) VALUES (?, ?, ?)",
                       [.text(path.name), .text(path.project), .text(topic.encoded())])
        }
        context.consistency.recordCreation(path: "v1/" + path.name)
        return .json(topic)
    }

    func getTopic(_ request: ServiceRequest) async throws -> Response {
        let path = try topicPath(request)
        return try storedResource(table: "pubsub_topics", name: path.name, id: path.id)
    }

    func listTopics(_ request: ServiceRequest) async throws -> Response {
        try storedList(table: "pubsub_topics", key: "topics", request)
    }

    func patchTopic(_ request: ServiceRequest) async throws -> Response {
        let path = try topicPath(request)
        let body = try await request.pubsubBody("pubsub.UpdateTopicRequest")
        guard let given = body["topic"], case .object = given else {
            throw GCPError.invalid("Invalid value for field 'topic': the topic to update is required.")
        }
        try PubSubNames.checkBodyName(given, expected: path.name)
        let fields = try FieldMask.paths(body["updateMask"]?.stringValue, allowed: Self.topicUpdatable)
        let patch = try Self.buildTopic(given, name: path.name)
        let updated: JSON = try context.store.write { db in
            guard var topic = try db.pubsubBody(table: "pubsub_topics", name: path.name) else { throw PubSubNames.notFound(path.id) }
            for field in fields { topic[field] = patch[field] }
            try db.run("UPDATE pubsub_topics SET body = ? WHERE name = ?", [.text(topic.encoded()), .text(path.name)])
            return topic
        }
        return .json(updated)
    }

    func deleteTopic(_ request: ServiceRequest) async throws -> Response {
        let path = try topicPath(request)
        try context.store.write { db in
            guard try db.run("DELETE FROM pubsub_topics WHERE name = ?", [.text(path.name)]) == 1 else {
                throw PubSubNames.notFound(path.id)
            }
            let attached = try db.query("SELECT name, body FROM pubsub_subscriptions WHERE topic = ?", [.text(path.name)])
            for row in attached {
                var subscription = try JSON.parse(row.string("body") ?? "{}")
                subscription["topic"] = .string(Self.deletedTopic)
                try db.run("UPDATE pubsub_subscriptions SET topic = ?, body = ? WHERE name = ?",
                           [.text(Self.deletedTopic), .text(subscription.encoded()), .text(row.string("name") ?? "")])
            }
            try IAMPolicies.remove(db, resource: path.name)
        }
        return .pubsubEmpty
    }

    /// What a subscription's `topic` reads once its topic is deleted.
    static let deletedTopic = "_deleted-topic_"

    func listTopicSubscriptions(_ request: ServiceRequest) async throws -> Response {
        let path = try topicPath(request)
        let page = try PubSubPage(request.query)
        let rows = try context.store.read { db in
            guard try db.pubsubBody(table: "pubsub_topics", name: path.name) != nil else { throw PubSubNames.notFound(path.id) }
            return try db.query("SELECT name FROM pubsub_subscriptions WHERE topic = ? AND name > ? ORDER BY name LIMIT ?",
                                [.text(path.name), .text(page.after ?? ""), .int(Int64(page.size + 1))])
        }
        return .json(page.response(key: "subscriptions", rows: rows.map { row in
            let name = row.string("name") ?? ""
            return (name, JSON.string(name))
        }))
    }
}
