import Hummingbird
import TerraceJSON

/// Pub/Sub v1: topics, subscriptions, publish/pull/ack, redelivery, ordering, dead letters, IAM.
public struct PubSubService: CloudService {
    public static let schema = ""
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        [APIRoutes(name: "pubsub", style: .canonical, routes: [])]
    }
}
