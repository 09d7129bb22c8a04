/// One client per Google API family, sharing one transport, one token provider and one retry
/// policy: what the engine talks to, whether the endpoints are Google's or a local cloud's.
public struct GoogleCloud: Sendable {
    public let endpoints: Endpoints
    /// The default project (`GOOGLE_CLOUD_PROJECT`, or the credentials'), when known.
    public let project: String?
    public let storage: GoogleCloudClient
    public let storageUpload: GoogleCloudClient
    public let bigquery: GoogleCloudClient
    public let pubsub: GoogleCloudClient
    public let iam: GoogleCloudClient
    public let resourceManager: GoogleCloudClient
    public let serviceUsage: GoogleCloudClient
    public let iamCredentials: GoogleCloudClient

    /// Clients for `endpoints`; `credentials` is used only by endpoints that use credentials.
    public init(endpoints: Endpoints, credentials: (any TokenProvider)?, project: String? = nil,
                transport: Transport = Transport(), retryPolicy: RetryPolicy = RetryPolicy(), time: TimeSource = .live) {
        func client(_ api: GoogleAPI) -> GoogleCloudClient {
            GoogleCloudClient(api: api, endpoint: endpoints[api], credentials: credentials, transport: transport,
                              retryPolicy: retryPolicy, time: time)
        }
        self.endpoints = endpoints
        self.project = project
        storage = client(.storage)
        storageUpload = client(.storageUpload)
        bigquery = client(.bigquery)
        pubsub = client(.pubsub)
        iam = client(.iam)
        resourceManager = client(.cloudResourceManager)
        serviceUsage = client(.serviceUsage)
        iamCredentials = client(.iamCredentials)
    }

    /// The client of `api`.
    public func client(_ api: GoogleAPI) -> GoogleCloudClient {
        switch api {
        case .storage: storage
        case .storageUpload: storageUpload
        case .bigquery: bigquery
        case .pubsub: pubsub
        case .iam: iam
        case .cloudResourceManager: resourceManager
        case .serviceUsage: serviceUsage
        case .iamCredentials: iamCredentials
        }
    }

    /// Clients configured from the process environment: endpoints from `baseURL` or the emulator
    /// variables, credentials from Application Default Credentials when any endpoint needs them
    /// (optionally impersonating `impersonate`), the project from `GOOGLE_CLOUD_PROJECT`.
    public static func fromEnvironment(baseURL: String? = nil, impersonate: String? = nil,
                                       environment: [String: String] = ProcessEnvironment.current,
                                       transport: Transport = Transport(), retryPolicy: RetryPolicy = RetryPolicy(),
                                       time: TimeSource = .live) throws -> GoogleCloud {
        let endpoints = Endpoints.resolve(baseURL: baseURL, environment: environment)
        let needsCredentials = GoogleAPI.allCases.contains { endpoints[$0].usesCredentials }
        var project = environment["GOOGLE_CLOUD_PROJECT"].flatMap { $0.isEmpty ? nil : $0 }
        var provider: (any TokenProvider)?
        if needsCredentials {
            let found: ApplicationDefaultCredentials
            do {
                found = try ApplicationDefaultCredentials.find(environment: environment, transport: transport, time: time,
                                                               retryPolicy: retryPolicy)
            } catch let error as GoogleAuthError where endpoints.anyEmulator {
                // Emulators need no credentials: only calls to the other APIs fail, with this error.
                return GoogleCloud(endpoints: endpoints, credentials: UnavailableCredentials(error: error), project: project,
                                   transport: transport, retryPolicy: retryPolicy, time: time)
            }
            project = project ?? found.project
            provider = found.provider
            if let impersonate, !impersonate.isEmpty {
                let source = ImpersonatedCredentials(source: found.provider, targetServiceAccount: impersonate,
                                                     endpoint: endpoints[.iamCredentials], transport: transport, time: time,
                                                     retryPolicy: retryPolicy)
                provider = CachedTokenProvider(source, time: time)
            }
        }
        return GoogleCloud(endpoints: endpoints, credentials: provider, project: project, transport: transport,
                           retryPolicy: retryPolicy, time: time)
    }
}

/// Stands in for credentials that could not be found: every token request throws why.
public struct UnavailableCredentials: TokenProvider {
    public let error: GoogleAuthError
    public init(error: GoogleAuthError) { self.error = error }
    public var principal: String { "no credentials" }
    public func accessToken() async throws -> AccessToken { throw error }
}
