import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

private func bucketAndTopic(_ env: Environment) -> Stack {
    Stack {
        Bucket("data", name: env.name("data"), location: env.region, labels: env.labels, forceDestroy: true)
        Topic("events", name: env.name("events"), labels: env.labels)
    }
}

private func oneTopic(_ env: Environment) -> Stack {
    Stack {
        Topic("events", name: env.name("events"), labels: env.labels)
    }
}

@Suite struct EngineDriftTests {
    @Test func labelChangedOutsideIsDriftAndUpdatedBack() async throws {
        try await withEngine(bucketAndTopic) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            try await cloud.send("PATCH", cloud.bucketPath("t-data"), ["labels": ["env": "prod"]])

            let plan = try await harness.plan()
            let drift = try #require(plan.drift("bucket.data"))
            #expect(!drift.deleted)
            #expect(drift.changes == [AttributeChange(path: "labels.env", before: "test", after: "prod")])
            #expect(plan.drift.map(\.address) == ["bucket.data"])

            let change = try #require(plan.change("bucket.data"))
            #expect(change.action == .update)
            #expect(change.reason == "changed outside Terrace")
            #expect(change.changes == [AttributeChange(path: "labels.env", before: "prod", after: "test")])
            #expect(plan.change("topic.events")?.action == .noop)

            try await harness.applyOK()
            let labels = try await cloud.get(cloud.bucketPath("t-data"))["labels"]
            #expect(labels == ["env": "test", "terrace-stack": "test"])
            let after = try await harness.plan()
            #expect(!after.hasChanges)
            #expect(after.drift.isEmpty)
        }
    }

    @Test func resourceDeletedOutsideIsDriftAndRecreated() async throws {
        try await withEngine(bucketAndTopic) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            try await cloud.send("DELETE", cloud.topicPath("t-events"))

            let plan = try await harness.plan()
            #expect(plan.drift == [Drift(address: "topic.events", changes: [], deleted: true)])
            let change = try #require(plan.change("topic.events"))
            #expect(change.action == .create)
            #expect(change.reason == "deleted outside Terrace")
            #expect(plan.change("bucket.data")?.action == .noop)

            try await harness.applyOK()
            #expect(try await cloud.status(cloud.topicPath("t-events")) == 200)
            #expect(try await !harness.plan().hasChanges)
        }
    }
}

@Suite struct EngineImportTests {
    @Test func existingUnmarkedResourceMustBeImported() async throws {
        try await withEngine(oneTopic) { harness in
            let cloud = harness.cloud
            try await cloud.createTopic("t-events")

            // It exists but is not this stack's: planning refuses and says how to take it over.
            let error = try await #require(throws: EngineError.self) { try await harness.plan() }
            #expect(error.description.contains("topic.events"))
            #expect(error.description.contains("terrace import --env test topic.events projects/terrace-test/topics/t-events"))
            #expect(try await harness.snapshot() == nil)

            let record = try await harness.importResource("topic.events", id: "t-events")
            #expect(record.id == "projects/terrace-test/topics/t-events")
            #expect(record.type == "pubsub.topic")
            #expect(try await harness.stateResources().map(\.address) == ["topic.events"])

            // Imported: an update that adds the labels (the marker among them), no create.
            let plan = try await harness.plan()
            #expect(plan.count(.create) == 0)
            let change = try #require(plan.change("topic.events"))
            #expect(change.action == .update)
            #expect(change.paths.contains("labels.terrace-stack"))
            #expect(change.paths == ["labels.env", "labels.terrace-stack"])
            try await harness.applyOK()
            #expect(try await cloud.get(cloud.topicPath("t-events"))["labels"]?["terrace-stack"] == "test")
            #expect(try await !harness.plan().hasChanges)

            // Importing it again is refused: it is in the state already.
            let again = try await #require(throws: EngineError.self) { try await harness.importResource("topic.events", id: "t-events") }
            #expect(again.description.contains("already in the state"))
        }
    }

    @Test func importRefusesAnUndeclaredAddress() async throws {
        try await withEngine(oneTopic) { harness in
            try await harness.cloud.createTopic("t-other")
            let error = try await #require(throws: EngineError.self) { try await harness.importResource("topic.other", id: "t-other") }
            #expect(error.description.contains("topic.other: no declaration has this address"))
            #expect(try await harness.snapshot() == nil)
        }
    }

    @Test func importRefusesAnIDThatDoesNotExist() async throws {
        try await withEngine(oneTopic) { harness in
            let error = try await #require(throws: EngineError.self) { try await harness.importResource("topic.events", id: "t-events") }
            #expect(error.description.contains("projects/terrace-test/topics/t-events does not exist"))
            #expect(try await harness.snapshot() == nil)
        }
    }

    /// Importing another resource than the declared one would make the next apply replace it.
    @Test func importRefusesAnIDOtherThanTheDeclaredOne() async throws {
        try await withEngine(oneTopic) { harness in
            try await harness.cloud.createTopic("t-other")
            let error = try await #require(throws: EngineError.self) { try await harness.importResource("topic.events", id: "t-other") }
            #expect(error.description.contains("the declaration names Pub/Sub topic projects/terrace-test/topics/t-events, not projects/terrace-test/topics/t-other"))
            #expect(try await harness.snapshot() == nil)
        }
    }
}

@Suite struct EngineAdoptionTests {
    @Test func markedResourceNotInTheStateIsAdopted() async throws {
        try await withEngine(bucketAndTopic) { harness in
            let cloud = harness.cloud
            // Left by an apply that created it but died before writing the state: it carries the marker.
            try await cloud.createTopic("t-events", labels: ["terrace-stack": "test"])

            let plan = try await harness.plan()
            let change = try #require(plan.change("topic.events"))
            #expect(change.action == .adopt)
            #expect(change.reason == "already exists, marked as this stack's")
            #expect(change.paths == ["labels.env"])
            #expect(plan.change("bucket.data")?.action == .create)
            #expect(plan.drift.isEmpty)

            let report = try await harness.apply(plan)
            #expect(report.ok)
            #expect(report.succeeded.contains { $0.address == "topic.events" && $0.action == .adopt })
            let record = try #require(try await harness.snapshot()?.state["topic.events"])
            #expect(record.id == "projects/terrace-test/topics/t-events")
            #expect(record.attributes["labels"] == ["env": "test", "terrace-stack": "test"])
            #expect(try await cloud.get(cloud.topicPath("t-events"))["labels"] == ["env": "test", "terrace-stack": "test"])
            #expect(try await !harness.plan().hasChanges)
        }
    }

    @Test func resourceMarkedByAnotherStackIsNotAdopted() async throws {
        try await withEngine(oneTopic) { harness in
            try await harness.cloud.createTopic("t-events", labels: ["terrace-stack": "prod"])
            let error = try await #require(throws: EngineError.self) { try await harness.plan() }
            #expect(error.description.contains("not marked as this stack's"))
        }
    }
}
