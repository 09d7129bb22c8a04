import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Pub/Sub v1: topics, subscriptions, publish/pull/ack, redelivery, ordering, dead letters, IAM.
///
/// Topics and subscriptions are JSON bodies in their own tables; every published message is one
/// row of `pubsub_messages`, and every subscription it fans out to gets one row of
/// `pubsub_deliveries` carrying that subscription's delivery state (attempts, lease, when it is
/// next due). Lease expiry, backoff and dead-lettering are applied lazily, whenever a
/// subscription is touched, from `context.clock`.
public struct PubSubService: CloudService {
    public static let schema = """
        CREATE TABLE IF NOT EXISTS pubsub_topics (
            name TEXT PRIMARY KEY, project TEXT NOT NULL, body TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS pubsub_subscriptions (
            name TEXT PRIMARY KEY, project TEXT NOT NULL, topic TEXT NOT NULL, body TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS pubsub_subscriptions_by_topic ON pubsub_subscriptions (topic, name);
        CREATE TABLE IF NOT EXISTS pubsub_messages (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            data TEXT NOT NULL,
            attributes TEXT NOT NULL,
            ordering_key TEXT NOT NULL,
            publish_micros INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS pubsub_deliveries (
            subscription TEXT NOT NULL,
            seq INTEGER NOT NULL REFERENCES pubsub_messages (seq),
            ordering_key TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            leased INTEGER NOT NULL DEFAULT 0,
            due_micros INTEGER NOT NULL,
            PRIMARY KEY (subscription, seq)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS pubsub_deliveries_by_key ON pubsub_deliveries (subscription, ordering_key, seq);
        CREATE INDEX IF NOT EXISTS pubsub_deliveries_by_seq ON pubsub_deliveries (seq);
        """
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        let topic = "v1/projects/{project}/topics/{topic}"
        let subscription = "v1/projects/{project}/subscriptions/{subscription}"
        var routes: [Route] = [
            Route(.put, topic) { try await self.createTopic($0) },
            Route(.get, topic) { try await self.getTopic($0) },
            Route(.patch, topic) { try await self.patchTopic($0) },
            Route(.delete, topic) { try await self.deleteTopic($0) },
            Route(.get, "v1/projects/{project}/topics") { try await self.listTopics($0) },
            Route(.get, topic + "/subscriptions") { try await self.listTopicSubscriptions($0) },
            Route(.post, topic + ":publish") { try await self.publish($0) },
            Route(.put, subscription) { try await self.createSubscription($0) },
            Route(.get, subscription) { try await self.getSubscription($0) },
            Route(.patch, subscription) { try await self.patchSubscription($0) },
            Route(.delete, subscription) { try await self.deleteSubscription($0) },
            Route(.get, "v1/projects/{project}/subscriptions") { try await self.listSubscriptions($0) },
            Route(.post, subscription + ":pull") { try await self.pull($0) },
            Route(.post, subscription + ":acknowledge") { try await self.acknowledge($0) },
            Route(.post, subscription + ":modifyAckDeadline") { try await self.modifyAckDeadline($0) },
        ]
        for (pattern, collection) in [(topic, "topics"), (subscription, "subscriptions")] {
            routes.append(Route(.get, pattern + ":getIamPolicy") { try await self.getIamPolicy($0, collection: collection) })
            routes.append(Route(.post, pattern + ":getIamPolicy") { try await self.getIamPolicy($0, collection: collection) })
            routes.append(Route(.post, pattern + ":setIamPolicy") { try await self.setIamPolicy($0, collection: collection) })
            routes.append(Route(.post, pattern + ":testIamPermissions") { try await self.testIamPermissions($0, collection: collection) })
        }
        let unimplemented: [(HTTPRequest.Method, String, String)] = [
            (.post, subscription + ":seek", "subscriptions.seek"),
            (.post, subscription + ":detach", "subscriptions.detach"),
            (.post, subscription + ":modifyPushConfig", "push subscriptions"),
            (.get, "v1/projects/{project}/snapshots", "snapshots"),
            (.get, "v1/projects/{project}/snapshots/{snapshot}", "snapshots"),
            (.put, "v1/projects/{project}/snapshots/{snapshot}", "snapshots"),
            (.patch, "v1/projects/{project}/snapshots/{snapshot}", "snapshots"),
            (.delete, "v1/projects/{project}/snapshots/{snapshot}", "snapshots"),
            (.get, topic + "/snapshots", "snapshots"),
            (.get, "v1/projects/{project}/schemas", "schemas"),
            (.post, "v1/projects/{project}/schemas", "schemas"),
            (.get, "v1/projects/{project}/schemas/{schema}", "schemas"),
            (.delete, "v1/projects/{project}/schemas/{schema}", "schemas"),
        ]
        for (method, pattern, feature) in unimplemented {
            routes.append(Route(method, pattern) { _ in throw GCPError.notImplemented("Pub/Sub \(feature)") })
        }
        return [APIRoutes(name: "pubsub", style: .canonical, routes: routes)]
    }

    // MARK: IAM

    /// The resource name of a topic or subscription path, after checking it exists.
    private func iamResource(_ request: ServiceRequest, collection: String) throws -> String {
        let project = request.param("project")
        let id = request.param(collection == "topics" ? "topic" : "subscription")
        try Names.checkPubSubID(id, kind: collection == "topics" ? "topic" : "subscription")
        let name = "projects/\(project)/\(collection)/\(id)"
        let table = collection == "topics" ? "pubsub_topics" : "pubsub_subscriptions"
        let exists = try context.store.read { db in try db.queryOne("SELECT 1 AS x FROM \(table) WHERE name = ?", [.text(name)]) }
        guard exists != nil else { throw PubSubNames.notFound(id) }
        return name
    }

    func getIamPolicy(_ request: ServiceRequest, collection: String) async throws -> Response {
        var version = try request.query.int("options.requestedPolicyVersion")
        if request.method == .post {
            let body = try await request.jsonBody(allowEmpty: true)
            if let raw = body["options"]?["requestedPolicyVersion"], raw != .null {
                guard let value = raw.intValue else {
                    throw GCPError.invalid("Invalid value for field 'options.requestedPolicyVersion': expected an integer.")
                }
                version = value
            }
        }
        if let version, ![0, 1, 3].contains(version) {
            throw GCPError.invalid("Invalid requested policy version \(version): it must be 0, 1 or 3.")
        }
        let resource = try iamResource(request, collection: collection)
        return .json(try context.store.read { db in try IAMPolicies.get(db, resource: resource) })
    }

    func setIamPolicy(_ request: ServiceRequest, collection: String) async throws -> Response {
        let body = try await request.pubsubBody("pubsub.SetIamPolicyRequest")
        guard let policy = body["policy"], policy != .null else {
            throw GCPError.invalid("Invalid value for field 'policy': a policy is required.")
        }
        let resource = try iamResource(request, collection: collection)
        return .json(try context.store.write { db in try IAMPolicies.set(db, resource: resource, policy: policy) })
    }

    /// The local cloud does not enforce IAM, so every Pub/Sub permission asked about is held.
    func testIamPermissions(_ request: ServiceRequest, collection: String) async throws -> Response {
        let body = try await request.pubsubBody("pubsub.TestIamPermissionsRequest")
        _ = try iamResource(request, collection: collection)
        let held = (body["permissions"]?.arrayValue ?? []).compactMap(\.stringValue).filter { $0.hasPrefix("pubsub.") }
        return .json(held.isEmpty ? .object([:]) : ["permissions": .array(held.map(JSON.string))])
    }
}

extension Database {
    /// A stored Pub/Sub body (topic or subscription) by full name.
    func pubsubBody(table: String, name: String) throws -> JSON? {
        guard let text = try queryOne("SELECT body FROM \(table) WHERE name = ?", [.text(name)])?.string("body") else { return nil }
        return try JSON.parse(text)
    }
}
