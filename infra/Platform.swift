import TerraceDSL

/// This platform's infrastructure: the APIs it needs, a raw-data bucket, the medallion
/// datasets, the carts-events topic with a subscription and a dead-letter topic, the pipeline
/// runner with the least roles it needs, and read access on gold for the environment's analysts.
public enum Platform {
    public static func stack(_ env: Environment) -> Stack {
        Stack {
            for api in ["bigquery.googleapis.com", "storage.googleapis.com", "pubsub.googleapis.com", "iam.googleapis.com"] {
                Service(api)
            }

            Bucket(
                "raw", name: env.name("raw"), location: env.region, labels: env.labels(["layer": "raw"]),
                versioning: true,
                lifecycle: [
                    LifecycleRule(.setStorageClass(.nearline), age: 30, matchesStorageClass: [.standard]),
                    LifecycleRule(.delete, age: 365),
                    LifecycleRule(.delete, numNewerVersions: 3, withState: .archived),
                ],
                uniformBucketLevelAccess: true)

            for layer in ["bronze", "silver", "gold"] {
                Dataset(
                    layer, datasetID: env.name(layer, separator: "_"), location: env.region,
                    description: "The \(layer) layer.", labels: env.labels(["layer": layer]))
            }

            Topic("carts_events", name: env.name("carts-events"), labels: env.labels, messageRetentionDuration: .days(7))
            Topic("carts_events_dead_letter", name: env.name("carts-events-dead-letter"), labels: env.labels)
            Subscription(
                "carts_events_loader", name: env.name("carts-events-loader"), topic: .topic("carts_events"),
                ackDeadlineSeconds: 60,
                retryPolicy: .init(minimumBackoff: .seconds(10), maximumBackoff: .seconds(300)),
                deadLetterPolicy: .init(topic: .topic("carts_events_dead_letter"), maxDeliveryAttempts: 10),
                enableMessageOrdering: true, labels: env.labels)

            ServiceAccount(
                "pipeline_runner", accountID: "pipeline-runner", displayName: "Pipeline runner",
                description: "Runs the bronze, silver and gold pipelines.")

            // The least the runner needs: run query jobs, write the lake's objects, edit the three
            // layers' tables, and pull from the subscription.
            Grant("roles/bigquery.jobUser", to: .serviceAccount("pipeline_runner"), on: .project)
            Grant("roles/storage.objectAdmin", to: .serviceAccount("pipeline_runner"), on: .bucket("raw"))
            for layer in ["bronze", "silver", "gold"] {
                Grant("roles/bigquery.dataEditor", to: .serviceAccount("pipeline_runner"), on: .dataset(layer))
            }
            Grant("roles/pubsub.subscriber", to: .serviceAccount("pipeline_runner"), on: .subscription("carts_events_loader"))

            RoleBinding("roles/bigquery.dataViewer", members: env.strings("analysts").map { Member($0) }, on: .dataset("gold"))
        }
    }
}
