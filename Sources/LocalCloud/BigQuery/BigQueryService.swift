import Hummingbird
import TerraceJSON

/// BigQuery v2 metadata: datasets, tables and table IAM.
public struct BigQueryService: CloudService {
    public static let schema = ""
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        [APIRoutes(name: "bigquery", style: .legacy, routes: [])]
    }
}
