import Hummingbird
import TerraceJSON

/// Cloud Storage JSON API v1: buckets, bucket IAM, objects and uploads.
public struct StorageService: CloudService {
    public static let schema = ""
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        [APIRoutes(name: "storage", style: .legacy, routes: [])]
    }
}
