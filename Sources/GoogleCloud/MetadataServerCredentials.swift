/// Tokens for the default service account of a GCE, GKE or Cloud Run workload, from the
/// metadata server. Terrace only reaches it through `GCE_METADATA_HOST`, never by guessing.
public struct MetadataServerCredentials: TokenSource, CustomStringConvertible {
    /// `host:port` of the metadata server.
    public let host: String
    let exchange: TokenExchange

    public init(host: String, transport: Transport, time: TimeSource = .live, retryPolicy: RetryPolicy = RetryPolicy()) {
        self.host = host
        exchange = TokenExchange(transport: transport, time: time, retryPolicy: retryPolicy)
    }

    public var principal: String { "the default service account of the metadata server at \(host)" }
    public var description: String { "MetadataServerCredentials(\(host))" }

    var tokenURL: String {
        let root = host.hasPrefix("http://") || host.hasPrefix("https://") ? host : "http://" + host
        return root + "/computeMetadata/v1/instance/service-accounts/default/token"
    }

    public func fetchToken() async throws -> AccessToken {
        let started = exchange.time.now()
        let what = "Asking the metadata server at \(host) for a token"
        let json = try await exchange.request("GET", tokenURL, headers: [("Metadata-Flavor", "Google")], body: nil, what: what)
        return try TokenExchange.token(json, tokenKey: "access_token", started: started, what: what, from: tokenURL)
    }
}
