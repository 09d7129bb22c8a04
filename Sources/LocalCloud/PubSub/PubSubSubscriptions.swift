import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Subscriptions: create, get, list, patch, delete.
extension PubSubService {
    /// Fields of a subscription that `patch` may change.
    static let subscriptionUpdatable: Set<String> = [
        "labels", "ackDeadlineSeconds", "messageRetentionDuration", "retryPolicy", "deadLetterPolicy",
        "expirationPolicy", "pushConfig",
    ]

    /// The subscription named by the path: project, id (checked) and full name.
    func subscriptionPath(_ request: ServiceRequest) throws -> (project: String, id: String, name: String) {
        let project = request.param("project")
        let id = request.param("subscription")
        try Names.checkPubSubID(id, kind: "subscription")
        return (project, id, PubSubNames.subscription(project, id))
    }

    /// A subscription resource from a request body, checked and with Pub/Sub's defaults filled in.
    /// Topics it names must exist in `db`, except `keepTopic` (a patch's unchanged topic) and an
    /// unchanged dead-letter topic.
    static func buildSubscription(_ body: JSON, name: String, db: Database, keepTopic: String? = nil,
                                  checkDeadLetterTopic: Bool = true) throws -> JSON {
        for feature in ["bigqueryConfig", "cloudStorageConfig", "bigtableConfig"] where body[feature] != nil && body[feature] != .null {
            throw GCPError.notImplemented("Pub/Sub \(feature) subscriptions")
        }
        if let endpoint = body["pushConfig"]?["pushEndpoint"]?.stringValue, !endpoint.isEmpty {
            throw GCPError.notImplemented("Pub/Sub push subscriptions")
        }
        if let filter = body["filter"]?.stringValue, !filter.isEmpty { throw GCPError.notImplemented("Pub/Sub subscription filters") }
        for flag in ["enableExactlyOnceDelivery", "retainAckedMessages", "detached"] where body[flag]?.boolValue == true {
            throw GCPError.notImplemented("Pub/Sub subscriptions with \(flag)")
        }
        if let transforms = body["messageTransforms"]?.arrayValue, !transforms.isEmpty {
            throw GCPError.notImplemented("Pub/Sub message transforms")
        }
        var out: [String: JSON] = ["name": .string(name), "pushConfig": [:], "state": "ACTIVE"]
        if let keepTopic {
            out["topic"] = .string(keepTopic)
        } else {
            guard let topic = body["topic"]?.stringValue, !topic.isEmpty else {
                throw GCPError.invalid("Invalid value for field 'topic': the topic of a subscription is required.")
            }
            try requireTopic(topic, field: "topic", db: db)
            out["topic"] = .string(topic)
        }
        let deadline = body["ackDeadlineSeconds"]?.intValue ?? 0
        guard deadline == 0 || (10...600).contains(deadline) else {
            throw GCPError.invalid("Invalid ack deadline given: \(deadline) seconds. The ack deadline must be between 10 and 600 seconds.")
        }
        out["ackDeadlineSeconds"] = .int(deadline == 0 ? 10 : deadline)
        out["messageRetentionDuration"] = .string(try ProtoDuration.normalise(
            body["messageRetentionDuration"]?.stringValue ?? "604800s", field: "messageRetentionDuration",
            range: 600...2_678_400, rangeText: "between 10 minutes and 31 days"))
        if let labels = try labels(body["labels"]) { out["labels"] = labels }
        if body["enableMessageOrdering"]?.boolValue == true { out["enableMessageOrdering"] = true }
        if let retry = body["retryPolicy"], retry != .null {
            func backoff(_ field: String, _ fallback: String) throws -> String {
                try ProtoDuration.normalise(retry[field]?.stringValue ?? fallback, field: "retryPolicy.\(field)",
                                             range: 0...600, rangeText: "between 0 and 600 seconds")
            }
            let minimum = try backoff("minimumBackoff", "10s")
            let maximum = try backoff("maximumBackoff", "600s")
            guard try ProtoDuration.parse(minimum, field: "") <= ProtoDuration.parse(maximum, field: "") else {
                throw GCPError.invalid("Invalid retry policy: minimumBackoff (\(minimum)) must not exceed maximumBackoff (\(maximum)).")
            }
            out["retryPolicy"] = ["minimumBackoff": .string(minimum), "maximumBackoff": .string(maximum)]
        }
        if let deadLetter = body["deadLetterPolicy"], deadLetter != .null {
            guard let topic = deadLetter["deadLetterTopic"]?.stringValue, !topic.isEmpty else {
                throw GCPError.invalid("Invalid value for field 'deadLetterPolicy.deadLetterTopic': a dead-letter topic is required.")
            }
            if checkDeadLetterTopic {
                try requireTopic(topic, field: "deadLetterPolicy.deadLetterTopic", db: db)
            } else {
                _ = try PubSubNames.parse(topic, collection: "topics", field: "deadLetterPolicy.deadLetterTopic")
            }
            let attempts = deadLetter["maxDeliveryAttempts"]?.intValue ?? 0
            guard attempts == 0 || (5...100).contains(attempts) else {
                throw GCPError.invalid("Invalid value for field 'deadLetterPolicy.maxDeliveryAttempts': \(attempts) must be between 5 and 100.")
            }
            out["deadLetterPolicy"] = ["deadLetterTopic": .string(topic), "maxDeliveryAttempts": .int(attempts == 0 ? 5 : attempts)]
        }
        if let expiration = body["expirationPolicy"], expiration != .null {
            if let ttl = expiration["ttl"]?.stringValue {
                let micros = try ProtoDuration.parse(ttl, field: "expirationPolicy.ttl")
                guard micros >= 86_400_000_000 else {
                    throw GCPError.invalid("Invalid value for field 'expirationPolicy.ttl': \(ttl) must be at least 1 day.")
                }
                out["expirationPolicy"] = ["ttl": .string(ProtoDuration.format(micros))]
            } else {
                out["expirationPolicy"] = [:]
            }
        } else {
            out["expirationPolicy"] = ["ttl": "2678400s"]
        }
        return .object(out)
    }

    /// A topic named in a body must be well formed (400) and exist (404).
    static func requireTopic(_ name: String, field: String, db: Database) throws {
        let parsed = try PubSubNames.parse(name, collection: "topics", field: field)
        guard try db.pubsubBody(table: "pubsub_topics", name: name) != nil else { throw PubSubNames.notFound(parsed.id) }
    }

    func createSubscription(_ request: ServiceRequest) async throws -> Response {
        let path = try subscriptionPath(request)
        let body = try await request.pubsubBody("pubsub.Subscription")
        try PubSubNames.checkBodyName(body, expected: path.name)
        let subscription: JSON = try context.store.write { db in
            let subscription = try Self.buildSubscription(body, name: path.name, db: db)
            guard try db.pubsubBody(table: "pubsub_subscriptions", name: path.name) == nil else {
                throw PubSubNames.alreadyExists(path.id)
            }
            try db.run("INSERT INTO pubsub_subscriptions (name, project, topic, body) VALUES (?, ?, ?, ?)",
                       [.text(path.name), .text(path.project), .text(subscription["topic"]?.stringValue ?? ""),
                        .text(subscription.encoded())])
            return subscription
        }
        context.consistency.recordCreation(path: "v1/" + path.name)
        return .json(subscription)
    }

    func getSubscription(_ request: ServiceRequest) async throws -> Response {
        let path = try subscriptionPath(request)
        return try storedResource(table: "pubsub_subscriptions", name: path.name, id: path.id)
    }

    func listSubscriptions(_ request: ServiceRequest) async throws -> Response {
        try storedList(table: "pubsub_subscriptions", key: "subscriptions", request)
    }

    func patchSubscription(_ request: ServiceRequest) async throws -> Response {
        let path = try subscriptionPath(request)
        let body = try await request.pubsubBody("pubsub.UpdateSubscriptionRequest")
        guard let given = body["subscription"], case .object = given else {
            throw GCPError.invalid("Invalid value for field 'subscription': the subscription to update is required.")
        }
        try PubSubNames.checkBodyName(given, expected: path.name)
        let fields = try FieldMask.paths(body["updateMask"]?.stringValue, allowed: Self.subscriptionUpdatable)
        let updated: JSON = try context.store.write { db in
            guard var merged = try db.pubsubBody(table: "pubsub_subscriptions", name: path.name) else {
                throw PubSubNames.notFound(path.id)
            }
            for field in fields { merged[field] = given[field] }
            // The topic stays; a dead-letter topic must exist only when the policy changes.
            let subscription = try Self.buildSubscription(
                merged, name: path.name, db: db, keepTopic: merged["topic"]?.stringValue ?? "",
                checkDeadLetterTopic: fields.contains("deadLetterPolicy"))
            try db.run("UPDATE pubsub_subscriptions SET body = ? WHERE name = ?", [.text(subscription.encoded()), .text(path.name)])
            return subscription
        }
        return .json(updated)
    }

    func deleteSubscription(_ request: ServiceRequest) async throws -> Response {
        let path = try subscriptionPath(request)
        try context.store.write { db in
            guard try db.run("DELETE FROM pubsub_subscriptions WHERE name = ?", [.text(path.name)]) == 1 else {
                throw PubSubNames.notFound(path.id)
            }
            let seqs = try db.query("SELECT seq FROM pubsub_deliveries WHERE subscription = ?", [.text(path.name)]).compactMap { $0.int("seq") }
            try db.run("DELETE FROM pubsub_deliveries WHERE subscription = ?", [.text(path.name)])
            for seq in seqs { try Self.dropIfUndelivered(db, seq: seq) }
            try IAMPolicies.remove(db, resource: path.name)
        }
        return .pubsubEmpty
    }
}
