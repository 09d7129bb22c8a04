import Foundation
import TerraceJSON

/// Small Pub/Sub helpers for the PubSub* suites.
extension TestCloud {
    static let pubsubProject = "proj-test"

    /// "/v1/projects/proj-test/topics/ID" (or subscriptions) plus an optional suffix.
    func pubsubTopicPath(_ id: String, _ suffix: String = "") -> String { "/v1/projects/\(Self.pubsubProject)/topics/\(id)\(suffix)" }
    func pubsubSubscriptionPath(_ id: String, _ suffix: String = "") -> String {
        "/v1/projects/\(Self.pubsubProject)/subscriptions/\(id)\(suffix)"
    }

    func pubsubTopicName(_ id: String) -> String { "projects/\(Self.pubsubProject)/topics/\(id)" }

    /// Creates a topic; fails the test unless it answers 200.
    @discardableResult
    func pubsubCreateTopic(_ id: String, _ body: JSON? = nil) async throws -> JSON {
        let (status, answer) = try await call("PUT", pubsubTopicPath(id), body)
        guard status == 200 else { throw PubSubTestError("creating topic \(id) answered \(status): \(answer)") }
        return answer
    }

    /// Creates a subscription on `topic` with extra fields.
    @discardableResult
    func pubsubCreateSubscription(_ id: String, topic: String, _ extra: [String: JSON] = [:]) async throws -> JSON {
        var body = extra
        body["topic"] = .string(pubsubTopicName(topic))
        let (status, answer) = try await call("PUT", pubsubSubscriptionPath(id), .object(body))
        guard status == 200 else { throw PubSubTestError("creating subscription \(id) answered \(status): \(answer)") }
        return answer
    }

    /// Publishes text messages (with optional ordering keys); answers the message ids.
    @discardableResult
    func pubsubPublish(_ topic: String, _ texts: [String], orderingKey: String? = nil, attributes: [String: JSON] = [:])
        async throws -> [String]
    {
        let messages: [JSON] = texts.map { text in
            var message: [String: JSON] = ["data": .string(Data(text.utf8).base64EncodedString())]
            if let orderingKey { message["orderingKey"] = .string(orderingKey) }
            if !attributes.isEmpty { message["attributes"] = .object(attributes) }
            return .object(message)
        }
        let (status, answer) = try await call("POST", pubsubTopicPath(topic, ":publish"), ["messages": .array(messages)])
        guard status == 200 else { throw PubSubTestError("publishing to \(topic) answered \(status): \(answer)") }
        return answer["messageIds"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// Pulls up to `max` messages; answers them as received.
    func pubsubPull(_ subscription: String, max: Int64 = 10) async throws -> [JSON] {
        let (status, answer) = try await call("POST", pubsubSubscriptionPath(subscription, ":pull"),
                                              ["maxMessages": .int(max), "returnImmediately": true])
        guard status == 200 else { throw PubSubTestError("pulling \(subscription) answered \(status): \(answer)") }
        return answer["receivedMessages"]?.arrayValue ?? []
    }

    func pubsubAck(_ subscription: String, _ received: [JSON]) async throws {
        let ids = received.compactMap { $0["ackId"] }
        let (status, answer) = try await call("POST", pubsubSubscriptionPath(subscription, ":acknowledge"), ["ackIds": .array(ids)])
        guard status == 200 else { throw PubSubTestError("acknowledging on \(subscription) answered \(status): \(answer)") }
    }

    func pubsubModifyAckDeadline(_ subscription: String, _ received: [JSON], seconds: Int64) async throws {
        let ids = received.compactMap { $0["ackId"] }
        let (status, answer) = try await call("POST", pubsubSubscriptionPath(subscription, ":modifyAckDeadline"),
                                              ["ackIds": .array(ids), "ackDeadlineSeconds": .int(seconds)])
        guard status == 200 else { throw PubSubTestError("modifyAckDeadline on \(subscription) answered \(status): \(answer)") }
    }

    /// The ids of the topics the project lists.
    func pubsubTopicNames() async throws -> [String] {
        let (_, answer) = try await call("GET", "/v1/projects/\(Self.pubsubProject)/topics")
        return answer["topics"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }

    func pubsubSubscriptionNames() async throws -> [String] {
        let (_, answer) = try await call("GET", "/v1/projects/\(Self.pubsubProject)/subscriptions")
        return answer["subscriptions"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
    }
}

/// The text of a received message's base64 data.
func pubsubText(_ received: JSON) -> String {
    guard let data = received["message"]?["data"]?.stringValue, let bytes = Data(base64Encoded: data) else { return "" }
    return String(decoding: bytes, as: UTF8.self)
}

struct PubSubTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
