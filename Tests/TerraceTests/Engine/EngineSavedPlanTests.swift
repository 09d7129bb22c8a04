import TerraceDSL
import TerraceEngine
import TerraceJSON
import Testing

private func twoTopics(_ env: Environment) -> Stack {
    Stack {
        Topic("events", name: env.name("events"), labels: env.labels)
        Topic("audit", name: env.name("audit"), labels: env.labels, messageRetentionDuration: .hours(1))
        Subscription("events_reader", name: env.name("events-reader"), topic: .topic("events"), ackDeadlineSeconds: 30,
                     retryPolicy: .init(minimumBackoff: .seconds(5), maximumBackoff: .seconds(60)), labels: env.labels)
    }
}

@Suite struct EngineSavedPlanTests {
    @Test func savedPlanRoundTripsAndIsCheckedAgainstTheState() async throws {
        try await withCloud { cloud in
            let first = try EngineHarness(cloud: cloud) { env in Stack { Topic("events", name: env.name("events"), labels: env.labels) } }
            try await first.applyOK()
            let harness = try first.declaring(twoTopics)

            let (plan, snapshot) = try await harness.engine.withLock("plan") { snapshot in
                (try await harness.engine.plan(snapshot), snapshot)
            }
            #expect(plan.addresses(.create) == ["subscription.events_reader", "topic.audit"])
            #expect(plan.stateSerial == snapshot?.state.serial)
            #expect(plan.stateLineage == snapshot?.state.lineage)

            // plan.json: the document decodes back to the same plan.
            let bytes = plan.json.encodedBytes(.pretty)
            let decoded = try Plan.decode(bytes, file: "plan.json")
            #expect(decoded == plan)
            #expect(decoded.json == plan.json)

            // Accepted against the state it was made from.
            try harness.engine.check(saved: decoded, file: "plan.json", against: snapshot)
            try harness.engine.check(saved: decoded, file: "plan.json", against: try await harness.snapshot())

            // Applying it bumps the serial: the same saved plan is now stale.
            let report = try await harness.engine.withLock("apply") { current in
                try harness.engine.check(saved: decoded, file: "plan.json", against: current)
                return try await harness.engine.apply(decoded, snapshot: current)
            }
            #expect(report.ok)
            #expect(report.succeeded.map(\.address).sorted() == ["subscription.events_reader", "topic.audit"])
            let after = try #require(try await harness.snapshot())
            #expect(after.state.serial > (snapshot?.state.serial ?? 0))
            let stale = #expect(throws: EngineError.self) {
                try harness.engine.check(saved: decoded, file: "plan.json", against: after)
            }
            #expect(stale?.description.contains("plan.json is stale") == true)
            #expect(stale?.description.contains("serial \(snapshot?.state.serial ?? -1), now serial \(after.state.serial)") == true)
            #expect(try await !harness.plan().hasChanges)
        }
    }

    @Test func planMadeWithoutAStateIsStaleOnceOneExists() async throws {
        try await withEngine(twoTopics) { harness in
            let plan = try await harness.plan()
            #expect(plan.stateLineage == nil)
            let decoded = try Plan.decode(plan.json.encodedBytes(), file: "plan.json")
            #expect(decoded == plan)
            try harness.engine.check(saved: decoded, file: "plan.json", against: nil)
            try await harness.applyOK()
            let snapshot = try await harness.snapshot()
            let error = #expect(throws: EngineError.self) {
                try harness.engine.check(saved: decoded, file: "plan.json", against: snapshot)
            }
            #expect(error?.description.contains("(no state, now serial") == true)
        }
    }

    /// `Plan.decode` does not read back `drift`, which `Plan.json` writes (the `--json` output and
    /// saved plan are "the same document"): a saved plan made while something had drifted does not
    /// round-trip.
    @Test(.disabled("bug: Plan.decode (Sources/TerraceEngine/Plan/PlanFile.swift) ignores the \"drift\" member that Plan.json writes"))
    func savedPlanWithDriftRoundTrips() async throws {
        try await withEngine(twoTopics) { harness in
            try await harness.applyOK()
            try await harness.cloud.send("PATCH", harness.cloud.topicPath("t-events"),
                                         ["topic": ["labels": ["env": "prod", "terrace-stack": "test"]], "updateMask": "labels"])
            let plan = try await harness.plan()
            #expect(plan.drift.map(\.address) == ["topic.events"])
            let decoded = try Plan.decode(plan.json.encodedBytes(), file: "plan.json")
            #expect(decoded.drift == plan.drift)
            #expect(decoded == plan)
        }
    }

    @Test func planFromOtherDeclarationsIsRefused() async throws {
        try await withEngine(twoTopics) { harness in
            try await harness.applyOK()
            let snapshot = try await harness.snapshot()
            let plan = try await harness.plan()
            let other = try harness.declaring { env in Stack { Topic("events", name: env.name("events"), labels: env.labels) } }
            let error = #expect(throws: EngineError.self) { try other.engine.check(saved: plan, file: "plan.json", against: snapshot) }
            #expect(error?.description.contains("plan.json was made from different declarations") == true)
        }
    }

    @Test func planForAnotherEnvironmentIsRefused() async throws {
        try await withEngine(twoTopics) { harness in
            var plan = try await harness.plan()
            plan.environment = "prod"
            let error = #expect(throws: EngineError.self) { try harness.engine.check(saved: plan, file: "plan.json", against: nil) }
            #expect(error?.description.contains("plan.json was made for environment prod") == true)
        }
    }

    @Test func corruptedPlanFilesAreRefusedNamingTheFile() throws {
        let notJSON = #expect(throws: EngineError.self) { try Plan.decode(Array("{not json".utf8), file: "saved/plan.json") }
        #expect(notJSON?.description.hasPrefix("saved/plan.json: not JSON") == true)

        let truncated = #expect(throws: EngineError.self) { try Plan.decode([], file: "saved/plan.json") }
        #expect(truncated?.description.hasPrefix("saved/plan.json:") == true)

        let array = #expect(throws: EngineError.self) { try Plan.decode(Array("[1]".utf8), file: "saved/plan.json") }
        #expect(array?.description.hasPrefix("saved/plan.json: not a JSON object") == true)

        let plan = Plan(environment: "test", project: "terrace-test", stateLineage: nil, stateSerial: nil, declarationsDigest: "d",
                        changes: [])
        let future = plan.json.setting("format_version", 2)
        let wrongVersion = #expect(throws: EngineError.self) { try Plan.decode(future.encodedBytes(), file: "saved/plan.json") }
        #expect(wrongVersion?.description.hasPrefix("saved/plan.json: format_version 2 is not 1") == true)

        let missing = #expect(throws: EngineError.self) {
            try Plan.decode(plan.json.setting("declarations_digest", .null).encodedBytes(), file: "saved/plan.json")
        }
        #expect(missing?.description.contains("saved/plan.json") == true)

        // A create with nothing to create from.
        let badChange: JSON = ["address": "topic.x", "type": "pubsub.topic", "id": "projects/p/topics/x", "action": "create"]
        let malformed = #expect(throws: EngineError.self) {
            try Plan.decode(plan.json.setting("changes", [badChange]).encodedBytes(), file: "saved/plan.json")
        }
        #expect(malformed?.description.hasPrefix("saved/plan.json: changes[0] is malformed") == true)
    }
}

extension JSON {
    /// A copy with `key` set (objects only).
    fileprivate func setting(_ key: String, _ value: JSON) -> JSON {
        guard case .object(var members) = self else { return self }
        members[key] = value
        return .object(members)
    }
}
