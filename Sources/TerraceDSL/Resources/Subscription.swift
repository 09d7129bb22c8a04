import GCPNaming
import TerraceJSON

/// A Pub/Sub pull subscription (`subscription.KEY`) to a declared topic.
public struct Subscription: Declaration {
    /// Redelivery backoff between `minimumBackoff` and `maximumBackoff` (each 0 to 600 s).
    public struct RetryPolicy: Sendable, Hashable {
        public var minimumBackoff: Duration
        public var maximumBackoff: Duration
        public init(minimumBackoff: Duration = .seconds(10), maximumBackoff: Duration = .seconds(600)) {
            self.minimumBackoff = minimumBackoff
            self.maximumBackoff = maximumBackoff
        }
    }

    /// Where messages go after `maxDeliveryAttempts` (5 to 100) failed deliveries.
    public struct DeadLetterPolicy: Sendable, Hashable {
        public var topic: Reference
        public var maxDeliveryAttempts: Int
        public init(topic: Reference, maxDeliveryAttempts: Int = 5) {
            self.topic = topic
            self.maxDeliveryAttempts = maxDeliveryAttempts
        }
    }

    public let key: String
    public var name: String
    public var topic: Reference
    public var ackDeadlineSeconds: Int
    public var retryPolicy: RetryPolicy?
    public var deadLetterPolicy: DeadLetterPolicy?
    public var enableMessageOrdering: Bool
    /// How long unacknowledged messages are kept, 10 minutes to 7 days.
    public var messageRetentionDuration: Duration?
    public var labels: [String: String]
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ key: String, name: String? = nil, topic: Reference, ackDeadlineSeconds: Int = 10,
        retryPolicy: RetryPolicy? = nil, deadLetterPolicy: DeadLetterPolicy? = nil, enableMessageOrdering: Bool = false,
        messageRetentionDuration: Duration? = nil, labels: [String: String] = [:],
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.key = key
        self.name = name ?? key.replacingAll("_", with: "-")
        self.topic = topic
        self.ackDeadlineSeconds = ackDeadlineSeconds
        self.retryPolicy = retryPolicy
        self.deadLetterPolicy = deadLetterPolicy
        self.enableMessageOrdering = enableMessageOrdering
        self.messageRetentionDuration = messageRetentionDuration
        self.labels = labels
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .subscription }
    public var address: Address { Address("subscription.\(key)") }
    public var references: [Reference] { [topic] + (deadLetterPolicy.map { [$0.topic] } ?? []) }
    /// A reference to this subscription.
    public var reference: Reference { Reference(kind: .subscription, address: address) }

    public func resourceName(in context: ModelContext) -> String { "projects/\(context.project)/subscriptions/\(name)" }

    public func attributes(in context: ModelContext) -> JSON {
        var body: [String: JSON] = [
            "name": .string(resourceName(in: context)),
            "topic": .string(context.resourceName(topic)),
            "ackDeadlineSeconds": .int(Int64(ackDeadlineSeconds)),
            "enableMessageOrdering": .bool(enableMessageOrdering),
            "labels": .object(labels.mapValues { .string($0) }),
        ]
        if let retryPolicy {
            body["retryPolicy"] = [
                "minimumBackoff": .string(retryPolicy.minimumBackoff.googleDuration),
                "maximumBackoff": .string(retryPolicy.maximumBackoff.googleDuration),
            ]
        }
        if let deadLetterPolicy {
            body["deadLetterPolicy"] = [
                "deadLetterTopic": .string(context.resourceName(deadLetterPolicy.topic)),
                "maxDeliveryAttempts": .int(Int64(deadLetterPolicy.maxDeliveryAttempts)),
            ]
        }
        if let messageRetentionDuration { body["messageRetentionDuration"] = .string(messageRetentionDuration.googleDuration) }
        return .object(body)
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        checkKey(key, into: &diagnostics)
        checkNaming("choose another subscription name", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkPubSubID(name, kind: "subscription")
        }
        checkLabels(labels, into: &diagnostics)
        if !(10...600).contains(ackDeadlineSeconds) {
            report("ackDeadlineSeconds \(ackDeadlineSeconds) is out of range", fix: "use 10 to 600 seconds", into: &diagnostics)
        }
        if let retryPolicy {
            let minimum = retryPolicy.minimumBackoff.wholeSeconds, maximum = retryPolicy.maximumBackoff.wholeSeconds
            if !(0...600).contains(minimum) || !(0...600).contains(maximum) || minimum > maximum {
                report(
                    "retryPolicy backoff \(minimum)s to \(maximum)s is out of range",
                    fix: "use a minimum and maximum of 0 to 600 seconds, minimum not above maximum", into: &diagnostics)
            }
        }
        if let deadLetterPolicy {
            if !(5...100).contains(deadLetterPolicy.maxDeliveryAttempts) {
                report(
                    "maxDeliveryAttempts \(deadLetterPolicy.maxDeliveryAttempts) is out of range",
                    fix: "use 5 to 100", into: &diagnostics)
            }
            if deadLetterPolicy.topic == topic {
                report(
                    "the dead-letter topic is the subscription's own topic \(topic)",
                    fix: "dead-letter to a separate topic", into: &diagnostics)
            }
        }
        if let messageRetentionDuration, !(600...604_800).contains(messageRetentionDuration.wholeSeconds) {
            report(
                "messageRetentionDuration \(messageRetentionDuration.humanDescription) is out of range",
                fix: "use 10 minutes to 7 days", into: &diagnostics)
        }
    }
}
