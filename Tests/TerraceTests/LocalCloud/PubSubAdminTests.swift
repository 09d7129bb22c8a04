import Foundation
import LocalCloud
import Testing
import TerraceJSON

@Suite("PubSub topics and subscriptions")
struct PubSubAdminTests {
    @Test func topicLifecycleWithLabelsAndMaskedPatch() async throws {
        try await withCloud { cloud in
            let created = try await cloud.pubsubCreateTopic("orders", ["labels": ["team": "data"], "messageRetentionDuration": "86400s"])
            #expect(created["name"] == "projects/proj-test/topics/orders")
            #expect(created["labels"]?["team"] == "data")
            #expect(created["messageRetentionDuration"] == "86400s")

            let (patchStatus, patched) = try await cloud.call("PATCH", cloud.pubsubTopicPath("orders"), [
                "topic": ["labels": ["team": "platform"], "messageRetentionDuration": "3600s"], "updateMask": "labels",
            ])
            #expect(patchStatus == 200)
            #expect(patched["labels"]?["team"] == "platform")
            #expect(patched["messageRetentionDuration"] == "86400s")

            let (getStatus, fetched) = try await cloud.call("GET", cloud.pubsubTopicPath("orders"))
            #expect(getStatus == 200)
            #expect(fetched == patched)

            let (deleteStatus, _) = try await cloud.call("DELETE", cloud.pubsubTopicPath("orders"))
            #expect(deleteStatus == 200)
            let (goneStatus, gone) = try await cloud.call("GET", cloud.pubsubTopicPath("orders"))
            #expect(goneStatus == 404)
            #expect(gone.errorStatus == "NOT_FOUND")
            #expect(gone["error"]?["message"] == "Resource not found (resource=orders).")
        }
    }

    @Test func patchWithAnEmptyOrUnknownMaskIsRejectedAndChangesNothing() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders", ["labels": ["team": "data"]])
            for mask in ["", "name", "labels,bogus"] {
                let (status, body) = try await cloud.call("PATCH", cloud.pubsubTopicPath("orders"), [
                    "topic": ["labels": ["team": "x"]], "updateMask": .string(mask),
                ])
                #expect(status == 400)
                #expect(body.errorStatus == "INVALID_ARGUMENT")
            }
            let (_, topic) = try await cloud.call("GET", cloud.pubsubTopicPath("orders"))
            #expect(topic["labels"]?["team"] == "data")
        }
    }

    @Test func creatingAnExistingTopicIsAlreadyExists() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            let (status, body) = try await cloud.call("PUT", cloud.pubsubTopicPath("orders"), ["labels": ["a": "b"]])
            #expect(status == 409)
            #expect(body.errorStatus == "ALREADY_EXISTS")
            #expect(body["error"]?["message"] == "Resource already exists in the project (resource=orders).")
            let (_, topic) = try await cloud.call("GET", cloud.pubsubTopicPath("orders"))
            #expect(topic["labels"] == nil)
        }
    }

    @Test(arguments: ["1orders", "goog-orders", "ab", "bad*name"])
    func badTopicNamesAreInvalidAndStoreNothing(_ id: String) async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("PUT", cloud.pubsubTopicPath(id))
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            #expect(try await cloud.pubsubTopicNames().isEmpty)
        }
    }

    @Test func bodyNameThatDisagreesWithThePathIsInvalid() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("PUT", cloud.pubsubTopicPath("orders"), ["name": "projects/proj-test/topics/other"])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            #expect(try await cloud.pubsubTopicNames().isEmpty)
        }
    }

    @Test func unknownFieldIsInvalidAndStoresNothing() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("PUT", cloud.pubsubTopicPath("orders"), ["colour": "blue"])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            #expect(try await cloud.pubsubTopicNames().isEmpty)
        }
    }

    @Test func retentionOutsideTenMinutesToThirtyOneDaysIsInvalid() async throws {
        try await withCloud { cloud in
            for retention in ["599s", "2678401s", "ten minutes"] {
                let (status, body) = try await cloud.call("PUT", cloud.pubsubTopicPath("orders"), ["messageRetentionDuration": .string(retention)])
                #expect(status == 400)
                #expect(body.errorStatus == "INVALID_ARGUMENT")
            }
            #expect(try await cloud.pubsubTopicNames().isEmpty)
        }
    }

    @Test func topicListPagesWithPageToken() async throws {
        try await withCloud { cloud in
            for id in ["topic-a", "topic-b", "topic-c"] { try await cloud.pubsubCreateTopic(id) }
            let (_, first) = try await cloud.call("GET", "/v1/projects/proj-test/topics?pageSize=2")
            #expect(first["topics"]?.arrayValue?.count == 2)
            let token = try #require(first["nextPageToken"]?.stringValue)
            let (_, second) = try await cloud.call("GET", "/v1/projects/proj-test/topics?pageSize=2&pageToken=\(token)")
            #expect(second["topics"]?[0]?["name"] == "projects/proj-test/topics/topic-c")
            #expect(second["nextPageToken"] == nil)
        }
    }

    @Test func subscriptionLifecycleWithDefaultsAndMaskedPatch() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            let created = try await cloud.pubsubCreateSubscription("workers", topic: "orders", ["labels": ["env": "dev"]])
            #expect(created["topic"] == "projects/proj-test/topics/orders")
            #expect(created["ackDeadlineSeconds"] == 10)
            #expect(created["messageRetentionDuration"] == "604800s")
            #expect(created["labels"]?["env"] == "dev")

            let (status, patched) = try await cloud.call("PATCH", cloud.pubsubSubscriptionPath("workers"), [
                "subscription": ["ackDeadlineSeconds": 60, "labels": ["env": "prod"]],
                "updateMask": "ackDeadlineSeconds",
            ])
            #expect(status == 200)
            #expect(patched["ackDeadlineSeconds"] == 60)
            #expect(patched["labels"]?["env"] == "dev")

            let (_, listed) = try await cloud.call("GET", cloud.pubsubTopicPath("orders", "/subscriptions"))
            #expect(listed["subscriptions"] == ["projects/proj-test/subscriptions/workers"])

            let (deleteStatus, _) = try await cloud.call("DELETE", cloud.pubsubSubscriptionPath("workers"))
            #expect(deleteStatus == 200)
            #expect(try await cloud.pubsubSubscriptionNames().isEmpty)
        }
    }

    @Test func subscriptionToAMissingTopicIsNotFoundAndStoresNothing() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("PUT", cloud.pubsubSubscriptionPath("workers"), ["topic": "projects/proj-test/topics/nope"])
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
            #expect(try await cloud.pubsubSubscriptionNames().isEmpty)
        }
    }

    @Test(arguments: [
        ["ackDeadlineSeconds": 5] as JSON, ["ackDeadlineSeconds": 601], ["deadLetterPolicy": ["deadLetterTopic": "projects/proj-test/topics/orders", "maxDeliveryAttempts": 4]],
        ["retryPolicy": ["minimumBackoff": "700s"]], ["labels": ["Bad": "x"]],
    ])
    func badSubscriptionSettingsAreInvalidAndStoreNothing(_ extra: JSON) async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            var body = extra.objectValue ?? [:]
            body["topic"] = "projects/proj-test/topics/orders"
            let (status, answer) = try await cloud.call("PUT", cloud.pubsubSubscriptionPath("workers"), .object(body))
            #expect(status == 400)
            #expect(answer.errorStatus == "INVALID_ARGUMENT")
            #expect(try await cloud.pubsubSubscriptionNames().isEmpty)
        }
    }

    @Test func deletingATopicLeavesItsSubscriptionsOnTheDeletedTopic() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            _ = try await cloud.call("DELETE", cloud.pubsubTopicPath("orders"))
            let (status, subscription) = try await cloud.call("GET", cloud.pubsubSubscriptionPath("workers"))
            #expect(status == 200)
            #expect(subscription["topic"] == "_deleted-topic_")
        }
    }

    @Test func patchingADeadLetterPolicyToAMissingTopicIsNotFoundAndChangesNothing() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            let created = try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            let (status, body) = try await cloud.call("PATCH", cloud.pubsubSubscriptionPath("workers"), [
                "subscription": ["deadLetterPolicy": ["deadLetterTopic": "projects/proj-test/topics/missing"]],
                "updateMask": "deadLetterPolicy",
            ])
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
            let (_, fetched) = try await cloud.call("GET", cloud.pubsubSubscriptionPath("workers"))
            #expect(fetched == created)
        }
    }

    @Test func subscriptionWithAnUnknownFieldIsInvalidAndStoresNothing() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            let (status, body) = try await cloud.call("PUT", cloud.pubsubSubscriptionPath("workers"), [
                "topic": "projects/proj-test/topics/orders", "ackDeadline": 30,
            ])
            #expect(status == 400)
            #expect(body.errorStatus == "INVALID_ARGUMENT")
            #expect(try await cloud.pubsubSubscriptionNames().isEmpty)
        }
    }

    @Test func pushSubscriptionsAreNotImplemented() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            let (status, body) = try await cloud.call("PUT", cloud.pubsubSubscriptionPath("workers"), [
                "topic": "projects/proj-test/topics/orders", "pushConfig": ["pushEndpoint": "https://example.com/push"],
            ])
            #expect(status == 501)
            #expect(body.errorStatus == "UNIMPLEMENTED")
            #expect(try await cloud.pubsubSubscriptionNames().isEmpty)
        }
    }

    @Test func iamPolicyOfAMissingTopicIsNotFound() async throws {
        try await withCloud { cloud in
            let (status, body) = try await cloud.call("POST", cloud.pubsubTopicPath("orders", ":getIamPolicy"), [:])
            #expect(status == 404)
            #expect(body.errorStatus == "NOT_FOUND")
        }
    }

    @Test func iamPolicySetGetAndStaleEtagIsAborted() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            let (_, initial) = try await cloud.call("POST", cloud.pubsubTopicPath("orders", ":getIamPolicy"), [:])
            let etag = try #require(initial["etag"]?.stringValue)
            let binding: JSON = ["role": "roles/pubsub.publisher", "members": ["user:ana@example.com"]]
            let (setStatus, set) = try await cloud.call("POST", cloud.pubsubTopicPath("orders", ":setIamPolicy"), [
                "policy": ["bindings": [binding], "etag": .string(etag)],
            ])
            #expect(setStatus == 200)
            #expect(set["bindings"] == [binding])

            let (_, fetched) = try await cloud.call("GET", cloud.pubsubTopicPath("orders", ":getIamPolicy"))
            #expect(fetched == set)

            let (staleStatus, stale) = try await cloud.call("POST", cloud.pubsubTopicPath("orders", ":setIamPolicy"), [
                "policy": ["bindings": [], "etag": .string(etag)],
            ])
            #expect(staleStatus == 409)
            #expect(stale.errorStatus == "ABORTED")
            let (_, after) = try await cloud.call("GET", cloud.pubsubTopicPath("orders", ":getIamPolicy"))
            #expect(after == set)
        }
    }

    @Test func subscriptionPolicyGoesWithTheSubscription() async throws {
        try await withCloud { cloud in
            try await cloud.pubsubCreateTopic("orders")
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            let binding: JSON = ["role": "roles/pubsub.subscriber", "members": ["user:ana@example.com"]]
            _ = try await cloud.call("POST", cloud.pubsubSubscriptionPath("workers", ":setIamPolicy"), ["policy": ["bindings": [binding]]])
            _ = try await cloud.call("DELETE", cloud.pubsubSubscriptionPath("workers"))
            try await cloud.pubsubCreateSubscription("workers", topic: "orders")
            let (_, policy) = try await cloud.call("POST", cloud.pubsubSubscriptionPath("workers", ":getIamPolicy"), [:])
            #expect(policy["bindings"] == nil)
        }
    }
}
