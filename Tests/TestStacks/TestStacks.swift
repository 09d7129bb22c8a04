import TerraceDSL
import TerracePipelines

/// Stacks the failure tests and the plan benchmark drive through the real CLI (`terrace-fixture`).
///
/// The environment's `variables` pick one:
/// - `"scale": N` — N resources generated in a loop (groups of a bucket, a dataset, a topic, a
///   subscription and a grant on the topic), plus one service account: the plan benchmark;
/// - otherwise the 20-resource stack of every kind, the failure tests' subject.
public enum TestStacks {
    /// One bronze source for the CLI's run tests: an offset-paginated API whose URL the test's
    /// environment file gives (`"sources": {"items": {"url": …}}`), landing in `landing` and
    /// loading into `raw`.
    public static func bronze(_ env: Environment) -> Bronze {
        Bronze(lake: "landing", dataset: "raw") {
            Source.http("items", HTTPSource(url: "http://127.0.0.1:9/items", records: "items",
                                            pagination: .offset(limit: 50, total: "total")))
            // The bronze benchmark's source (scripts/bench-bronze.sh): cart line items in pages
            // that say how many there are, so pages after the first are fetched in parallel.
            Source.http("line_items", HTTPSource(url: "http://127.0.0.1:9/line_items", records: "items",
                                                 pagination: .pageNumber(parameter: "page", start: 1, sizeParameter: "page_size", size: 1000,
                                                                         totalPages: "total_pages")))
        }
    }

    public static func stack(_ env: Environment) -> Stack {
        if let scale = env.variable("scale")?.intValue { return scaled(env, count: Int(scale)) }
        return twenty(env)
    }

    /// Twenty resources of every kind, with dependencies several levels deep.
    public static func twenty(_ env: Environment) -> Stack {
        Stack {
            Service("bigquery.googleapis.com")
            Service("pubsub.googleapis.com")
            Bucket("landing", name: env.name("landing"), location: env.region, labels: env.labels, versioning: true, forceDestroy: true)
            Bucket("archive", name: env.name("archive"), location: env.region, labels: env.labels, forceDestroy: true)
            Dataset("raw", datasetID: env.name("raw", separator: "_"), location: env.region, labels: env.labels, forceDestroy: true)
            Dataset("marts", datasetID: env.name("marts", separator: "_"), location: env.region, description: "Marts.",
                    labels: env.labels, forceDestroy: true)
            Table("events", in: "raw", description: "Events.", labels: env.labels) {
                Field("id", .string, mode: .required)
                Field("at", .timestamp)
                Field("payload", .json)
            }
            Table("orders", in: "marts", partitioning: .time(.day, field: "ordered_at"), clustering: ["customer"], labels: env.labels) {
                Field("order_id", .integer, mode: .required)
                Field("customer", .string)
                Field("ordered_at", .timestamp)
            }
            View("recent_events", in: "marts", query: "SELECT id, at FROM `\(env.project).\(env.name("raw", separator: "_")).events`",
                 labels: env.labels)
                .dependingOn(.table("raw", "events"))
            Topic("events", name: env.name("events"), labels: env.labels, messageRetentionDuration: .days(1))
            Topic("events_dead_letter", name: env.name("events-dead-letter"), labels: env.labels)
            Subscription("events_loader", name: env.name("events-loader"), topic: .topic("events"), ackDeadlineSeconds: 30,
                         deadLetterPolicy: .init(topic: .topic("events_dead_letter"), maxDeliveryAttempts: 5), labels: env.labels)
            Subscription("events_audit", name: env.name("events-audit"), topic: .topic("events"), labels: env.labels)
            ServiceAccount("loader", accountID: "loader", displayName: "Loader")
            ServiceAccount("modeller", accountID: "modeller", displayName: "Modeller")
            Grant("roles/bigquery.jobUser", to: .serviceAccount("loader"), on: .project)
            Grant("roles/storage.objectAdmin", to: .serviceAccount("loader"), on: .bucket("landing"))
            Grant("roles/pubsub.subscriber", to: .serviceAccount("loader"), on: .subscription("events_loader"))
            Grant("roles/bigquery.dataEditor", to: .serviceAccount("modeller"), on: .dataset("marts"))
            RoleBinding("roles/bigquery.dataViewer", members: [.serviceAccount("modeller")], on: .dataset("raw"))
        }
    }

    /// `count` resources (rounded down to groups of five) and one service account.
    public static func scaled(_ env: Environment, count: Int) -> Stack {
        var declarations: [any Declaration] = [ServiceAccount("reader", accountID: "reader", displayName: "Reader")]
        for index in 0..<(count / 5) {
            let key = "n\(index)"
            declarations.append(Bucket(key, name: env.name("b\(index)"), location: env.region, labels: env.labels, forceDestroy: true))
            declarations.append(Dataset(key, datasetID: env.name("d\(index)", separator: "_"), location: env.region, labels: env.labels,
                                        forceDestroy: true))
            declarations.append(Topic(key, name: env.name("t\(index)"), labels: env.labels))
            declarations.append(Subscription(key, name: env.name("s\(index)"), topic: .topic(key), labels: env.labels))
            declarations.append(Grant("roles/pubsub.viewer", to: .serviceAccount("reader"), on: .topic(key)))
        }
        return Stack(declarations: declarations)
    }
}
