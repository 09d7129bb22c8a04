/// An OAuth2 access token and when it expires. Its description never shows the token.
public struct AccessToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The bearer token itself: send it, never print it.
    public let value: String
    /// Seconds since the Unix epoch.
    public let expiresAt: Double

    public init(value: String, expiresAt: Double) {
        self.value = value
        self.expiresAt = expiresAt
    }

    public var description: String { "AccessToken(redacted, expires at \(Int64(expiresAt)))" }
    public var debugDescription: String { description }
}

/// Something that answers a valid access token for the `Authorization` header.
public protocol TokenProvider: Sendable {
    /// A token valid for at least a few more minutes.
    func accessToken() async throws -> AccessToken
    /// Who the tokens are for, safe to print ("runner@p.iam.gserviceaccount.com via key file x.json").
    var principal: String { get }
    /// Forgets a cached token the API refused, so the next ``accessToken()`` fetches a new one.
    func invalidate() async
}

extension TokenProvider {
    public func invalidate() async {}
}

/// Where fresh tokens come from (a key file, a refresh token, the metadata server, impersonation).
public protocol TokenSource: Sendable {
    /// Fetches a new token.
    func fetchToken() async throws -> AccessToken
    /// Who the tokens are for, safe to print.
    var principal: String { get }
}

/// Caches a source's token and fetches a new one ``refreshMarginSeconds`` before it expires;
/// concurrent callers share one fetch.
public actor CachedTokenProvider: TokenProvider {
    public nonisolated let source: any TokenSource
    public nonisolated let refreshMarginSeconds: Double
    private let time: TimeSource
    private var cached: AccessToken?
    private var inFlight: Task<AccessToken, any Error>?
    /// How many tokens were fetched (for tests and diagnostics).
    public private(set) var fetches = 0

    public init(_ source: any TokenSource, refreshMarginSeconds: Double = 300, time: TimeSource = .live) {
        self.source = source
        self.refreshMarginSeconds = refreshMarginSeconds
        self.time = time
    }

    public nonisolated var principal: String { source.principal }

    public func accessToken() async throws -> AccessToken {
        if let cached, time.now() < cached.expiresAt - refreshMarginSeconds { return cached }
        if let inFlight { return try await inFlight.value }
        let source = self.source
        let task = Task { try await source.fetchToken() }
        inFlight = task
        fetches += 1
        defer { inFlight = nil }
        let token = try await task.value
        cached = token
        return token
    }

    /// Forgets the cached token (after the API refused it).
    public func invalidate() { cached = nil }
}
