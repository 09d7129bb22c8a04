import Hummingbird
import TerraceCrypto
import TerraceJSON
import TerraceSQLite
import TerraceTime

/// One message about to be published: base64 data (normalised), attributes, ordering key.
struct PubSubOutgoing {
    let data: String
    let attributes: [String: JSON]
    let orderingKey: String
}

/// A subscription's delivery settings, read from its stored body.
struct PubSubDeliverySettings {
    let name: String
    let ackDeadlineMicros: Int64
    let retentionMicros: Int64
    /// Without a retry policy a failed delivery is due again at once.
    let minimumBackoff: Int64?
    let maximumBackoff: Int64
    let deadLetterTopic: String?
    let maxDeliveryAttempts: Int64
    let ordered: Bool

    init(_ body: JSON) {
        func micros(_ value: JSON?, _ fallback: Int64) -> Int64 {
            value?.stringValue.flatMap { try? ProtoDuration.parse($0, field: "") } ?? fallback
        }
        name = body["name"]?.stringValue ?? ""
        ackDeadlineMicros = (body["ackDeadlineSeconds"]?.intValue ?? 10) * 1_000_000
        retentionMicros = micros(body["messageRetentionDuration"], 604_800_000_000)
        minimumBackoff = body["retryPolicy"].map { micros($0["minimumBackoff"], 10_000_000) }
        maximumBackoff = micros(body["retryPolicy"]?["maximumBackoff"], 600_000_000)
        deadLetterTopic = body["deadLetterPolicy"]?["deadLetterTopic"]?.stringValue
        maxDeliveryAttempts = body["deadLetterPolicy"]?["maxDeliveryAttempts"]?.intValue ?? 5
        ordered = body["enableMessageOrdering"]?.boolValue ?? false
    }

    /// The delay before redelivery after the `attempts`-th delivery failed: exponential from the
    /// minimum backoff, capped at the maximum.
    func backoff(afterAttempts attempts: Int64) -> Int64 {
        guard let minimumBackoff else { return 0 }
        var delay = minimumBackoff
        var step: Int64 = 1
        while step < attempts && delay < maximumBackoff {
            delay *= 2
            step += 1
        }
        return min(delay, maximumBackoff)
    }
}

/// Publish, pull, acknowledge and modifyAckDeadline, and the delivery state behind them.
extension PubSubService {
    func publish(_ request: ServiceRequest) async throws -> Response {
        let path = try topicPath(request)
        let body = try await request.pubsubBody("pubsub.PublishRequest")
        guard let raw = body["messages"]?.arrayValue, !raw.isEmpty else {
            throw GCPError.invalid("The publish request must contain at least one message.")
        }
        let messages = try raw.enumerated().map { try Self.outgoing($1, index: $0) }
        let now = context.clock.nowMicros()
        let ids = try context.store.write { db in
            guard try db.pubsubBody(table: "pubsub_topics", name: path.name) != nil else { throw PubSubNames.notFound(path.id) }
            return try Self.store(db, topic: path.name, messages: messages, now: now)
        }
        return .json(["messageIds": .array(ids.map(JSON.string))])
    }

    /// Checks one message of a publish request.
    static func outgoing(_ message: JSON, index: Int) throws -> PubSubOutgoing {
        let field = "messages[\(index)]"
        var bytes: [UInt8] = []
        if let data = message["data"]?.stringValue {
            guard let decoded = Base64.decode(data) else {
                throw GCPError.invalid("Invalid value for field '\(field).data': the data must be base64-encoded.")
            }
            bytes = decoded
        }
        let attributes = message["attributes"]?.objectValue ?? [:]
        for (key, value) in attributes {
            let text = value.stringValue ?? ""
            guard !key.isEmpty, key.utf8.count <= 256, !key.hasPrefix("goog") else {
                throw GCPError.invalid("Invalid attribute key \"\(key)\" in \(field): keys are 1 to 256 bytes and cannot start with 'goog'.")
            }
            guard text.utf8.count <= 1024 else {
                throw GCPError.invalid("The value of attribute \"\(key)\" in \(field) is longer than 1024 bytes.")
            }
        }
        guard !bytes.isEmpty || !attributes.isEmpty else {
            throw GCPError.invalid("One or more messages in the publish request is empty. Each message must contain either non-empty data, or at least one attribute.")
        }
        let orderingKey = message["orderingKey"]?.stringValue ?? ""
        guard orderingKey.utf8.count <= 1024 else {
            throw GCPError.invalid("The ordering key of \(field) is longer than 1024 bytes.")
        }
        return PubSubOutgoing(data: Base64.encode(bytes), attributes: attributes, orderingKey: orderingKey)
    }

    /// Stores `messages` on `topic` and fans each out to every subscription attached now;
    /// answers their message ids in order.
    static func store(_ db: Database, topic: String, messages: [PubSubOutgoing], now: Int64) throws -> [String] {
        let subscriptions = try db.query("SELECT name FROM pubsub_subscriptions WHERE topic = ?", [.text(topic)])
            .compactMap { $0.string("name") }
        var ids: [String] = []
        for message in messages {
            try db.run("INSERT INTO pubsub_messages (topic, data, attributes, ordering_key, publish_micros) VALUES (?, ?, ?, ?, ?)",
                       [.text(topic), .text(message.data), .text(JSON.object(message.attributes).encoded()),
                        .text(message.orderingKey), .int(now)])
            let seq = db.lastInsertRowID
            ids.append(String(seq))
            for subscription in subscriptions {
                try db.run("INSERT INTO pubsub_deliveries (subscription, seq, ordering_key, due_micros) VALUES (?, ?, ?, ?)",
                           [.text(subscription), .int(seq), .text(message.orderingKey), .int(now)])
            }
            if subscriptions.isEmpty { try dropIfUndelivered(db, seq: seq) }
        }
        return ids
    }

    /// Deletes message `seq` once no subscription holds it any more.
    static func dropIfUndelivered(_ db: Database, seq: Int64) throws {
        try db.run("DELETE FROM pubsub_messages WHERE seq = ? AND NOT EXISTS (SELECT 1 FROM pubsub_deliveries WHERE seq = ?)",
                   [.int(seq), .int(seq)])
    }

    /// The settings of an existing subscription, after applying what happened since it was last
    /// touched: expired leases count as failed deliveries, and messages past retention go.
    func settledSubscription(_ db: Database, id: String, name: String, now: Int64) throws -> PubSubDeliverySettings {
        guard let body = try db.pubsubBody(table: "pubsub_subscriptions", name: name) else { throw PubSubNames.notFound(id) }
        let settings = PubSubDeliverySettings(body)
        let expired = try db.query(
            "SELECT seq, attempts, due_micros FROM pubsub_deliveries WHERE subscription = ? AND leased = 1 AND due_micros <= ? ORDER BY seq",
            [.text(name), .int(now)])
        for row in expired {
            try failDelivery(db, settings, seq: row.int("seq") ?? 0, attempts: row.int("attempts") ?? 0,
                             at: row.int("due_micros") ?? now, now: now)
        }
        let stale = try db.query(
            """
            SELECT d.seq FROM pubsub_deliveries d JOIN pubsub_messages m ON m.seq = d.seq
            WHERE d.subscription = ? AND d.leased = 0 AND m.publish_micros < ?
            """, [.text(name), .int(now - settings.retentionMicros)])
        for row in stale {
            let seq = row.int("seq") ?? 0
            try db.run("DELETE FROM pubsub_deliveries WHERE subscription = ? AND seq = ?", [.text(name), .int(seq)])
            try Self.dropIfUndelivered(db, seq: seq)
        }
        return settings
    }

    /// A delivery that was nacked or whose lease expired at `at`: dead-lettered once it has used
    /// up its attempts (when the dead-letter topic still exists), otherwise due again after the
    /// retry policy's backoff.
    func failDelivery(_ db: Database, _ settings: PubSubDeliverySettings, seq: Int64, attempts: Int64, at: Int64, now: Int64) throws {
        if let deadLetterTopic = settings.deadLetterTopic, attempts >= settings.maxDeliveryAttempts,
           try db.pubsubBody(table: "pubsub_topics", name: deadLetterTopic) != nil,
           let message = try db.queryOne("SELECT * FROM pubsub_messages WHERE seq = ?", [.int(seq)])
        {
            var attributes = try JSON.parse(message.string("attributes") ?? "{}").objectValue ?? [:]
            let parts = settings.name.split(separator: "/").map(String.init)
            attributes["CloudPubSubDeadLetterSourceDeliveryCount"] = .string(String(attempts))
            attributes["CloudPubSubDeadLetterSourceSubscription"] = .string(parts.last ?? settings.name)
            attributes["CloudPubSubDeadLetterSourceSubscriptionProject"] = .string(parts.count > 1 ? parts[1] : "")
            attributes["CloudPubSubDeadLetterSourceTopicPublishTime"] =
                .string(Timestamp.rfc3339(micros: message.int("publish_micros") ?? 0))
            let copy = PubSubOutgoing(data: message.string("data") ?? "", attributes: attributes,
                                      orderingKey: message.string("ordering_key") ?? "")
            try db.run("DELETE FROM pubsub_deliveries WHERE subscription = ? AND seq = ?", [.text(settings.name), .int(seq)])
            try Self.dropIfUndelivered(db, seq: seq)
            _ = try Self.store(db, topic: deadLetterTopic, messages: [copy], now: now)
            return
        }
        try db.run("UPDATE pubsub_deliveries SET leased = 0, due_micros = ? WHERE subscription = ? AND seq = ?",
                   [.int(at + settings.backoff(afterAttempts: attempts)), .text(settings.name), .int(seq)])
    }

    func pull(_ request: ServiceRequest) async throws -> Response {
        let path = try subscriptionPath(request)
        let body = try await request.pubsubBody("pubsub.PullRequest")
        guard let maxMessages = body["maxMessages"]?.intValue, maxMessages > 0 else {
            throw GCPError.invalid("Invalid value for field 'maxMessages': it is required and must be a positive integer.")
        }
        let now = context.clock.nowMicros()
        let received: [JSON] = try context.store.write { db in
            let settings = try settledSubscription(db, id: path.id, name: path.name, now: now)
            // With ordering, a message waits while an earlier one of its key is still held.
            let rows = try db.query(
                """
                SELECT d.seq, d.attempts, m.data, m.attributes, m.ordering_key, m.publish_micros
                FROM pubsub_deliveries d JOIN pubsub_messages m ON m.seq = d.seq
                WHERE d.subscription = ?1 AND d.leased = 0 AND d.due_micros <= ?2
                  AND (?3 = 0 OR d.ordering_key = '' OR NOT EXISTS (
                      SELECT 1 FROM pubsub_deliveries e
                      WHERE e.subscription = d.subscription AND e.ordering_key = d.ordering_key AND e.seq < d.seq))
                ORDER BY d.seq LIMIT ?4
                """, [.text(path.name), .int(now), .int(settings.ordered ? 1 : 0), .int(min(maxMessages, 1000))])
            return try rows.map { row in
                let seq = row.int("seq") ?? 0
                let attempt = (row.int("attempts") ?? 0) + 1
                try db.run("UPDATE pubsub_deliveries SET leased = 1, attempts = ?, due_micros = ? WHERE subscription = ? AND seq = ?",
                           [.int(attempt), .int(now + settings.ackDeadlineMicros), .text(path.name), .int(seq)])
                var message: [String: JSON] = [
                    "messageId": .string(String(seq)),
                    "publishTime": .string(Timestamp.rfc3339(micros: row.int("publish_micros") ?? 0)),
                ]
                if let data = row.string("data"), !data.isEmpty { message["data"] = .string(data) }
                if let attributes = try JSON.parse(row.string("attributes") ?? "{}").objectValue, !attributes.isEmpty {
                    message["attributes"] = .object(attributes)
                }
                if let key = row.string("ordering_key"), !key.isEmpty { message["orderingKey"] = .string(key) }
                var out: [String: JSON] = ["ackId": .string(Self.ackID(path.name, seq: seq, attempt: attempt)), "message": .object(message)]
                if settings.deadLetterTopic != nil { out["deliveryAttempt"] = .int(attempt) }
                return .object(out)
            }
        }
        return .json(received.isEmpty ? .object([:]) : ["receivedMessages": .array(received)])
    }

    func acknowledge(_ request: ServiceRequest) async throws -> Response {
        let path = try subscriptionPath(request)
        let body = try await request.pubsubBody("pubsub.AcknowledgeRequest")
        let leases = try Self.leases(body, subscription: path.name)
        let now = context.clock.nowMicros()
        try context.store.write { db in
            _ = try settledSubscription(db, id: path.id, name: path.name, now: now)
            for (seq, attempt) in leases {
                let removed = try db.run(
                    "DELETE FROM pubsub_deliveries WHERE subscription = ? AND seq = ? AND attempts = ? AND leased = 1",
                    [.text(path.name), .int(seq), .int(attempt)])
                if removed == 1 { try Self.dropIfUndelivered(db, seq: seq) }
            }
        }
        return .pubsubEmpty
    }

    func modifyAckDeadline(_ request: ServiceRequest) async throws -> Response {
        let path = try subscriptionPath(request)
        let body = try await request.pubsubBody("pubsub.ModifyAckDeadlineRequest")
        let seconds = body["ackDeadlineSeconds"]?.intValue ?? 0
        guard (0...600).contains(seconds) else {
            throw GCPError.invalid("Invalid ack deadline given: \(seconds) seconds. The ack deadline must be between 0 and 600 seconds.")
        }
        let leases = try Self.leases(body, subscription: path.name)
        let now = context.clock.nowMicros()
        try context.store.write { db in
            let settings = try settledSubscription(db, id: path.id, name: path.name, now: now)
            for (seq, attempt) in leases {
                guard try db.queryOne("SELECT 1 AS x FROM pubsub_deliveries WHERE subscription = ? AND seq = ? AND attempts = ? AND leased = 1",
                                      [.text(path.name), .int(seq), .int(attempt)]) != nil
                else { continue }
                if seconds == 0 {
                    try failDelivery(db, settings, seq: seq, attempts: attempt, at: now, now: now)
                } else {
                    try db.run("UPDATE pubsub_deliveries SET due_micros = ? WHERE subscription = ? AND seq = ?",
                               [.int(now + seconds * 1_000_000), .text(path.name), .int(seq)])
                }
            }
        }
        return .pubsubEmpty
    }

    /// An ack id names one lease: the subscription, the message and the delivery attempt.
    static func ackID(_ subscription: String, seq: Int64, attempt: Int64) -> String {
        Base64Token.encode("\(seq)/\(attempt)/\(subscription)")
    }

    /// The leases (message, attempt) of a request's `ackIds` that belong to `subscription`; a
    /// malformed ack id is a 400, one of another subscription is ignored.
    static func leases(_ body: JSON, subscription: String) throws -> [(Int64, Int64)] {
        guard let ackIDs = body["ackIds"]?.arrayValue, !ackIDs.isEmpty else {
            throw GCPError.invalid("Invalid value for field 'ackIds': at least one ack id is required.")
        }
        return try ackIDs.compactMap { value in
            let text = value.stringValue ?? ""
            let parts = Base64Token.decode(text)?.split(separator: "/", maxSplits: 2).map(String.init) ?? []
            guard parts.count == 3, let seq = Int64(parts[0]), let attempt = Int64(parts[1]) else {
                throw GCPError.invalid("You have passed an invalid ack ID to the service (ack_id=\(text)).")
            }
            return parts[2] == subscription ? (seq, attempt) : nil
        }
    }
}
