import LocalCloud
import Testing
import TerraceJSON
import TerraceTime

@Suite("Local cloud core: routing, naming rules, validation, time")
struct CoreTests {
    @Test func routesMatchCustomVerbsBeforePlainParameters() {
        let table = RouteTable([
            APIRoutes(name: "pubsub", style: .canonical, routes: [
                Route(.get, "v1/projects/{project}/topics/{topic}") { _ in .noContent() },
                Route(.post, "v1/projects/{project}/topics/{topic}:publish") { _ in .noContent() },
            ])
        ])
        guard case .found(let route, let params, _, _) = table.match(method: .post, path: "/v1/projects/p/topics/t%2Ex:publish") else {
            Issue.record("no match")
            return
        }
        #expect(route.pattern.hasSuffix(":publish"))
        #expect(params == ["project": "p", "topic": "t.x"])
        guard case .wrongMethod = table.match(method: .delete, path: "/v1/projects/p/topics/t") else {
            Issue.record("expected wrongMethod")
            return
        }
        guard case .notFound = table.match(method: .get, path: "/v1/projects/p") else {
            Issue.record("expected notFound")
            return
        }
    }

    @Test func objectNamesWithEncodedSlashesAreOneSegment() {
        let table = RouteTable([APIRoutes(name: "storage", style: .legacy, routes: [
            Route(.get, "storage/v1/b/{bucket}/o/{object}") { _ in .noContent() }
        ])])
        guard case .found(_, let params, _, _) = table.match(method: .get, path: "/storage/v1/b/b/o/a%2F..%2Fb") else {
            Issue.record("no match")
            return
        }
        #expect(params["object"] == "a/../b")
    }

    @Test(arguments: ["ab", "Upper", "goog-bucket", "my-google-bucket", "-start", "end-", "192.168.5.4", "a..b"])
    func badBucketNamesAreRejected(_ name: String) {
        #expect(throws: GCPError.self) { try Names.checkBucket(name) }
    }

    @Test(arguments: ["abc", "my_bucket-1", "a.b.c", String(repeating: "a", count: 63)])
    func goodBucketNamesPass(_ name: String) throws {
        try Names.checkBucket(name)
    }

    @Test func pubSubAndServiceAccountIDRules() {
        #expect(throws: GCPError.self) { try Names.checkPubSubID("1abc", kind: "topic") }
        #expect(throws: GCPError.self) { try Names.checkPubSubID("goog-x", kind: "topic") }
        #expect(throws: GCPError.self) { try Names.checkServiceAccountID("short") }
        #expect(throws: GCPError.self) { try Names.checkServiceAccountID("Runner-account") }
        #expect(throws: Never.self) { try Names.checkPubSubID("carts-events", kind: "topic") }
        #expect(throws: Never.self) { try Names.checkServiceAccountID("pipeline-runner") }
    }

    @Test func labelRules() {
        #expect(throws: GCPError.self) { try Names.checkLabels(["Env": "x"]) }
        #expect(throws: GCPError.self) { try Names.checkLabels(["env": "Prod"]) }
        #expect(throws: Never.self) { try Names.checkLabels(["env": "", "team": "data-eng_1"]) }
    }

    @Test func schemaValidatorNamesTheWrongTypedField() {
        #expect {
            try SchemaValidator.shared.validate(["name": "b", "versioning": ["enabled": "yes"]],
                                                schema: "storage.Bucket", root: "", rejectUnknown: false)
        } throws: { error in
            (error as? GCPError)?.message.contains("'versioning.enabled'") == true
        }
    }

    @Test func schemaValidatorRejectsUnknownFieldsOnlyWhenAsked() throws {
        let body: JSON = ["labels": ["a": "b"], "colour": "red"]
        try SchemaValidator.shared.validate(body, schema: "storage.Bucket", root: "", rejectUnknown: false)
        #expect(throws: GCPError.self) {
            try SchemaValidator.shared.validate(body, schema: "pubsub.Topic", root: "", rejectUnknown: true)
        }
    }

    @Test func schemaValidatorAcceptsInt64AsStringOrNumber() throws {
        try SchemaValidator.shared.validate(["defaultTableExpirationMs": "3600000"], schema: "bigquery.Dataset", root: "", rejectUnknown: false)
        try SchemaValidator.shared.validate(["defaultTableExpirationMs": 3_600_000], schema: "bigquery.Dataset", root: "", rejectUnknown: false)
        #expect(throws: GCPError.self) {
            try SchemaValidator.shared.validate(["defaultTableExpirationMs": "soon"], schema: "bigquery.Dataset", root: "", rejectUnknown: false)
        }
    }

    @Test func rfc3339RoundTrips() {
        let micros: Int64 = 1_767_225_600_123_456
        #expect(Timestamp.rfc3339(micros: micros) == "2026-01-01T00:00:00.123Z")
        #expect(Timestamp.rfc3339(micros: micros, fractionDigits: 6) == "2026-01-01T00:00:00.123456Z")
        #expect(Timestamp.parseRFC3339("2026-01-01T00:00:00.123456Z") == micros)
        #expect(Timestamp.parseRFC3339("2026-01-01T01:00:00.123456+01:00") == micros)
        #expect(Timestamp.parseRFC3339("2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp.rfc3339(micros: 951_782_400_000_000) == "2000-02-29T00:00:00.000Z")
    }

    @Test func manualClockMovesOnlyWhenTold() {
        let clock = ManualClock(micros: 0)
        #expect(clock.nowMicros() == 0)
        clock.advance(seconds: 1.5)
        #expect(clock.nowMillis() == 1500)
    }

    @Test func protoDurationsParseAndFormat() throws {
        #expect(try ProtoDuration.parse("600s", field: "f") == 600_000_000)
        #expect(try ProtoDuration.parse("1.5s", field: "f") == 1_500_000)
        #expect(ProtoDuration.format(1_500_000) == "1.5s")
        #expect(throws: GCPError.self) { try ProtoDuration.parse("10m", field: "f") }
        #expect(throws: GCPError.self) { try ProtoDuration.parse("-1s", field: "f") }
    }

    @Test func fieldMasksNameTopLevelFieldsAndRejectOthers() throws {
        #expect(FieldMask.split(" labels, retryPolicy.minimumBackoff ") == ["labels", "retryPolicy.minimumBackoff"])
        #expect(try FieldMask.paths("labels,retryPolicy.minimumBackoff", allowed: ["labels", "retryPolicy"]) == ["labels", "retryPolicy"])
        #expect(throws: GCPError.self) { try FieldMask.paths("", allowed: ["labels"]) }
        #expect(throws: GCPError.self) { try FieldMask.paths("name", allowed: ["labels"]) }
    }

    @Test(arguments: ["short", "1project", "project-", "Project-one", String(repeating: "a", count: 31)])
    func malformedProjectIDsAreRejected(_ id: String) {
        #expect(throws: GCPError.self) { try Names.checkProjectID(id) }
    }

    @Test func locationsFollowEachServicesSpelling() throws {
        #expect(try Locations.storage("europe-west1") == "EUROPE-WEST1")
        #expect(try Locations.storage("nam4") == "NAM4")
        #expect(try Locations.bigQuery("eu") == "EU")
        #expect(try Locations.bigQuery("EUROPE-WEST1") == "europe-west1")
        #expect(throws: GCPError.self) { try Locations.storage("MARS") }
        #expect(throws: GCPError.self) { try Locations.bigQuery("moon") }
    }
}
