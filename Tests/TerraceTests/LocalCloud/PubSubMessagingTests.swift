import Foundation
import LocalCloud
import Testing
import TerraceJSON

@Suite("PubSub messaging")
struct PubSubMessagingTests {
    @Test func publishAnswersOneIdPerMessageInOrder() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            let ids = try await cloud.pubsubPublish("orders", ["a", "b", "c"])
            #expect(ids.count == 3)
            #expect(Set(ids).count == 3)
            let received = try await cloud.pubsubPull("workers")
            #expect(received.compactMap { $0["message"]?["messageId"]?.stringValue } == ids)
        }
    }

    @Test func pullDeliversDataAttributesAndPublishTimeThenAckRemovesIt() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["hello"], attributes: ["kind": "greeting"])
            let received = try await cloud.pubsubPull("workers")
            #expect(received.count == 1)
            #expect(pubsubText(received[0]) == "hello")
            #expect(received[0]["message"]?["attributes"]?["kind"] == "greeting")
            #expect(received[0]["message"]?["publishTime"] == "2026-01-01T00:00:00.000Z")
            #expect(received[0]["deliveryAttempt"] == nil)
            try await cloud.pubsubAck("workers", received)
            cloud.clock.advance(seconds: 60)
            let (status, empty) = try await cloud.call("POST", cloud.pubsubSubscriptionPath("workers", ":pull"), ["maxMessages": 10])
            #expect(status == 200)
            #expect(empty == [:])
        }
    }

    @Test func messagesPublishedBeforeASubscriptionExistsAreNotDeliveredToIt() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubPublish("orders", ["early"])
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["late"])
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["late"])
        }
    }

    @Test func invalidBase64AndEmptyMessagesAreRejected() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            for message: JSON in [["data": "not base64!"], [:], ["orderingKey": "k"]] {
                let (status, body) = try await cloud.call("POST", cloud.pubsubTopicPath("orders", ":publish"), ["messages": [message]])
                #expect(status == 400)
                #expect(body.errorStatus == "INVALID_ARGUMENT")
            }
            #expect(try await cloud.pubsubPull("workers").isEmpty)
        }
    }

    @Test func publishToAMissingTopicIsNotFound() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", cloud.pubsubTopicPath("orders", ":publish"), ["messages": [["data": "aGk="]]])
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
        }
    }

    @Test func pullWithoutAPositiveMaxMessagesIsInvalid() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["a"])
            let (status, body) = try await cloud.call("POST", cloud.pubsubSubscriptionPath("workers", ":pull"), ["maxMessages": 0])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            #expect(try await cloud.pubsubPull("workers").count == 1)
        }
    }

    @Test func expiredAckDeadlineRedeliversWithTheAttemptCounted() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateTopic("dead")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders", [
                "ackDeadlineSeconds": 20, "deadLetterPolicy": ["deadLetterTopic": "projects/proj-test/topics/dead"],
            ])
            try await cloud.pubsubPublish("orders", ["a"])
            let first = try await cloud.pubsubPull("workers")
            #expect(first[0]["deliveryAttempt"] == 1)
            cloud.clock.advance(seconds: 19)
            #expect(try await cloud.pubsubPull("workers").isEmpty)
            cloud.clock.advance(seconds: 1)
            let second = try await cloud.pubsubPull("workers")
            #expect(second.map(pubsubText) == ["a"])
            #expect(second[0]["deliveryAttempt"] == 2)
            #expect(second[0]["ackId"] != first[0]["ackId"])
        }
    }

    @Test func ackWithAnExpiredAckIdIsIgnored() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["a"])
            let first = try await cloud.pubsubPull("workers")
            cloud.clock.advance(seconds: 10)
            try await cloud.pubsubAck("workers", first)
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["a"])
        }
    }

    @Test func nackWithModifyAckDeadlineZeroRedeliversAtOnce() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["a"])
            let first = try await cloud.pubsubPull("workers")
            #expect(try await cloud.pubsubPull("workers").isEmpty)
            try await cloud.pubsubModifyAckDeadline("workers", first, seconds: 0)
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["a"])
        }
    }

    @Test func extendingTheAckDeadlineHoldsTheMessage() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["a"])
            let first = try await cloud.pubsubPull("workers")
            try await cloud.pubsubModifyAckDeadline("workers", first, seconds: 120)
            cloud.clock.advance(seconds: 119)
            #expect(try await cloud.pubsubPull("workers").isEmpty)
            cloud.clock.advance(seconds: 1)
            #expect(try await cloud.pubsubPull("workers").count == 1)
        }
    }

    @Test func retryPolicyDelaysRedeliveryAfterANack() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders", ["retryPolicy": ["minimumBackoff": "30s"]])
            try await cloud.pubsubPublish("orders", ["a"])
            try await cloud.pubsubModifyAckDeadline("workers", try await cloud.pubsubPull("workers"), seconds: 0)
            cloud.clock.advance(seconds: 29)
            #expect(try await cloud.pubsubPull("workers").isEmpty)
            cloud.clock.advance(seconds: 1)
            #expect(try await cloud.pubsubPull("workers").count == 1)
        }
    }

    @Test func orderingHoldsTheNextMessageOfAKeyUntilTheFirstIsAcked() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders", ["enableMessageOrdering": true])
            try await cloud.pubsubPublish("orders", ["a1", "a2"], orderingKey: "a")
            try await cloud.pubsubPublish("orders", ["b1"], orderingKey: "b")
            let first = try await cloud.pubsubPull("workers")
            #expect(first.map(pubsubText) == ["a1", "b1"])
            #expect(first[0]["message"]?["orderingKey"] == "a")
            #expect(try await cloud.pubsubPull("workers").isEmpty)
            try await cloud.pubsubAck("workers", [first[0]])
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["a2"])
        }
    }

    @Test func withoutOrderingEveryMessageFlows() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["a1", "a2"], orderingKey: "a")
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["a1", "a2"])
        }
    }

    @Test func exhaustedMessagesAreDeadLetteredWithTheirSource() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateTopic("dead")
            try await cloud.pubsubCreateSubscription("dead-reader", topic: "dead")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders", [
                "deadLetterPolicy": ["deadLetterTopic": "projects/proj-test/topics/dead", "maxDeliveryAttempts": 5],
            ])
            try await cloud.pubsubPublish("orders", ["poison"], attributes: ["id": "7"])
            for attempt in 1...5 {
                let received = try await cloud.pubsubPull("workers")
                #expect(received.first?["deliveryAttempt"] == .int(Int64(attempt)))
                try await cloud.pubsubModifyAckDeadline("workers", received, seconds: 0)
            }
            #expect(try await cloud.pubsubPull("workers").isEmpty)
            let dead = try await cloud.pubsubPull("dead-reader")
            #expect(dead.map(pubsubText) == ["poison"])
            let attributes = dead.first?["message"]?["attributes"]
            #expect(attributes?["id"] == "7")
            #expect(attributes?["CloudPubSubDeadLetterSourceSubscription"] == "workers")
            #expect(attributes?["CloudPubSubDeadLetterSourceDeliveryCount"] == "5")
        }
    }

    @Test func publishFansOutToEverySubscription() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("billing", topic: "orders")
            try await cloud.pubsubCreateSubscription("shipping", topic: "orders")
            try await cloud.pubsubPublish("orders", ["a"])
            let billing = try await cloud.pubsubPull("billing")
            try await cloud.pubsubAck("billing", billing)
            #expect(billing.map(pubsubText) == ["a"])
            #expect(try await cloud.pubsubPull("shipping").map(pubsubText) == ["a"])
        }
    }

    @Test func unknownAckIdsAreIgnoredAndMalformedOnesAreInvalid() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubCreateSubscription("others", topic: "orders")
            try await cloud.pubsubPublish("orders", ["a"])
            let received = try await cloud.pubsubPull("workers")
            // An ack id of another subscription changes nothing here.
            try await cloud.pubsubAck("others", received)
            let (status, body) = try await cloud.call("POST", cloud.pubsubSubscriptionPath("workers", ":acknowledge"), ["ackIds": ["%%%"]])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            cloud.clock.advance(seconds: 10)
            #expect(try await cloud.pubsubPull("workers").count == 1)
            #expect(try await cloud.pubsubPull("others").count == 1)
        }
    }

    @Test func aNackedOrderedMessageIsRedeliveredBeforeTheNextOfItsKey() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders", ["enableMessageOrdering": true])
            try await cloud.pubsubPublish("orders", ["a1", "a2"], orderingKey: "a")
            try await cloud.pubsubModifyAckDeadline("workers", try await cloud.pubsubPull("workers"), seconds: 0)
            let again = try await cloud.pubsubPull("workers")
            #expect(again.map(pubsubText) == ["a1"])
            try await cloud.pubsubAck("workers", again)
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["a2"])
        }
    }

    @Test func messagesPastTheSubscriptionRetentionAreDropped() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders", ["messageRetentionDuration": "600s"])
            try await cloud.pubsubPublish("orders", ["old"])
            cloud.clock.advance(seconds: 601)
            try await cloud.pubsubPublish("orders", ["new"])
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["new"])
        }
    }

    @Test func messagesAndLeasesSurviveARestart() async throws {
        let dir = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let clock = ManualClock()
        try await withCloud(directory: dir, keepData: true, clock: clock) { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            try await cloud.pubsubPublish("orders", ["leased", "waiting"])
            #expect(try await cloud.pubsubPull("workers", max: 1).map(pubsubText) == ["leased"])
        }
        try await withCloud(directory: dir, keepData: true, clock: clock) { cloud in
            let waiting = try await cloud.pubsubPull("workers")
            #expect(waiting.map(pubsubText) == ["waiting"])
            try await cloud.pubsubAck("workers", waiting)
            cloud.clock.advance(seconds: 10)
            #expect(try await cloud.pubsubPull("workers").map(pubsubText) == ["leased"])
        }
    }
}
