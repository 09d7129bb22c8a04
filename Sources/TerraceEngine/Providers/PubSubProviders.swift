import GoogleCloud
import TerraceJSON

/// Pub/Sub's durations as `"Ns"` (`"604800s"`, `"10.5s"`), whatever fraction digits GCP answers with.
enum GoogleDuration {
    static func normalise(_ value: JSON) -> JSON {
        guard let text = value.stringValue, text.hasSuffix("s"), let seconds = Double(text.dropLast()) else { return value }
        if seconds == seconds.rounded() { return .string("\(Int64(seconds))s") }
        return .string("\(seconds)s")
    }
}

/// Pub/Sub topics; the id is `projects/P/topics/T`.
struct TopicProvider: ResourceProvider {
    let type = "pubsub.topic"
    let noun = "Pub/Sub topic"
    let marker = Marker.label
    let managedAttributes: [String: JSON] = ["name": .null, "labels": [:], "messageRetentionDuration": .null]
    let replaceOn: Set<String> = ["name"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        if let duration = result["messageRetentionDuration"] { result["messageRetentionDuration"] = GoogleDuration.normalise(duration) }
        return result
    }

    func importID(_ given: String, project: String) -> String {
        given.hasPrefix("projects/") ? given : "projects/\(project)/topics/\(given)"
    }

    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON? {
        try await context.cloud.pubsub.getIfExists(id)
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        try await context.cloud.pubsub.put(id, body: desired)
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        let fields = changed.sorted()
        let body: JSON = ["topic": desired.only(Set(fields)).setting("name", .string(id)), "updateMask": .string(fields.joined(separator: ","))]
        return try await context.cloud.pubsub.patch(id, body: body)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        try await context.cloud.pubsub.deleteIfExists(id)
    }
}

/// Pub/Sub subscriptions; the id is `projects/P/subscriptions/S`.
struct SubscriptionProvider: ResourceProvider {
    let type = "pubsub.subscription"
    let noun = "Pub/Sub subscription"
    let marker = Marker.label
    let managedAttributes: [String: JSON] = [
        "name": .null, "topic": .null, "ackDeadlineSeconds": 10, "enableMessageOrdering": false, "labels": [:],
        "retryPolicy": .null, "deadLetterPolicy": .null, "messageRetentionDuration": "604800s",
    ]
    let replaceOn: Set<String> = ["name", "topic", "enableMessageOrdering"]

    func normalise(_ attributes: [String: JSON]) -> [String: JSON] {
        var result = attributes
        if let duration = result["messageRetentionDuration"] { result["messageRetentionDuration"] = GoogleDuration.normalise(duration) }
        if var retry = result["retryPolicy"]?.objectValue {
            for key in ["minimumBackoff", "maximumBackoff"] { if let value = retry[key] { retry[key] = GoogleDuration.normalise(value) } }
            result["retryPolicy"] = .object(retry)
        }
        if let seconds = result["ackDeadlineSeconds"]?.intValue { result["ackDeadlineSeconds"] = .int(seconds) }
        if var deadLetter = result["deadLetterPolicy"]?.objectValue {
            if let attempts = deadLetter["maxDeliveryAttempts"]?.intValue { deadLetter["maxDeliveryAttempts"] = .int(attempts) }
            result["deadLetterPolicy"] = .object(deadLetter)
        }
        return result
    }

    func importID(_ given: String, project: String) -> String {
        given.hasPrefix("projects/") ? given : "projects/\(project)/subscriptions/\(given)"
    }

    func read(id: String, known: JSON, _ context: ProviderContext) async throws -> JSON? {
        try await context.cloud.pubsub.getIfExists(id)
    }

    func create(id: String, desired: JSON, _ context: ProviderContext) async throws -> JSON {
        // The topic may have been created moments ago.
        try await context.waitingOutConsistency { try await context.cloud.pubsub.put(id, body: desired) }
    }

    func update(id: String, desired: JSON, live: JSON, changed: Set<String>, _ context: ProviderContext) async throws -> JSON {
        let fields = changed.sorted()
        var subscription = desired.only(Set(fields)).setting("name", .string(id))
        for field in fields where subscription[field] == nil { subscription = subscription.setting(field, managedAttributes[field] ?? .null) }
        let body: JSON = ["subscription": subscription, "updateMask": .string(fields.joined(separator: ","))]
        return try await context.cloud.pubsub.patch(id, body: body)
    }

    func delete(id: String, attributes: JSON, force: Bool, _ context: ProviderContext) async throws {
        try await context.cloud.pubsub.deleteIfExists(id)
    }
}
