import Testing
import TerraceDSL
import TerraceEngine
import TerraceJSON

/// The repository root, found from this file's path.
let dslPackageRoot: String = {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)  // Tests/TerraceTests/DSL/File.swift
    return parts.joined(separator: "/")
}()

@Suite("DSL: the sample platform stack")
struct DSLSampleStackTests {
    static let environments = ["local", "dev", "staging", "prod"]

    func model(_ name: String) throws -> [Resource] {
        let configuration = try EnvironmentLoader(projectDirectory: dslPackageRoot).load(name)
        return try SamplePlatform.stack(configuration.environment).model(in: configuration.environment)
    }

    func resource(_ address: Address, in name: String = "dev") throws -> Resource {
        try #require(try model(name).first { $0.address == address })
    }

    @Test(arguments: environments)
    func sampleStackValidatesCleanInEveryEnvironment(_ name: String) throws {
        let configuration = try EnvironmentLoader(projectDirectory: dslPackageRoot).load(name)
        #expect(SamplePlatform.stack(configuration.environment).validate(in: configuration.environment) == [])
    }

    @Test func sampleStackHasTheSameAddressesInEveryEnvironment() throws {
        let addresses = try Self.environments.map { try model($0).map(\.address.rawValue) }
        #expect(addresses.allSatisfy { $0 == addresses[0] })
        #expect(addresses[0] == [
            "bucket.raw",
            "dataset.bronze",
            "dataset.gold",
            "dataset.silver",
            "iam.binding.dataset.gold[roles/bigquery.dataViewer]",
            "iam.grant.bucket.raw[roles/storage.objectAdmin,service_account.pipeline_runner]",
            "iam.grant.dataset.bronze[roles/bigquery.dataEditor,service_account.pipeline_runner]",
            "iam.grant.dataset.gold[roles/bigquery.dataEditor,service_account.pipeline_runner]",
            "iam.grant.dataset.silver[roles/bigquery.dataEditor,service_account.pipeline_runner]",
            "iam.grant.project[roles/bigquery.jobUser,service_account.pipeline_runner]",
            "iam.grant.subscription.carts_events_loader[roles/pubsub.subscriber,service_account.pipeline_runner]",
            "service[bigquery.googleapis.com]",
            "service[iam.googleapis.com]",
            "service[pubsub.googleapis.com]",
            "service[storage.googleapis.com]",
            "service_account.pipeline_runner",
            "subscription.carts_events_loader",
            "topic.carts_events",
            "topic.carts_events_dead_letter",
        ])
    }

    @Test func derivedNamesAndLabelsDifferPerEnvironment() throws {
        let buckets = try Self.environments.map { try resource("bucket.raw", in: $0).attributes }
        #expect(buckets.map { $0["name"] } == ["terrace-local-raw", "terrace-dev-raw", "terrace-stg-raw", "terrace-prod-raw"])
        #expect(buckets.map { $0["labels"]?["env"] } == ["local", "dev", "staging", "prod"])
        let gold = try Self.environments.map { try resource("dataset.gold", in: $0).attributes }
        #expect(gold.map { $0["datasetReference"]?["datasetId"] }
            == ["terrace_local_gold", "terrace_dev_gold", "terrace_stg_gold", "terrace_prod_gold"])
        #expect(gold.map { $0["datasetReference"]?["projectId"] }
            == ["terrace-local", "terrace-platform-dev", "terrace-platform-staging", "terrace-platform-prod"])
    }

    @Test func bucketAttributesUseStorageFieldNames() throws {
        let bucket = try resource("bucket.raw")
        #expect(bucket.type == "storage.bucket")
        #expect(bucket.protected)
        #expect(bucket.attributes == [
            "name": "terrace-dev-raw",
            "location": "EU",
            "storageClass": "STANDARD",
            "labels": ["env": "dev", "managed-by": "terrace", "layer": "raw"],
            "versioning": ["enabled": true],
            "iamConfiguration": ["uniformBucketLevelAccess": ["enabled": true]],
            "lifecycle": ["rule": [
                ["action": ["type": "SetStorageClass", "storageClass": "NEARLINE"],
                 "condition": ["age": 30, "matchesStorageClass": ["STANDARD"]]],
                ["action": ["type": "Delete"], "condition": ["age": 365]],
                ["action": ["type": "Delete"], "condition": ["numNewerVersions": 3, "isLive": false]],
            ]],
        ])
    }

    @Test func subscriptionAttributesNameItsTopicsAndDependOnThem() throws {
        let subscription = try resource("subscription.carts_events_loader")
        #expect(subscription.attributes == [
            "name": "projects/terrace-platform-dev/subscriptions/terrace-dev-carts-events-loader",
            "topic": "projects/terrace-platform-dev/topics/terrace-dev-carts-events",
            "ackDeadlineSeconds": 60,
            "enableMessageOrdering": true,
            "labels": ["env": "dev", "managed-by": "terrace"],
            "retryPolicy": ["minimumBackoff": "10s", "maximumBackoff": "300s"],
            "deadLetterPolicy": [
                "deadLetterTopic": "projects/terrace-platform-dev/topics/terrace-dev-carts-events-dead-letter",
                "maxDeliveryAttempts": 10,
            ],
        ])
        // A resource also waits for its API when the stack enables it.
        #expect(subscription.dependencies == ["service[pubsub.googleapis.com]", "topic.carts_events", "topic.carts_events_dead_letter"])
    }

    @Test func grantsResolveDeclaredServiceAccountsToTheirEmailAndDependOnThem() throws {
        let grant = try resource("iam.grant.project[roles/bigquery.jobUser,service_account.pipeline_runner]")
        #expect(grant.attributes == [
            "resource": "projects/terrace-platform-dev",
            "resourceType": "cloudresourcemanager.project",
            "role": "roles/bigquery.jobUser",
            "member": "serviceAccount:pipeline-runner@terrace-platform-dev.iam.gserviceaccount.com",
        ])
        #expect(grant.dependencies == ["service_account.pipeline_runner"])
        let onBucket = try resource("iam.grant.bucket.raw[roles/storage.objectAdmin,service_account.pipeline_runner]")
        #expect(onBucket.dependencies == ["bucket.raw", "service[storage.googleapis.com]", "service_account.pipeline_runner"])
        #expect(onBucket.attributes["resource"] == "projects/_/buckets/terrace-dev-raw")
    }

    @Test func analystsFromTheEnvironmentGetAnAuthoritativeBindingOnGold() throws {
        let binding = try resource("iam.binding.dataset.gold[roles/bigquery.dataViewer]", in: "prod")
        #expect(binding.attributes == [
            "resource": "projects/terrace-platform-prod/datasets/terrace_prod_gold",
            "resourceType": "bigquery.dataset",
            "role": "roles/bigquery.dataViewer",
            "members": ["group:data-analysts@example.com", "user:cfo@example.com"],
        ])
        #expect(binding.dependencies == ["dataset.gold", "service[bigquery.googleapis.com]"])
    }

    @Test func servicesAndServiceAccountsUseTheirAPIFieldNames() throws {
        let service = try resource("service[bigquery.googleapis.com]")
        #expect(service.attributes == [
            "name": "projects/terrace-platform-dev/services/bigquery.googleapis.com",
            "config": ["name": "bigquery.googleapis.com"], "state": "ENABLED",
        ])
        let account = try resource("service_account.pipeline_runner")
        #expect(account.type == "iam.serviceAccount")
        #expect(account.attributes == [
            "accountId": "pipeline-runner",
            "email": "pipeline-runner@terrace-platform-dev.iam.gserviceaccount.com",
            "projectId": "terrace-platform-dev",
            "displayName": "Pipeline runner",
            "description": "Runs the bronze, silver and gold pipelines.",
        ])
    }

    @Test func declarationsCarryTheirSourceLocation() throws {
        let topic = try resource("topic.carts_events")
        #expect(topic.sourceLocation.fileID == "Infra/Platform.swift")
        #expect(topic.sourceLocation.filePath.hasSuffix("infra/Platform.swift"))
        #expect(topic.sourceLocation.line == 29)
        #expect(topic.attributes["messageRetentionDuration"] == "604800s")
    }
}

@Suite("DSL: validated stacks")
struct DSLValidatedStackTests {
    @Test func validatedStackHoldsTheSampleResources() throws {
        let configuration = try EnvironmentLoader(projectDirectory: dslPackageRoot).load("staging")
        let validated = try ValidatedStack(configuration: configuration, declare: SamplePlatform.stack)
        #expect(validated.resources.count == 19)
        #expect(validated.resource("topic.carts_events")?.attributes["name"]
            == "projects/terrace-platform-staging/topics/terrace-stg-carts-events")
    }

    @Test func validatedStackRefusesAnInvalidStack() throws {
        let configuration = try EnvironmentLoader(projectDirectory: dslPackageRoot).load("dev")
        #expect(throws: ValidationError.self) {
            try ValidatedStack(configuration: configuration) { env in
                Stack { Subscription("loader", topic: .topic("missing")) }
            }
        }
    }
}
