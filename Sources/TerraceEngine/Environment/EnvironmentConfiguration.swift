import TerraceJSON
import TerraceDSL

/// Where an environment's APIs are served.
public enum Endpoint: Sendable, Hashable {
    /// Google's own endpoints (the key is absent).
    case google
    /// The local cloud inside this binary, kept under `.terrace/local/<env>/`.
    case embedded
    /// A running local cloud at this base URL (no trailing slash).
    case url(String)
}

/// Where an environment's state file lives.
public enum StateLocation: Sendable, Hashable {
    /// A file path, relative to the project directory unless absolute.
    case file(String)
    /// An object prefix in a Cloud Storage bucket (`gs://BUCKET/PREFIX`).
    case gcs(bucket: String, prefix: String)
}

/// One `environments/<name>.json`, loaded and checked: the DSL's ``Environment`` plus what only
/// the engine needs (endpoint, state location, impersonation).
public struct EnvironmentConfiguration: Sendable, Hashable {
    /// What the stack is evaluated with.
    public var environment: Environment
    public var endpoint: Endpoint
    public var state: StateLocation
    /// A service-account email to impersonate, if any.
    public var impersonate: String?
    /// The file it came from, as the user names it (`environments/dev.json`).
    public var file: String
    /// Per-source overrides for pipelines: source name (or `*` for all) → `url`, `urls`,
    /// `location`, `connection` (an environment variable's name), `rowLimit`.
    public var sources: [String: JSON]

    public init(environment: Environment, endpoint: Endpoint, state: StateLocation, impersonate: String? = nil, file: String,
                sources: [String: JSON] = [:]) {
        self.environment = environment
        self.endpoint = endpoint
        self.state = state
        self.impersonate = impersonate
        self.file = file
        self.sources = sources
    }
}
