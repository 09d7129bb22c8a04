import Hummingbird
import TerraceJSON

/// Resource Manager v1 (project IAM), IAM v1 (service accounts), Service Usage v1 and IAM
/// Credentials v1.
public struct IAMService: CloudService {
    public static let schema = ""
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        [APIRoutes(name: "iam", style: .canonical, routes: [])]
    }
}
