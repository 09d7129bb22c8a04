import Hummingbird
import TerraceJSON

/// The OAuth2 token endpoint: JWT-bearer and refresh-token grants.
public struct OAuthService: CloudService {
    public static let schema = ""
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        [APIRoutes(name: "oauth2", style: .canonical, routes: [])]
    }
}
