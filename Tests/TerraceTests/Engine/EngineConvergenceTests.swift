import Infra
import TestStacks
import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

/// Every in-place change applies in one go: after apply, the plan is empty.
@Suite struct EngineConvergenceTests {
    @Test func bucketAttributesChangeInPlace() async throws {
        try await withCloud { cloud in
            let before = try EngineHarness(cloud: cloud) { env in
                Stack {
                    Bucket("data", name: env.name("data"), location: env.region, labels: env.labels(["layer": "raw", "team": "a"]),
                           versioning: true, lifecycle: [LifecycleRule(.delete, age: 30)], retentionPeriod: .days(1), forceDestroy: true)
                }
            }
            try await before.applyOK()
            #expect(try await !before.plan().hasChanges)

            let after = try before.declaring { env in
                Stack {
                    Bucket("data", name: env.name("data"), location: env.region, storageClass: .nearline,
                           labels: env.labels(["layer": "curated"]), versioning: false, forceDestroy: true)
                }
            }
            let plan = try await after.plan()
            let change = try #require(plan.change("bucket.data"))
            #expect(change.action == .update)
            #expect(Set(change.changes.map(\.attribute)) == ["labels", "lifecycle", "retentionPolicy", "storageClass", "versioning"])
            #expect(change.paths.contains("labels.team"))
            try await after.applyOK()
            let live = try await cloud.get(cloud.bucketPath("t-data"))
            #expect(live["labels"] == ["env": "test", "layer": "curated", "terrace-stack": "test"])
            #expect(live["storageClass"] == "NEARLINE")
            let again = try await after.plan()
            #expect(again.changes.filter(\.action.isChange).map { "\($0.address) \($0.paths)" } == [])
        }
    }

    @Test func topicAndSubscriptionAttributesChangeInPlace() async throws {
        try await withCloud { cloud in
            let before = try EngineHarness(cloud: cloud) { env in
                Stack {
                    Topic("events", name: env.name("events"), labels: env.labels(["team": "a"]), messageRetentionDuration: .hours(2))
                    Topic("dead", name: env.name("dead"), labels: env.labels)
                    Subscription("reader", name: env.name("reader"), topic: .topic("events"), ackDeadlineSeconds: 20,
                                 retryPolicy: .init(minimumBackoff: .seconds(5), maximumBackoff: .seconds(50)),
                                 messageRetentionDuration: .hours(3), labels: env.labels)
                }
            }
            try await before.applyOK()
            #expect(try await !before.plan().hasChanges)

            let after = try before.declaring { env in
                Stack {
                    Topic("events", name: env.name("events"), labels: env.labels)
                    Topic("dead", name: env.name("dead"), labels: env.labels)
                    Subscription("reader", name: env.name("reader"), topic: .topic("events"), ackDeadlineSeconds: 60,
                                 deadLetterPolicy: .init(topic: .topic("dead"), maxDeliveryAttempts: 7), labels: env.labels(["x": "y"]))
                }
            }
            let plan = try await after.plan()
            #expect(plan.addresses(.update) == ["subscription.reader", "topic.events"])
            #expect(Set(try #require(plan.change("topic.events")).changes.map(\.attribute)) == ["labels", "messageRetentionDuration"])
            #expect(Set(try #require(plan.change("subscription.reader")).changes.map(\.attribute))
                        == ["ackDeadlineSeconds", "deadLetterPolicy", "labels", "messageRetentionDuration", "retryPolicy"])
            try await after.applyOK()
            let again = try await after.plan()
            #expect(again.changes.filter(\.action.isChange).map { "\($0.address) \($0.paths)" } == [])
        }
    }

    @Test func renamedTopicReplacesItAndItsSubscription() async throws {
        try await withCloud { cloud in
            let before = try EngineHarness(cloud: cloud) { env in
                Stack {
                    Topic("events", name: env.name("events"), labels: env.labels)
                    Subscription("reader", name: env.name("reader"), topic: .topic("events"), labels: env.labels)
                }
            }
            try await before.applyOK()
            let after = try before.declaring { env in
                Stack {
                    Topic("events", name: env.name("events-v2"), labels: env.labels)
                    Subscription("reader", name: env.name("reader"), topic: .topic("events"), labels: env.labels)
                }
            }
            let plan = try await after.plan()
            #expect(plan.addresses(.replace) == ["subscription.reader", "topic.events"])
            let topic = try #require(plan.change("topic.events"))
            #expect(topic.previousID == "projects/terrace-test/topics/t-events")
            #expect(topic.id == "projects/terrace-test/topics/t-events-v2")
            #expect(topic.replaceReasons == ["name cannot change in place"])
            #expect(plan.change("subscription.reader")?.replaceReasons == ["topic cannot change in place"])
            try await after.applyOK()
            #expect(try await cloud.status(cloud.topicPath("t-events")) == 404)
            #expect(try await cloud.get(cloud.subscriptionPath("t-reader"))["topic"] == "projects/terrace-test/topics/t-events-v2")
            #expect(try await after.stateResources().first { $0.address == "topic.events" }?.id == "projects/terrace-test/topics/t-events-v2")
            #expect(try await !after.plan().hasChanges)
        }
    }

    @Test func removedDeclarationsAreDeleted() async throws {
        try await withCloud { cloud in
            let before = try EngineHarness(cloud: cloud) { env in
                Stack {
                    Bucket("keep", name: env.name("keep"), location: env.region, labels: env.labels, forceDestroy: true)
                    Topic("events", name: env.name("events"), labels: env.labels)
                    Subscription("reader", name: env.name("reader"), topic: .topic("events"), labels: env.labels)
                    Grant("roles/pubsub.viewer", to: .user("v@example.com"), on: .topic("events"))
                }
            }
            try await before.applyOK()
            let after = try before.declaring { env in
                Stack { Bucket("keep", name: env.name("keep"), location: env.region, labels: env.labels, forceDestroy: true) }
            }
            let plan = try await after.plan()
            #expect(plan.addresses(.delete) == [
                "iam.grant.topic.events[roles/pubsub.viewer,user:v@example.com]", "subscription.reader", "topic.events",
            ])
            #expect(plan.change("topic.events")?.reason == "no longer declared")
            try await after.applyOK()
            #expect(try await cloud.status(cloud.topicPath("t-events")) == 404)
            #expect(try await cloud.status(cloud.subscriptionPath("t-reader")) == 404)
            #expect(try await after.stateResources().map(\.address) == ["bucket.keep"])
            #expect(try await !after.plan().hasChanges)
        }
    }

    /// A replaced bucket comes back without the IAM policy the old one had: the grant on it is
    /// replaced with it, so one apply converges.
    @Test func replacingABucketKeepsTheGrantsOnIt() async throws {
        try await withCloud { cloud in
            func stack(_ location: String) -> (Environment) -> Stack {
                { env in
                    Stack {
                        Bucket("data", name: env.name("data"), location: location, labels: env.labels, forceDestroy: true)
                        Grant("roles/storage.objectViewer", to: .user("v@example.com"), on: .bucket("data"))
                    }
                }
            }
            let before = try EngineHarness(cloud: cloud, stack("US"))
            try await before.applyOK()
            let after = try before.declaring(stack("EU"))
            let plan = try await after.plan()
            let grant = "iam.grant.bucket.data[roles/storage.objectViewer,user:v@example.com]"
            #expect(plan.addresses(.replace) == ["bucket.data", grant])
            #expect(plan.change(grant)?.replaceReasons == ["bucket.data is replaced"])
            try await after.applyOK()
            let policy = try await cloud.get(cloud.bucketPath("t-data") + "/iam")
            let members = policy["bindings"]?.arrayValue?.first { $0["role"] == "roles/storage.objectViewer" }?["members"]
            #expect(members == ["user:v@example.com"])
            let again = try await after.plan()
            #expect(again.changes.filter(\.action.isChange).map { "\($0.address) \($0.action) \($0.reason ?? "")" } == [])
        }
    }

    @Test func platformStackDestroysCleanly() async throws {
        let environment = Environment(
            name: "local", project: "terrace-local", region: "US", namePrefix: "terrace-local",
            labels: ["env": "local", "managed-by": "terrace"], variables: ["analysts": ["user:analyst@example.com"]])
        try await withEngine(environment: environment, Platform.stack) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            let plan = try await harness.plan(destroy: true)
            #expect(plan.changes.allSatisfy { $0.action == .delete })
            #expect(plan.change("service[pubsub.googleapis.com]")?.reason == "the API stays enabled; only the state forgets it")
            let report = try await harness.apply(plan)
            #expect(report.ok)
            #expect(report.succeeded.count == harness.addresses.count)
            #expect(try await harness.stateResources().isEmpty)
            #expect(try await cloud.status("/storage/v1/b/terrace-local-raw") == 404)
            #expect(try await cloud.status("/v1/projects/terrace-local/topics/terrace-local-carts-events") == 404)
            #expect(try await cloud.status("/v1/projects/terrace-local/subscriptions/terrace-local-carts-events-loader") == 404)
            #expect(try await cloud.status("/bigquery/v2/projects/terrace-local/datasets/terrace_local_gold") == 404)
            #expect(try await cloud.status(
                "/v1/projects/terrace-local/serviceAccounts/pipeline-runner@terrace-local.iam.gserviceaccount.com") == 404)
            // APIs stay enabled: the next plan adopts them and creates everything else.
            #expect(try await cloud.get("/v1/projects/terrace-local/services/pubsub.googleapis.com")["state"] == "ENABLED")
            let replan = try await harness.plan()
            #expect(replan.addresses(.adopt) == harness.addresses.filter { $0.hasPrefix("service[") })
            #expect(replan.count(.create) == harness.addresses.count - 4)
        }
    }

    @Test func twentyResourceStackConvergesAndDestroys() async throws {
        try await withEngine(TestStacks.twenty) { harness in
            let first = try await harness.applyOK()
            #expect(first.succeeded.count == 20)
            let again = try await harness.plan()
            #expect(again.changes.filter(\.action.isChange).map { "\($0.address) \($0.action) \($0.paths)" } == [])
            #expect(again.drift.map(\.address) == [])
            let destroyed = try await harness.destroy()
            #expect(destroyed.succeeded.count == 20)
            #expect(try await harness.stateResources().isEmpty)
        }
    }

    /// A change made outside that happens to match the declarations is a no-op with drift. Such a
    /// plan has no changes, so `terrace apply` writes nothing, and the state keeps the old value:
    /// every later plan reports the same drift again.
    @Test
    func driftMatchingTheDeclarationsIsRecorded() async throws {
        try await withCloud { cloud in
            let before = try EngineHarness(cloud: cloud) { env in Stack { Topic("events", name: env.name("events"), labels: env.labels) } }
            try await before.applyOK()
            // The declaration changes the retention, and someone already made the same change by hand.
            let after = try before.declaring { env in
                Stack { Topic("events", name: env.name("events"), labels: env.labels, messageRetentionDuration: .hours(1)) }
            }
            try await cloud.send("PATCH", cloud.topicPath("t-events"),
                                 ["topic": ["messageRetentionDuration": "3600s"], "updateMask": "messageRetentionDuration"])
            let plan = try await after.plan()
            #expect(plan.change("topic.events")?.action == .noop)
            #expect(plan.drift.map(\.address) == ["topic.events"])
            try await after.applyLikeCLI()
            #expect(try await after.plan().drift.map(\.address) == [])
        }
    }

    /// A subscription does not live on its dead-letter topic: renaming that topic is an in-place
    /// update of `deadLetterPolicy`, and the subscription keeps its backlog.
    @Test
    func renamingTheDeadLetterTopicUpdatesTheSubscriptionInPlace() async throws {
        try await withCloud { cloud in
            func stack(_ dead: String) -> (Environment) -> Stack {
                { env in
                    Stack {
                        Topic("events", name: env.name("events"), labels: env.labels)
                        Topic("dead", name: env.name(dead), labels: env.labels)
                        Subscription("reader", name: env.name("reader"), topic: .topic("events"),
                                     deadLetterPolicy: .init(topic: .topic("dead"), maxDeliveryAttempts: 5), labels: env.labels)
                    }
                }
            }
            let before = try EngineHarness(cloud: cloud, stack("dead"))
            try await before.applyOK()
            try await cloud.send("POST", cloud.topicPath("t-events", ":publish"), ["messages": [["data": "aGVsbG8="]]])

            let after = try before.declaring(stack("dead-v2"))
            let plan = try await after.plan()
            #expect(plan.addresses(.replace) == ["topic.dead"])
            let change = try #require(plan.change("subscription.reader"))
            #expect(change.action == .update)
            #expect(change.paths == ["deadLetterPolicy.deadLetterTopic"])
            try await after.applyOK()
            let pulled = try await cloud.send("POST", cloud.subscriptionPath("t-reader") + ":pull", ["maxMessages": 10, "returnImmediately": true])
            #expect(pulled["receivedMessages"]?.arrayValue?.count == 1)
            #expect(try await !after.plan().hasChanges)
        }
    }

    /// `dependingOn` only orders operations: replacing what a bucket merely waits for must not
    /// replace the bucket (and so, with data in it, refuse the whole plan).
    @Test
    func orderingOnlyDependencyDoesNotCascadeAReplacement() async throws {
        try await withCloud { cloud in
            func stack(_ topic: String) -> (Environment) -> Stack {
                { env in
                    Stack {
                        Topic("events", name: env.name(topic), labels: env.labels)
                        Bucket("archive", name: env.name("archive"), location: env.region, labels: env.labels)
                            .dependingOn(.topic("events"))
                    }
                }
            }
            let before = try EngineHarness(cloud: cloud, stack("events"))
            try await before.applyOK()
            try await cloud.upload(bucket: "t-archive", object: "kept")

            let after = try before.declaring(stack("events-v2"))
            let plan = try await after.plan()
            #expect(plan.addresses(.replace) == ["topic.events"])
            #expect(plan.change("bucket.archive")?.action == .noop)
            try await after.applyOK()
            #expect(try await cloud.objects(in: "t-archive") == ["kept"])
        }
    }
}
