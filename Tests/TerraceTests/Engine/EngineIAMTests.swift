import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

private let publisher = "roles/pubsub.publisher"
private let subscriber = "roles/pubsub.subscriber"
private let grantAddress = "iam.grant.topic.events[roles/pubsub.publisher,user:alice@example.com]"
private let bindingAddress = "iam.binding.topic.events[roles/pubsub.subscriber]"

private func iamStack(_ env: Environment) -> Stack {
    Stack {
        Topic("events", name: env.name("events"), labels: env.labels)
        Grant(Role(publisher), to: .user("alice@example.com"), on: .topic("events"))
        RoleBinding(Role(subscriber), members: [.user("bob@example.com")], on: .topic("events"))
    }
}

@Suite struct EngineIAMTests {
    @Test func grantIsAdditive() async throws {
        try await withEngine(iamStack) { harness in
            let cloud = harness.cloud
            let plan = try await harness.plan()
            #expect(plan.change(grantAddress)?.action == .create)
            #expect(plan.change(grantAddress)?.id == "projects/terrace-test/topics/t-events roles/pubsub.publisher user:alice@example.com")
            #expect(plan.change(grantAddress)?.dependencies == ["topic.events"])
            try await harness.applyOK()
            #expect(try await cloud.topicMembers("t-events", role: publisher) == ["user:alice@example.com"])

            // Someone else adds a member to the same role: the grant still holds, nothing to do.
            try await cloud.addTopicMember("t-events", role: publisher, member: "user:carol@example.com")
            let plan2 = try await harness.plan()
            #expect(plan2.change(grantAddress)?.action == .noop)
            #expect(!plan2.hasChanges)
            try await harness.applyOK()
            #expect(try await cloud.topicMembers("t-events", role: publisher) == ["user:alice@example.com", "user:carol@example.com"])

            // Destroying the grant removes its member only.
            let withoutGrant = try harness.declaring { env in
                Stack {
                    Topic("events", name: env.name("events"), labels: env.labels)
                    RoleBinding(Role(subscriber), members: [.user("bob@example.com")], on: .topic("events"))
                }
            }
            let plan3 = try await withoutGrant.plan()
            #expect(plan3.addresses(.delete) == [grantAddress])
            try await withoutGrant.applyOK()
            #expect(try await cloud.topicMembers("t-events", role: publisher) == ["user:carol@example.com"])
        }
    }

    @Test func bindingIsAuthoritative() async throws {
        try await withEngine(iamStack) { harness in
            let cloud = harness.cloud
            try await harness.applyOK()
            #expect(try await cloud.topicMembers("t-events", role: subscriber) == ["user:bob@example.com"])

            try await cloud.addTopicMember("t-events", role: subscriber, member: "user:mallory@example.com")
            let plan = try await harness.plan()
            let change = try #require(plan.change(bindingAddress))
            #expect(change.action == .update)
            #expect(change.paths == ["members"])
            #expect(change.changes.first?.after == ["user:bob@example.com"])
            #expect(change.changes.first?.before == ["user:bob@example.com", "user:mallory@example.com"])
            #expect(plan.drift(bindingAddress)?.changes.map(\.path) == ["members"])
            #expect(plan.change(grantAddress)?.action == .noop)

            try await harness.applyOK()
            #expect(try await cloud.topicMembers("t-events", role: subscriber) == ["user:bob@example.com"])
            #expect(try await cloud.topicMembers("t-events", role: publisher) == ["user:alice@example.com"])
            #expect(try await !harness.plan().hasChanges)
        }
    }
}
