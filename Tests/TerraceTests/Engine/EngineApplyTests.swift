import Foundation
import Synchronization
import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

private func targetStack(_ env: Environment) -> Stack {
    Stack {
        Bucket("logs", name: env.name("logs"), location: env.region, labels: env.labels, forceDestroy: true)
        Topic("orders", name: env.name("orders"), labels: env.labels)
        Subscription("x", name: env.name("orders-reader"), topic: .topic("orders"), labels: env.labels)
    }
}

private func vault(forceDestroy: Bool, location: String = "US") -> (Environment) -> Stack {
    { env in Stack { Bucket("vault", name: env.name("vault"), location: location, labels: env.labels, forceDestroy: forceDestroy) } }
}

@Suite struct EngineTargetTests {
    @Test func targetIncludesWhatItDependsOnOnly() async throws {
        try await withEngine(targetStack) { harness in
            let cloud = harness.cloud
            let plan = try await harness.plan(targets: ["subscription.x"])
            #expect(plan.changes.map(\.address) == ["subscription.x", "topic.orders"])
            #expect(plan.targets == ["subscription.x"])
            #expect(plan.changes.allSatisfy { $0.action == .create })

            let report = try await harness.applyOK(targets: ["subscription.x"])
            #expect(report.succeeded.map(\.address).sorted() == ["subscription.x", "topic.orders"])
            #expect(try await cloud.status(cloud.bucketPath("t-logs")) == 404)
            #expect(try await harness.stateResources().map(\.address) == ["subscription.x", "topic.orders"])

            // The untargeted plan picks up the rest.
            let rest = try await harness.plan()
            #expect(rest.addresses(.create) == ["bucket.logs"])
            #expect(rest.count(.noop) == 2)
        }
    }

    @Test func destroyTargetIncludesWhatDependsOnIt() async throws {
        try await withEngine(targetStack) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            let plan = try await harness.plan(targets: ["topic.orders"], destroy: true)
            #expect(plan.changes.map(\.address) == ["subscription.x", "topic.orders"])
            #expect(plan.changes.allSatisfy { $0.action == .delete })
            try await harness.applyOK(targets: ["topic.orders"], destroy: true)
            #expect(try await cloud.status(cloud.topicPath("t-orders")) == 404)
            #expect(try await cloud.status(cloud.subscriptionPath("t-orders-reader")) == 404)
            #expect(try await cloud.status(cloud.bucketPath("t-logs")) == 200)
            #expect(try await harness.stateResources().map(\.address) == ["bucket.logs"])
        }
    }

    @Test func unknownTargetIsRefused() async throws {
        try await withEngine(targetStack) { harness in
            let error = try await #require(throws: EngineError.self) { try await harness.plan(targets: ["subscription.nope"]) }
            #expect(error.description.contains("--target subscription.nope: no resource has this address"))
            let destroyError = try await #require(throws: EngineError.self) {
                try await harness.plan(targets: ["bucket.nope"], destroy: true)
            }
            #expect(destroyError.description.contains("--target bucket.nope"))
        }
    }
}

@Suite struct EngineProtectionTests {
    @Test func protectedBucketHoldingDataIsNotDestroyed() async throws {
        try await withEngine(vault(forceDestroy: false)) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            #expect(try await harness.snapshot()?.state["bucket.vault"]?.protected == true)
            try await cloud.upload(bucket: "t-vault", object: "x")

            let error = try await #require(throws: EngineError.self) { try await harness.plan(destroy: true) }
            #expect(error.description.contains(
                "bucket.vault: refusing to delete storage bucket t-vault: it holds objects (noncurrent versions count too) and is "
                    + "protected; empty it first, or declare it with forceDestroy: true"))
            #expect(error.description.contains("Nothing was changed."))
            // Removing the declaration is refused the same way.
            let undeclared = try harness.declaring { _ in Stack {} }
            let removal = try await #require(throws: EngineError.self) { try await undeclared.plan() }
            #expect(removal.description.contains("refusing to delete storage bucket t-vault"))
            // So is a replacement.
            let moved = try harness.declaring(vault(forceDestroy: false, location: "EU"))
            let replace = try await #require(throws: EngineError.self) { try await moved.plan() }
            #expect(replace.description.contains("refusing to replace (location cannot change in place) storage bucket t-vault"))

            #expect(try await cloud.objects(in: "t-vault") == ["x"])
            #expect(try await harness.stateResources().map(\.address) == ["bucket.vault"])

            // Empty, it may go.
            try await cloud.send("DELETE", cloud.bucketPath("t-vault") + "/o/x")
            try await harness.destroy()
            #expect(try await cloud.status(cloud.bucketPath("t-vault")) == 404)
        }
    }

    @Test func forceDestroyDeletesTheObjectsAndTheBucket() async throws {
        try await withEngine(vault(forceDestroy: true)) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            #expect(try await harness.snapshot()?.state["bucket.vault"]?.protected == false)
            try await cloud.upload(bucket: "t-vault", object: "x")
            try await cloud.upload(bucket: "t-vault", object: "dir/y")

            let plan = try await harness.plan(destroy: true)
            let change = try #require(plan.change("bucket.vault"))
            #expect(change.action == .delete)
            #expect(change.deletesContents)
            try await harness.destroy()
            #expect(try await cloud.status(cloud.bucketPath("t-vault")) == 404)
            #expect(try await harness.stateResources().isEmpty)
        }
    }

    /// Declaring `forceDestroy: true` on a bucket that was applied protected changes no attribute,
    /// so the plan has no changes and `terrace apply` stops at "no changes" without writing the
    /// state; the destroy plan takes protection from the state only, so it keeps refusing, telling
    /// the user to do what they already did.
    @Test
    func declaringForceDestroyLetsDestroyProceed() async throws {
        try await withEngine(vault(forceDestroy: false)) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            try await cloud.upload(bucket: "t-vault", object: "x")

            let forced = try harness.declaring(vault(forceDestroy: true))
            try await forced.applyLikeCLI()
            let destroy = try await forced.plan(destroy: true)
            #expect(destroy.change("bucket.vault")?.deletesContents == true)
            try await forced.destroy()
            #expect(try await cloud.status(cloud.bucketPath("t-vault")) == 404)
        }
    }

    /// A protected dataset "holds data" when it has any table, even an empty one this same destroy
    /// deletes first: destroying a dataset with its (empty) declared tables is refused.
    @Test
    func protectedDatasetWithEmptyDeclaredTableIsDestroyed() async throws {
        let stack: (Environment) -> Stack = { env in
            Stack {
                Dataset("lake", datasetID: env.name("lake", separator: "_"), location: env.region, labels: env.labels)
                Table("events", in: "lake", labels: env.labels) {
                    Field("id", .string, mode: .required)
                }
            }
        }
        try await withEngine(stack) { harness in
            try await harness.applyOK()
            let plan = try await harness.plan(destroy: true)
            #expect(plan.addresses(.delete) == ["dataset.lake", "table.lake.events"])
            try await harness.destroy()
            #expect(try await harness.cloud.status("/bigquery/v2/projects/terrace-test/datasets/t_lake") == 404)
        }
    }
}

@Suite struct EngineApplyFailureTests {
    static let grant = "iam.grant.bucket.clash[roles/storage.objectViewer,user:ann@example.com]"

    @Test func failedCreateIsReportedAndTheRestIsRecorded() async throws {
        let stack: (Environment) -> Stack = { env in
            Stack {
                Topic("ok", name: env.name("ok"), labels: env.labels)
                Bucket("clash", name: env.name("clash"), location: env.region, labels: env.labels, forceDestroy: true)
                Grant("roles/storage.objectViewer", to: .user("ann@example.com"), on: .bucket("clash"))
            }
        }
        try await withEngine(stack) { harness in
            let cloud = harness.cloud
            let plan = try await harness.plan()
            #expect(plan.count(.create) == 3)
            // Between plan and apply, someone else takes the name.
            try await cloud.createBucket("t-clash")

            let report = try await harness.apply(plan)
            #expect(!report.ok)
            #expect(report.failed.map(\.address) == ["bucket.clash"])
            let failure = try #require(report.failed.first)
            #expect(failure.action == .create)
            #expect(failure.message.contains("already exists and is not marked as this stack's"))
            #expect(failure.message.contains("terrace import --env test bucket.clash t-clash"))
            #expect(report.succeeded.map(\.address) == ["topic.ok"])
            #expect(report.notStarted == [Self.grant])
            #expect(report.state?.state.resources.map(\.address) == ["topic.ok"])
            #expect(try await harness.stateResources().map(\.address) == ["topic.ok"])
            // The other bucket was not touched.
            #expect(try await cloud.get(cloud.bucketPath("t-clash"))["labels"]?["terrace-stack"] == nil)

            // Once the name is free again, the next apply converges.
            try await cloud.send("DELETE", cloud.bucketPath("t-clash"))
            let next = try await harness.plan()
            #expect(next.addresses(.create) == ["bucket.clash", Self.grant])
            #expect(next.change("topic.ok")?.action == .noop)
            let second = try await harness.applyOK()
            #expect(second.succeeded.map(\.address).sorted() == ["bucket.clash", Self.grant])
            #expect(try await harness.stateResources().map(\.address) == ["bucket.clash", Self.grant, "topic.ok"])
            #expect(try await !harness.plan().hasChanges)
        }
    }
}

/// What `observe` saw: for each finished operation, whether the state file already had it.
private final class Observations: Sendable {
    let recorded = Mutex<[String: Bool]>([:])
}

@Suite struct EngineStateTests {
    static let grant = "iam.grant.topic.events[roles/pubsub.viewer,user:viewer@example.com]"

    static func stack(_ env: Environment) -> Stack {
        Stack {
            Bucket("data", name: env.name("data"), location: env.region, labels: env.labels)
            Topic("events", name: env.name("events"), labels: env.labels)
            Subscription("events_reader", name: env.name("events-reader"), topic: .topic("events"), labels: env.labels)
            Grant("roles/pubsub.viewer", to: .user("viewer@example.com"), on: .topic("events"))
        }
    }

    @Test func everyOperationIsRecordedAsItCompletes() async throws {
        try await withEngine(parallelism: 1, Self.stack) { harness in
            let path = harness.statePath
            let seen = Observations()
            let report = try await harness.apply { event in
                guard case .finished(let address, _, _, _) = event else { return }
                let bytes = FileManager.default.contents(atPath: path).map { [UInt8]($0) } ?? []
                let addresses = (try? JSON.parse(bytes))?["resources"]?.arrayValue?.compactMap { $0["address"]?.stringValue } ?? []
                seen.recorded.withLock { $0[address] = addresses.contains(address) }
            }
            #expect(report.ok)
            #expect(seen.recorded.withLock { $0 } == Dictionary(uniqueKeysWithValues: harness.addresses.map { ($0, true) }))

            // One write per operation (parallelism 1: nothing to fold together).
            let snapshot = try #require(try await harness.snapshot())
            #expect(snapshot.state.serial == 4)
            let state = snapshot.state

            #expect(state.resources.map(\.address) == harness.addresses)
            for resource in harness.engine.resources {
                let record = try #require(state[resource.address.rawValue])
                #expect(record.type == resource.type)
                #expect(record.dependencies == resource.dependencies.map(\.rawValue))
                #expect(record.protected == resource.protected)
                #expect(record.attributes.objectValue?.isEmpty == false)
            }
            #expect(state["bucket.data"]?.id == "t-data")
            #expect(state["bucket.data"]?.protected == true)
            #expect(state["bucket.data"]?.attributes["labels"] == ["env": "test", "terrace-stack": "test"])
            #expect(state["topic.events"]?.id == "projects/terrace-test/topics/t-events")
            #expect(state["subscription.events_reader"]?.id == "projects/terrace-test/subscriptions/t-events-reader")
            #expect(state["subscription.events_reader"]?.dependencies == ["topic.events"])
            #expect(state["subscription.events_reader"]?.attributes["topic"] == "projects/terrace-test/topics/t-events")
            #expect(state[Self.grant]?.id == "projects/terrace-test/topics/t-events roles/pubsub.viewer user:viewer@example.com")
            #expect(state[Self.grant]?.dependencies == ["topic.events"])

            // The file on disk has the same, with each entry's fields.
            let file = try JSON.parse([UInt8](try #require(FileManager.default.contents(atPath: path))))
            #expect(file["serial"] == 4)
            let entries = try #require(file["resources"]?.arrayValue)
            #expect(entries.count == 4)
            for entry in entries {
                for key in ["address", "type", "id", "attributes", "dependencies"] { #expect(entry[key] != nil, "\(key) missing") }
            }
        }
    }

    @Test func applyWithNothingToDoWritesNothing() async throws {
        try await withEngine(Self.stack) { harness in
            try await harness.applyOK()
            let before = try #require(try await harness.snapshot())
            let report = try await harness.applyOK()
            #expect(report.succeeded.isEmpty)
            let after = try #require(try await harness.snapshot())
            #expect(after.state.serial == before.state.serial)
            #expect(after.state == before.state)
        }
    }

    @Test func eachApplyBumpsTheSerialAndKeepsTheLineage() async throws {
        try await withEngine(Self.stack) { harness in
            try await harness.applyOK()
            let first = try #require(try await harness.snapshot())
            #expect(first.state.serial >= 1)
            let more = try harness.declaring { env in
                Stack {
                    Self.stack(env)
                    Topic("audit", name: env.name("audit"), labels: env.labels)
                }
            }
            try await more.applyOK()
            let second = try #require(try await more.snapshot())
            #expect(second.state.serial == first.state.serial + 1)
            #expect(second.state.lineage == first.state.lineage)
            #expect(second.state.resources.count == 5)
        }
    }

    @Test func operationsHoldTheStateLock() async throws {
        try await withEngine(Self.stack) { harness in
            let other = try harness.declaring(Self.stack)
            try await harness.engine.withLock("apply") { _ in
                let error = try await #require(throws: (any Error).self) { try await other.plan() }
                #expect("\(error)".contains("apply"))
            }
            // Released afterwards.
            #expect(try await other.plan().count(.create) == 4)
        }
    }
}
