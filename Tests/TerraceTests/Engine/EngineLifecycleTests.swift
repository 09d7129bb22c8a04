import Infra
import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

/// The knobs the lifecycle test turns between applies.
private struct Knobs {
    var retention: Duration = .days(1)
    var ordering = false
    var location = "US"

    func stack(_ env: Environment) -> Stack {
        Stack {
            Bucket("data", name: env.name("data"), location: location, labels: env.labels, forceDestroy: true)
            Topic("events", name: env.name("events"), labels: env.labels, messageRetentionDuration: retention)
            Subscription("events_reader", name: env.name("events-reader"), topic: .topic("events"), enableMessageOrdering: ordering,
                         labels: env.labels)
        }
    }
}

@Suite struct EngineLifecycleTests {
    static let addresses = ["bucket.data", "subscription.events_reader", "topic.events"]

    @Test func createUpdateReplaceDestroy() async throws {
        try await withCloud { cloud in
            var knobs = Knobs()
            var harness = try EngineHarness(cloud: cloud, knobs.stack)

            // Nothing exists: every declared address is a create.
            let first = try await harness.plan()
            #expect(first.changes.map(\.address) == Self.addresses)
            #expect(first.changes.allSatisfy { $0.action == .create })
            #expect(first.count(.create) == 3)
            #expect(first.stateSerial == nil && first.stateLineage == nil)
            let created = try await harness.applyOK()
            #expect(created.succeeded.map(\.address).sorted() == Self.addresses)
            #expect(created.succeeded.allSatisfy { $0.action == .create })

            // Applied: nothing to do, and nothing reported as drift.
            let settled = try await harness.plan()
            #expect(!settled.hasChanges)
            #expect(settled.count(.noop) == 3)
            #expect(settled.drift.isEmpty)

            // An attribute that changes in place: one update naming it.
            knobs.retention = .days(2)
            harness = try harness.declaring(knobs.stack)
            let update = try await harness.plan()
            #expect(update.addresses(.update) == ["topic.events"])
            #expect(update.count(.noop) == 2)
            let topicChange = try #require(update.change("topic.events"))
            #expect(topicChange.paths == ["messageRetentionDuration"])
            #expect(topicChange.changes.first?.before == "86400s")
            #expect(topicChange.changes.first?.after == "172800s")
            #expect(topicChange.replaceReasons.isEmpty)
            let updated = try await harness.applyOK()
            #expect(updated.succeeded.map(\.address) == ["topic.events"])
            #expect(try await cloud.get(cloud.topicPath("t-events"))["messageRetentionDuration"] == "172800s")
            #expect(try await !harness.plan().hasChanges)

            // An attribute that cannot change in place: a replace naming it.
            knobs.ordering = true
            harness = try harness.declaring(knobs.stack)
            let replace = try await harness.plan()
            #expect(replace.addresses(.replace) == ["subscription.events_reader"])
            #expect(replace.count(.noop) == 2)
            let subscriptionChange = try #require(replace.change("subscription.events_reader"))
            #expect(subscriptionChange.paths == ["enableMessageOrdering"])
            #expect(subscriptionChange.replaceReasons == ["enableMessageOrdering cannot change in place"])
            let replaced = try await harness.applyOK()
            #expect(replaced.succeeded.map(\.address) == ["subscription.events_reader"])
            #expect(replaced.succeeded.first?.action == .replace)
            #expect(try await cloud.get(cloud.subscriptionPath("t-events-reader"))["enableMessageOrdering"] == true)
            let afterReplace = try await harness.plan()
            #expect(!afterReplace.hasChanges)
            #expect(afterReplace.drift.isEmpty)

            // Destroy: every recorded resource is deleted, dependents first, and the state empties.
            let destroy = try await harness.plan(destroy: true)
            #expect(destroy.destroy)
            #expect(destroy.changes.map(\.address) == Self.addresses)
            #expect(destroy.changes.allSatisfy { $0.action == .delete })
            let destroyed = try await harness.apply(destroy)
            #expect(destroyed.ok)
            #expect(destroyed.succeeded.map(\.address).sorted() == Self.addresses)
            #expect(try await cloud.status(cloud.bucketPath("t-data")) == 404)
            #expect(try await cloud.status(cloud.topicPath("t-events")) == 404)
            #expect(try await cloud.status(cloud.subscriptionPath("t-events-reader")) == 404)
            let state = try #require(try await harness.snapshot())
            #expect(state.state.resources.isEmpty)
            // And the next plan would create everything again.
            #expect(try await harness.plan().count(.create) == 3)
        }
    }

    @Test func bucketLocationChangeReplacesTheBucket() async throws {
        try await withCloud { cloud in
            var knobs = Knobs()
            var harness = try EngineHarness(cloud: cloud, knobs.stack)
            try await harness.applyOK()

            knobs.location = "EU"
            harness = try harness.declaring(knobs.stack)
            let plan = try await harness.plan()
            #expect(plan.addresses(.replace) == ["bucket.data"])
            let change = try #require(plan.change("bucket.data"))
            #expect(change.replaceReasons == ["location cannot change in place"])
            #expect(change.changes.map(\.path) == ["location"])
            try await harness.applyOK()
            #expect(try await cloud.get(cloud.bucketPath("t-data"))["location"] == "EU")
            #expect(try await !harness.plan().hasChanges)
        }
    }

    @Test func platformStackPlansEmptyAfterApply() async throws {
        let environment = Environment(
            name: "local", project: "terrace-local", region: "US", namePrefix: "terrace-local",
            labels: ["env": "local", "managed-by": "terrace"], variables: ["analysts": ["user:analyst@example.com"]])
        try await withEngine(environment: environment, Platform.stack) { harness in
            let plan = try await harness.plan()
            #expect(plan.count(.create) == harness.addresses.count)
            let report = try await harness.applyOK()
            #expect(report.succeeded.count == harness.addresses.count)

            let again = try await harness.plan()
            let changed = again.changes.filter(\.action.isChange).map { "\($0.address) \($0.action) \($0.paths) \($0.replaceReasons)" }
            #expect(changed == [])
            #expect(again.count(.noop) == harness.addresses.count)
            #expect(again.drift.map(\.address) == [])
        }
    }
}
