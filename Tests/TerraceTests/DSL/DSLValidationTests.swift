import Testing
import TerraceDSL
import TerraceJSON

let dslTestEnvironment = Environment(
    name: "test", project: "test-project", region: "US", namePrefix: "t", labels: ["env": "test"])
/// This file as diagnostics name it (relative to the current directory when under it).
private let file = SourceLocation(fileID: #fileID, filePath: #filePath, line: 0).displayPath

/// The printed diagnostics of `declarations` in the test environment.
private func problems(_ declarations: [any Declaration]) -> [String] {
    Stack(declarations: declarations).validate(in: dslTestEnvironment).map(\.description)
}

private let events = Table("events", in: "bronze", partitioning: .time(.day, field: "event_time"), clustering: ["user_id"]) {
    Field("event_time", .timestamp, mode: .required)
    Field("user_id", .string)
    Field("amount", .float)
    Field("items", mode: .repeated) {
        Field("sku", .string, mode: .required)
        Field("quantity", .integer)
    }
}
private let bronze = Dataset("bronze", location: "US")

@Suite("DSL: validation")
struct DSLValidationTests {
    @Test func bucketNamesBreakingGCPRulesAreReported() {
        let (bucket, line) = (Bucket("raw", name: "Raw_Data", location: "US"), #line)
        #expect(problems([bucket]) == [
            "\(file):\(line): bucket.raw: Invalid bucket name: 'Raw_Data': only lowercase letters, digits, '-', '_' and '.' are allowed (choose another name, or another name prefix in the environment)",
        ])
    }

    @Test func datasetIDsWithHyphensAreReported() {
        let (dataset, line) = (Dataset("gold", datasetID: "gold-layer", location: "US"), #line)
        #expect(problems([dataset]) == [
            "\(file):\(line): dataset.gold: Invalid dataset ID \"gold-layer\". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long (use letters, digits and underscores)",
        ])
    }

    @Test func pubSubNamesStartingWithGoogAreReported() {
        let (topic, line) = (Topic("events", name: "goog-events"), #line)
        #expect(problems([topic]) == [
            "\(file):\(line): topic.events: Invalid topic name \"goog-events\": it must be 3 to 255 characters, start with a letter, contain only letters, digits and -_.~+%, and not start with 'goog' (choose another topic name)",
        ])
    }

    @Test func serviceAccountIDsThatAreTooShortAreReported() {
        let (account, line) = (ServiceAccount("runner", accountID: "run"), #line)
        #expect(problems([account]) == [
            "\(file):\(line): service_account.runner: Invalid service account id \"run\": it must be 6 to 30 characters matching [a-z]([-a-z0-9]*[a-z0-9]) (choose an account id of 6 to 30 lowercase letters, digits and hyphens)",
        ])
    }

    @Test func labelsBreakingGCPRulesAreReported() {
        let (topic, line) = (Topic("events", labels: ["Team": "data"]), #line)
        #expect(problems([topic]) == [
            "\(file):\(line): topic.events: Invalid label key \"Team\": keys are 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter (fix the label in the declaration or the environment's labels)",
        ])
    }

    @Test func addressKeysMustBeIdentifiers() {
        let (topic, line) = (Topic("carts-events"), #line)
        #expect(problems([topic]) == [
            "\(file):\(line): topic.carts-events: the key \"carts-events\" is not a valid address key (use lowercase letters, digits and underscores, starting with a letter)",
        ])
    }

    @Test func duplicateAddressesAreReportedWithBothLocations() {
        let (first, firstLine) = (Topic("events"), #line)
        let (second, secondLine) = (Topic("events", name: "other-events"), #line)
        #expect(problems([first, second]) == [
            "\(file):\(secondLine): topic.events: is declared twice; first at \(file):\(firstLine) (remove one, or give it another key)",
        ])
    }

    @Test func twoDeclarationsWithTheSameGCPNameAreReported() {
        let (first, firstLine) = (Bucket("raw", name: "lake", location: "US"), #line)
        let (second, secondLine) = (Bucket("lake", location: "US"), #line)
        #expect(problems([first, second]) == [
            "\(file):\(secondLine): bucket.lake: has the same GCP name projects/_/buckets/lake as bucket.raw at \(file):\(firstLine) (give one of them another name)",
        ])
    }

    @Test func malformedRolesAreReported() {
        let (grant, line) = (Grant("bigquery.dataViewer", to: "user:ann@example.com", on: .project), #line)
        #expect(problems([grant]) == [
            "\(file):\(line): iam.grant.project[bigquery.dataViewer,user:ann@example.com]: role \"bigquery.dataViewer\" is malformed (write roles/NAME, projects/PROJECT/roles/NAME or organizations/NUMBER/roles/NAME)",
        ])
    }

    @Test func customRolesOfProjectsAndOrganizationsAreAccepted() {
        #expect(problems([
            Grant("projects/test-project/roles/lakeReader", to: "group:data@example.com", on: .project),
            Grant("organizations/123456/roles/auditor", to: "domain:example.com", on: .project),
            Grant("roles/viewer", to: .allAuthenticatedUsers, on: .project),
        ]) == [])
    }

    @Test func malformedMembersAreReported() {
        let (grant, line) = (Grant("roles/viewer", to: "ann@example.com", on: .project), #line)
        let (binding, bindingLine) = (RoleBinding("roles/editor", members: ["person:bob@example.com", "user:nobody"], on: .project), #line)
        let fix = "write user:EMAIL, serviceAccount:EMAIL, group:EMAIL, domain:DOMAIN, allUsers or allAuthenticatedUsers"
        #expect(problems([grant, binding]) == [
            "\(file):\(line): iam.grant.project[roles/viewer,ann@example.com]: member \"ann@example.com\" has no type prefix (\(fix))",
            "\(file):\(bindingLine): iam.binding.project[roles/editor]: member \"person:bob@example.com\" has an unknown type \"person\" (\(fix))",
            "\(file):\(bindingLine): iam.binding.project[roles/editor]: member \"user:nobody\" does not name an email address (\(fix))",
        ])
    }

    @Test func authoritativeBindingsWithNoMembersAreReported() {
        let (binding, line) = (RoleBinding("roles/bigquery.dataViewer", members: dslTestEnvironment.strings("analysts").map { Member($0) }, on: .dataset("bronze")), #line)
        #expect(problems([bronze, binding]) == [
            "\(file):\(line): iam.binding.dataset.bronze[roles/bigquery.dataViewer]: has no members, so applying it would remove everyone from roles/bigquery.dataViewer on dataset.bronze (list the members, check the environment variable they come from, or remove the binding)",
        ])
    }

    @Test func referencesToUndeclaredResourcesAreReported() {
        let (subscription, line) = (Subscription("loader", topic: .topic("carts_events")), #line)
        #expect(problems([subscription]) == [
            "\(file):\(line): subscription.loader: references topic.carts_events, which is not declared (declare it, or fix the reference)",
        ])
    }

    @Test func membersNamingUndeclaredServiceAccountsAreReported() {
        let (grant, line) = (Grant("roles/viewer", to: .serviceAccount("runner"), on: .project), #line)
        #expect(problems([grant]) == [
            "\(file):\(line): iam.grant.project[roles/viewer,service_account.runner]: references service_account.runner, which is not declared (declare it, or fix the reference)",
        ])
    }

    @Test func referencesToTheWrongKindAreReported() {
        let topic = Topic("events")
        let (grant, line) = (Grant("roles/viewer", to: "allUsers", on: .resource(Reference(kind: .bucket, address: "topic.events"))), #line)
        #expect(problems([topic, grant]) == [
            "\(file):\(line): iam.grant.topic.events[roles/viewer,allUsers]: references topic.events as a bucket, but it is a topic (reference a declared bucket)",
        ])
    }

    @Test func additiveAndAuthoritativeIAMOnTheSameRoleAndResourceAreReported() {
        let (binding, bindingLine) = (RoleBinding("roles/bigquery.dataViewer", members: ["group:a@example.com"], on: .dataset("bronze")), #line)
        let (grant, line) = (Grant("roles/bigquery.dataViewer", to: "user:ann@example.com", on: .dataset("bronze")), #line)
        let other = Grant("roles/bigquery.dataEditor", to: "user:ann@example.com", on: .dataset("bronze"))
        #expect(problems([bronze, binding, grant, other]) == [
            "\(file):\(line): iam.grant.dataset.bronze[roles/bigquery.dataViewer,user:ann@example.com]: grants roles/bigquery.dataViewer on dataset.bronze, which iam.binding.dataset.bronze[roles/bigquery.dataViewer] at \(file):\(bindingLine) sets authoritatively (add user:ann@example.com to the binding's members and remove this grant)",
        ])
    }

    @Test func dependencyCyclesAreNamed() {
        let (a, line) = (Topic("alpha").dependingOn(.topic("gamma")), #line)
        let b = Topic("beta").dependingOn(.topic("alpha"))
        let c = Topic("gamma").dependingOn(.topic("beta"))
        #expect(problems([c, b, a]) == [
            "\(file):\(line): topic.alpha: is part of a dependency cycle: topic.alpha -> topic.gamma -> topic.beta -> topic.alpha (remove one of these dependencies)",
        ])
    }

    @Test func ackDeadlineOutsideTenToSixHundredSecondsIsReported() {
        let (subscription, line) = (Subscription("loader", topic: .topic("events"), ackDeadlineSeconds: 5), #line)
        #expect(problems([Topic("events"), subscription]) == [
            "\(file):\(line): subscription.loader: ackDeadlineSeconds 5 is out of range (use 10 to 600 seconds)",
        ])
    }

    @Test func maxDeliveryAttemptsOutsideFiveToOneHundredIsReported() {
        let line = #line + 1
        let subscription = Subscription(
            "loader", topic: .topic("events"), deadLetterPolicy: .init(topic: .topic("dead"), maxDeliveryAttempts: 101))
        #expect(problems([Topic("events"), Topic("dead"), subscription]) == [
            "\(file):\(line): subscription.loader: maxDeliveryAttempts 101 is out of range (use 5 to 100)",
        ])
    }

    @Test func deadLetteringToTheSubscriptionsOwnTopicIsReported() {
        let line = #line + 1
        let subscription = Subscription(
            "loader", topic: .topic("events"), deadLetterPolicy: .init(topic: .topic("events")))
        #expect(problems([Topic("events"), subscription]) == [
            "\(file):\(line): subscription.loader: the dead-letter topic is the subscription's own topic topic.events (dead-letter to a separate topic)",
        ])
    }

    @Test func retryBackoffOutOfRangeIsReported() {
        let line = #line + 1
        let subscription = Subscription(
            "loader", topic: .topic("events"), retryPolicy: .init(minimumBackoff: .seconds(700), maximumBackoff: .seconds(60)))
        #expect(problems([Topic("events"), subscription]) == [
            "\(file):\(line): subscription.loader: retryPolicy backoff 700s to 60s is out of range (use a minimum and maximum of 0 to 600 seconds, minimum not above maximum)",
        ])
    }

    @Test func retentionDurationsOutOfRangeAreReported() {
        let (topic, topicLine) = (Topic("events", messageRetentionDuration: .days(32)), #line)
        let (subscription, subscriptionLine) = (Subscription("loader", topic: .topic("events"), messageRetentionDuration: .minutes(5)), #line)
        let (bucket, bucketLine) = (Bucket("raw", location: "US", retentionPeriod: .seconds(0)), #line)
        let (dataset, datasetLine) = (Dataset("scratch", location: "US", defaultTableExpiration: .minutes(30)), #line)
        #expect(problems([topic, subscription, bucket, dataset]) == [
            "\(file):\(topicLine): topic.events: messageRetentionDuration 32d is out of range (use 10 minutes to 31 days)",
            "\(file):\(subscriptionLine): subscription.loader: messageRetentionDuration 5m is out of range (use 10 minutes to 7 days)",
            "\(file):\(bucketLine): bucket.raw: retentionPeriod 0s is out of range (use 1 second to 100 years (3155760000s))",
            "\(file):\(datasetLine): dataset.scratch: defaultTableExpiration 30m is shorter than one hour (use at least .hours(1), or leave it unset)",
        ])
    }

    @Test func clusteringOnMoreThanFourFieldsIsReported() {
        let line = #line + 1
        let table = Table("wide", in: "bronze", clustering: ["a", "b", "c", "d", "e"]) {
            for name in ["a", "b", "c", "d", "e"] { Field(name, .string) }
        }
        #expect(problems([bronze, table]) == [
            "\(file):\(line): table.bronze.wide: clustering has 5 fields (cluster by at most 4 fields)",
        ])
    }

    @Test func clusteringOnFieldsMissingFromTheSchemaOrNotScalarIsReported() {
        let line = #line + 1
        let table = Table("orders", in: "bronze", clustering: ["customer", "items"]) {
            Field("items", mode: .repeated) { Field("sku", .string) }
        }
        #expect(problems([bronze, table]) == [
            "\(file):\(line): table.bronze.orders: clustering field \"customer\" is not a top-level field of the schema (cluster by fields the schema declares)",
            "\(file):\(line): table.bronze.orders: clustering field \"items\" is REPEATED RECORD (cluster by non-repeated scalar fields)",
        ])
    }

    @Test func partitionFieldMustExistInTheSchema() {
        let line = #line + 1
        let table = Table("orders", in: "bronze", partitioning: .time(.day, field: "created")) {
            Field("id", .string)
        }
        #expect(problems([bronze, table]) == [
            "\(file):\(line): table.bronze.orders: partition field \"created\" is not a top-level field of the schema (partition by one of: id)",
        ])
    }

    @Test func timePartitionFieldMustBeADateTimestampOrDatetime() {
        let line = #line + 1
        let table = Table("orders", in: "bronze", partitioning: .time(.month, field: "created")) {
            Field("created", .string)
        }
        #expect(problems([bronze, table]) == [
            "\(file):\(line): table.bronze.orders: partition field \"created\" is STRING (time partitioning needs a DATE, TIMESTAMP or DATETIME field)",
        ])
    }

    @Test func rangePartitionFieldMustBeAnInteger() {
        let line = #line + 1
        let table = Table("orders", in: "bronze", partitioning: .range(field: "shard", start: 0, end: 100, interval: 10)) {
            Field("shard", .string)
        }
        #expect(problems([bronze, table]) == [
            "\(file):\(line): table.bronze.orders: partition field \"shard\" is STRING (range partitioning needs an INTEGER field)",
        ])
    }

    @Test func schemaProblemsAreReportedWithDottedPaths() {
        let line = #line + 1
        let table = Table("orders", in: "bronze") {
            Field("id", .string)
            Field("ID", .integer)
            Field("items", mode: .repeated) { Field("bad-name", .string) }
        }
        #expect(problems([bronze, table]) == [
            "\(file):\(line): table.bronze.orders: field \"ID\" is declared twice (column names are case-insensitive)",
            "\(file):\(line): table.bronze.orders: field \"items.bad-name\" has an invalid name (use letters, digits and underscores, starting with a letter or underscore)",
        ])
    }

    @Test func lifecycleRulesWithoutConditionsOrWithBadDatesAreReported() {
        let line = #line + 1
        let bucket = Bucket("raw", location: "US", lifecycle: [
            LifecycleRule(.delete),
            LifecycleRule(.delete, createdBefore: "2024-02-30"),
        ])
        #expect(problems([bucket]) == [
            "\(file):\(line): bucket.raw: lifecycle rule 1: has no condition, so it would apply to every object (add a condition such as age: 30)",
            "\(file):\(line): bucket.raw: lifecycle rule 2: createdBefore \"2024-02-30\" is not a date (write it as YYYY-MM-DD, e.g. 2024-01-31)",
        ])
    }

    @Test func serviceNamesMustNameGoogleAPIs() {
        let (service, line) = (Service("bigquery"), #line)
        #expect(problems([service]) == [
            "\(file):\(line): service[bigquery]: \"bigquery\" is not a service name (name the API as Service Usage does, e.g. bigquery.googleapis.com)",
        ])
    }

    @Test func everyErrorIsCollectedInOnePassSortedByLine() {
        let (a, lineA) = (Bucket("raw", name: "UPPER", location: "US"), #line)
        let (b, lineB) = (Subscription("loader", topic: .topic("missing"), ackDeadlineSeconds: 700), #line)
        let (c, lineC) = (Grant("viewer", to: "nobody", on: .topic("missing")), #line)
        let found = Stack(declarations: [c, b, a]).validate(in: dslTestEnvironment)
        #expect(found.map(\.location.line) == [lineA, lineB, lineB, lineC, lineC, lineC])
        #expect(found.map(\.address.rawValue) == [
            "bucket.raw", "subscription.loader", "subscription.loader",
            "iam.grant.topic.missing[viewer,nobody]", "iam.grant.topic.missing[viewer,nobody]", "iam.grant.topic.missing[viewer,nobody]",
        ])
    }

    @Test func modelRefusesAnInvalidStackWithEveryDiagnostic() {
        let stack = Stack {
            Topic("events", name: "goog")
            Subscription("loader", topic: .topic("events"), ackDeadlineSeconds: 1)
        }
        #expect {
            try stack.model(in: dslTestEnvironment)
        } throws: { error in
            guard let error = error as? ValidationError else { return false }
            return error.diagnostics.count == 2
                && error.description.hasPrefix("2 errors in the declarations; nothing was changed:\n\(file):")
        }
    }

    @Test func tablesModelNestedRepeatedSchemasPartitioningAndClustering() throws {
        let model = try Stack(declarations: [bronze, events]).model(in: dslTestEnvironment)
        let table = try #require(model.first { $0.address == "table.bronze.events" })
        #expect(table.dependencies == ["dataset.bronze"])
        #expect(table.attributes == [
            "tableReference": ["projectId": "test-project", "datasetId": "bronze", "tableId": "events"],
            "schema": ["fields": [
                ["name": "event_time", "type": "TIMESTAMP", "mode": "REQUIRED"],
                ["name": "user_id", "type": "STRING", "mode": "NULLABLE"],
                ["name": "amount", "type": "FLOAT", "mode": "NULLABLE"],
                ["name": "items", "type": "RECORD", "mode": "REPEATED", "fields": [
                    ["name": "sku", "type": "STRING", "mode": "REQUIRED"],
                    ["name": "quantity", "type": "INTEGER", "mode": "NULLABLE"],
                ]],
            ]],
            "timePartitioning": ["type": "DAY", "field": "event_time"],
            "clustering": ["fields": ["user_id"]],
            "labels": [:],
        ])
    }

    @Test func viewsShareTheTableNamespaceAndUseStandardSQL() throws {
        let view = View("daily", in: "bronze", query: "SELECT 1 AS one")
        let model = try Stack(declarations: [bronze, view]).model(in: dslTestEnvironment)
        let resource = try #require(model.first { $0.address == "table.bronze.daily" })
        #expect(resource.type == "bigquery.view")
        #expect(resource.attributes["view"] == ["query": "SELECT 1 AS one", "useLegacySql": false])
        let line = #line + 1
        let clash = Table("daily", in: "bronze") { Field("x", .string) }
        #expect(problems([bronze, view, clash]).first?.hasPrefix("\(file):\(line): table.bronze.daily: is declared twice") == true)
    }
}
