/// The Google API families Terrace talks to.
public enum GoogleAPI: String, Sendable, CaseIterable, CustomStringConvertible {
    case storage
    /// Cloud Storage's media upload paths (`/upload/storage/v1/`).
    case storageUpload
    case bigquery
    case pubsub
    case iam
    case cloudResourceManager
    case serviceUsage
    case iamCredentials

    /// The product name users know.
    public var description: String {
        switch self {
        case .storage: "Cloud Storage"
        case .storageUpload: "Cloud Storage upload"
        case .bigquery: "BigQuery"
        case .pubsub: "Pub/Sub"
        case .iam: "IAM"
        case .cloudResourceManager: "Resource Manager"
        case .serviceUsage: "Service Usage"
        case .iamCredentials: "IAM Credentials"
        }
    }

    /// Google's own base URL for the API, ending in `/`.
    public var googleBaseURL: String {
        switch self {
        case .storage: "https://storage.googleapis.com/storage/v1/"
        case .storageUpload: "https://storage.googleapis.com/upload/storage/v1/"
        case .bigquery: "https://bigquery.googleapis.com/bigquery/v2/"
        case .pubsub: "https://pubsub.googleapis.com/v1/"
        case .iam: "https://iam.googleapis.com/v1/"
        case .cloudResourceManager: "https://cloudresourcemanager.googleapis.com/v1/"
        case .serviceUsage: "https://serviceusage.googleapis.com/v1/"
        case .iamCredentials: "https://iamcredentials.googleapis.com/v1/"
        }
    }

    /// The API's path under a local cloud's single base URL.
    var localPath: String {
        switch self {
        case .storage: "/storage/v1/"
        case .storageUpload: "/upload/storage/v1/"
        case .bigquery: "/bigquery/v2/"
        default: "/v1/"
        }
    }
}

/// Where one API is served, and whether requests to it carry credentials.
public struct Endpoint: Sendable, Equatable {
    /// The base URL, ending in `/`; request paths are relative to it.
    public var baseURL: String
    /// Whether requests carry an access token. Emulators named by environment variables never do.
    public var usesCredentials: Bool

    public init(baseURL: String, usesCredentials: Bool) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.usesCredentials = usesCredentials
    }
}

/// The base URL of every API: Google's, one local cloud's, or emulators named by environment variables.
public struct Endpoints: Sendable, Equatable {
    private var table: [GoogleAPI: Endpoint]

    /// The endpoint of `api`.
    public subscript(api: GoogleAPI) -> Endpoint {
        get { table[api] ?? Endpoint(baseURL: api.googleBaseURL, usesCredentials: true) }
        set { table[api] = newValue }
    }

    /// Google's endpoints, with credentials.
    public static let google = Endpoints(table: [:])

    /// Every API served by one local cloud at `baseURL` (`http://127.0.0.1:9023`). A local cloud
    /// started with `--require-auth` needs `usesCredentials: true`.
    public static func localCloud(_ baseURL: String, usesCredentials: Bool = false) -> Endpoints {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        var endpoints = Endpoints.google
        for api in GoogleAPI.allCases {
            endpoints[api] = Endpoint(baseURL: base + api.localPath, usesCredentials: usesCredentials)
        }
        return endpoints
    }

    /// The endpoints an environment asks for: an explicit local-cloud base URL when given, else
    /// Google's, with the APIs named by `STORAGE_EMULATOR_HOST` (a URL), `BIGQUERY_EMULATOR_HOST`
    /// (a URL) and `PUBSUB_EMULATOR_HOST` (`host:port`) sent to those emulators without credentials.
    public static func resolve(baseURL: String? = nil, environment: [String: String] = ProcessEnvironment.current)
        -> Endpoints
    {
        if let baseURL, !baseURL.isEmpty { return .localCloud(baseURL) }
        var endpoints = Endpoints.google
        if let storage = nonEmpty(environment["STORAGE_EMULATOR_HOST"]) {
            let root = withScheme(storage)
            endpoints[.storage] = Endpoint(baseURL: root + "/storage/v1/", usesCredentials: false)
            endpoints[.storageUpload] = Endpoint(baseURL: root + "/upload/storage/v1/", usesCredentials: false)
        }
        if let bigquery = nonEmpty(environment["BIGQUERY_EMULATOR_HOST"]) {
            endpoints[.bigquery] = Endpoint(baseURL: withScheme(bigquery) + "/bigquery/v2/", usesCredentials: false)
        }
        if let pubsub = nonEmpty(environment["PUBSUB_EMULATOR_HOST"]) {
            endpoints[.pubsub] = Endpoint(baseURL: withScheme(pubsub) + "/v1/", usesCredentials: false)
        }
        return endpoints
    }

    /// Whether any API is served without credentials.
    public var anyEmulator: Bool { GoogleAPI.allCases.contains { !self[$0].usesCredentials } }

    private static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// `host:port` or a URL, as a URL without a trailing slash.
    private static func withScheme(_ value: String) -> String {
        var url = value.hasPrefix("http://") || value.hasPrefix("https://") ? value : "http://" + value
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
