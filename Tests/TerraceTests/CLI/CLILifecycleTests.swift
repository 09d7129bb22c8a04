import Foundation
import TerraceJSON
import Testing

/// The infrastructure commands as a user runs them: the real CLI (built over the 20-resource
/// test stack) against an in-process local cloud, output and exit codes included.
@Suite(.serialized)
struct CLILifecycleTests {
    /// A project directory with `environments/fx.json` on `cloud`, state in `state`.
    private func project(_ cloud: TestCloud, state: String = "state/fx.json") throws -> String {
        let directory = makeTemporaryDirectory("terrace-cli")
        try FileManager.default.createDirectory(atPath: directory + "/environments", withIntermediateDirectories: true)
        let body: JSON = [
            "project": .string(FailureFixture.project), "region": "US", "endpoint": .string(cloud.base), "state": .string(state),
            "namePrefix": "fx", "labels": ["env": "fx"], "variables": [:],
        ]
        try body.encoded(.pretty).write(toFile: directory + "/environments/fx.json", atomically: true, encoding: .utf8)
        return directory
    }

    private func terrace(_ arguments: String..., in directory: String) async throws -> (status: Int32, output: String) {
        let run = try await FixtureBinary.run(arguments, in: directory)
        return (run.status, run.output)
    }

    @Test func planJSONCountsTheCreatesAndDetailedExitCodeSaysWhetherAnythingChanges() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let plan = try await terrace("plan", "--env", "fx", "--json", in: dir)
            #expect(plan.status == 0)
            let json = try JSON.parse(plan.output)
            #expect(json["summary"]?["create"] == 20)
            #expect(json["changes"]?.arrayValue?.allSatisfy { $0["action"] == "create" } == true)
            #expect(try await terrace("plan", "--env", "fx", "--detailed-exitcode", in: dir).status == 2)
            #expect(try await terrace("apply", "--env", "fx", "--auto-approve", in: dir).status == 0)
            let after = try await terrace("plan", "--env", "fx", "--detailed-exitcode", in: dir)
            #expect(after.status == 0)
            #expect(after.output.contains("No changes."))
        }
    }

    @Test func applyWithoutATerminalOrAutoApproveChangesNothing() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let apply = try await terrace("apply", "--env", "fx", in: dir)
            #expect(apply.status == 1)
            #expect(apply.output.contains("--auto-approve"))
            let topics = try await cloud.call("GET", "/v1/projects/\(FailureFixture.project)/topics").body
            #expect(topics["topics"]?.arrayValue?.isEmpty ?? true)
        }
    }

    @Test func aSavedPlanIsAppliedOnceAndRefusedWhenStale() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let saved = try await terrace("plan", "--env", "fx", "--out", "fx.plan", in: dir)
            #expect(saved.status == 0)
            #expect(saved.output.contains("terrace apply --env fx fx.plan"))
            let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/fx.plan")
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(try await terrace("apply", "--env", "fx", "fx.plan", in: dir).status == 0)
            let again = try await terrace("apply", "--env", "fx", "fx.plan", in: dir)
            #expect(again.status == 1)
            #expect(again.output.contains("stale"), "\(again.output)")
        }
    }

    @Test func aBrokenPlanFileIsRefusedNamingTheFile() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try "{\"format_version\": 1, \"changes\": 3}".write(toFile: dir + "/bad.plan", atomically: true, encoding: .utf8)
            let apply = try await terrace("apply", "--env", "fx", "bad.plan", in: dir)
            #expect(apply.status == 1)
            #expect(apply.output.contains("bad.plan"))
            #expect(!FileManager.default.fileExists(atPath: dir + "/state/fx.json"))
        }
    }

    @Test func stateListShowMoveAndRemoveEditOnlyTheState() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            #expect(try await terrace("apply", "--env", "fx", "--auto-approve", in: dir).status == 0)
            let list = try await terrace("state", "list", "--env", "fx", in: dir)
            #expect(list.output.split(separator: "\n").count == 20)
            #expect(list.output.split(separator: "\n").contains("topic.events"))
            let show = try JSON.parse(try await terrace("state", "show", "--env", "fx", "topic.events", in: dir).output)
            #expect(show["id"] == "projects/fx-project/topics/fx-events")

            // Moving to an undeclared address would make the next plan delete the resource.
            let undeclared = try await terrace("state", "mv", "--env", "fx", "topic.events", "topic.renamed", in: dir)
            #expect(undeclared.status == 1)
            #expect(undeclared.output.contains("topic.renamed is not declared"))

            // Forgotten, the subscription is still in the cloud and still marked: the plan adopts it.
            let removed = try await terrace("state", "rm", "--env", "fx", "subscription.events_audit", in: dir)
            #expect(removed.status == 0)
            #expect(try await cloud.call("GET", "/v1/projects/\(FailureFixture.project)/subscriptions/fx-events-audit").status == 200)
            let plan = try JSON.parse(try await terrace("plan", "--env", "fx", "--json", in: dir).output)
            let actions = (plan["changes"]?.arrayValue ?? []).filter { $0["action"] != "no-op" }
            #expect(actions.map { $0["address"]?.stringValue ?? "" } == ["subscription.events_audit"])
            #expect(actions.first?["action"] == "adopt")
            // And a declared address that is not in the state is a valid destination.
            #expect(try await terrace("state", "mv", "--env", "fx", "subscription.events_loader", "subscription.events_audit", in: dir).status == 0)
            #expect(try await terrace("state", "mv", "--env", "fx", "topic.events", "bucket.landing", in: dir).status == 1)
            #expect(try await terrace("state", "mv", "--env", "fx", "subscription.events_audit", "subscription.events_loader", in: dir).status == 0)
        }
    }

    @Test func destroyDeletesEverythingDependentsFirst() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            #expect(try await terrace("apply", "--env", "fx", "--auto-approve", in: dir).status == 0)
            let destroy = try await terrace("destroy", "--env", "fx", "--auto-approve", in: dir)
            #expect(destroy.status == 0, "\(destroy.output)")
            #expect(destroy.output.contains("Destroy complete: 18 deleted, 2 APIs forgotten (left enabled)."))
            let lines = destroy.output.split(separator: "\n").map(String.init)
            let subscriptionGone = try #require(lines.firstIndex { $0.hasPrefix("subscription.events_loader: deleted") })
            let topicGone = try #require(lines.firstIndex { $0.hasPrefix("topic.events: deleted") })
            #expect(subscriptionGone < topicGone)
            #expect(try await terrace("state", "list", "--env", "fx", in: dir).output.contains("records no resources"))  // on stderr
        }
    }

    @Test func initCreatesAVersionedStateBucketAndTheStateLivesThere() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud, state: "gs://fx-state/terrace/fx")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let plan = try await terrace("plan", "--env", "fx", in: dir)
            #expect(plan.status == 1)
            #expect(plan.output.contains("terrace init"), "\(plan.output)")
            let initialise = try await terrace("init", "--env", "fx", in: dir)
            #expect(initialise.status == 0)
            #expect(initialise.output.contains("Created the state bucket gs://fx-state"))
            let bucket = try await cloud.call("GET", "/storage/v1/b/fx-state").body
            #expect(bucket["versioning"]?["enabled"] == true)
            #expect(try await terrace("init", "--env", "fx", in: dir).output.contains("exists"))
            #expect(try await terrace("apply", "--env", "fx", "--auto-approve", in: dir).status == 0)
            let object = try await cloud.call("GET", "/storage/v1/b/fx-state/o/terrace%2Ffx%2Fterrace.state.json")
            #expect(object.status == 200)
            #expect(try await terrace("plan", "--env", "fx", "--detailed-exitcode", in: dir).status == 0)
        }
    }

    @Test func aStaleGCSLockIsReportedWithItsHolderAndForceUnlockRemovesIt() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud, state: "gs://fx-state/fx")
            defer { try? FileManager.default.removeItem(atPath: dir) }
            #expect(try await terrace("init", "--env", "fx", in: dir).status == 0)
            // A lock left by a process that died.
            let lock: JSON = ["id": "dead-lock-1", "who": "ci@runner-9", "pid": 4242, "when": "2026-11-01T00:00:00Z", "operation": "apply"]
            let upload = try await cloud.raw("POST", "/upload/storage/v1/b/fx-state/o?uploadType=media&name=fx%2Fterrace.lock&ifGenerationMatch=0",
                                             body: lock.encodedBytes(), headers: [("Content-Type", "application/json")])
            #expect(upload.status == 200)
            let plan = try await terrace("plan", "--env", "fx", in: dir)
            #expect(plan.status == 1)
            #expect(plan.output.contains("ci@runner-9 (pid 4242)"), "\(plan.output)")
            #expect(plan.output.contains("terrace force-unlock dead-lock-1"))
            #expect(try await terrace("force-unlock", "--env", "fx", "wrong-id", in: dir).status == 1)
            #expect(try await terrace("force-unlock", "--env", "fx", "dead-lock-1", in: dir).status == 0)
            #expect(try await terrace("plan", "--env", "fx", in: dir).status == 0)
        }
    }

    @Test func importBringsAnUnmarkedResourceUnderManagement() async throws {
        try await withCloud { cloud in
            let dir = try project(cloud)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            #expect(try await cloud.call("PUT", "/v1/projects/\(FailureFixture.project)/topics/fx-events", ["labels": ["owner": "ops"]]).status == 200)
            let plan = try await terrace("plan", "--env", "fx", in: dir)
            #expect(plan.status == 1)
            #expect(plan.output.contains("terrace import --env fx topic.events projects/fx-project/topics/fx-events"), "\(plan.output)")
            let imported = try await terrace("import", "--env", "fx", "topic.events", "fx-events", in: dir)
            #expect(imported.status == 0, "\(imported.output)")
            let json = try JSON.parse(try await terrace("plan", "--env", "fx", "--json", in: dir).output)
            let topic = (json["changes"]?.arrayValue ?? []).first { $0["address"] == "topic.events" }
            #expect(topic?["action"] == "update")
            #expect(try await terrace("import", "--env", "fx", "topic.events", "fx-events", in: dir).status == 1)
            #expect(try await terrace("import", "--env", "fx", "topic.nope", "fx-events", in: dir).status == 1)
        }
    }
}
