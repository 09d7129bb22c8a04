import Hummingbird
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle
import Synchronization
import TerraceJSON

/// The local cloud: one HTTP server on one base URL that speaks the Cloud Storage, BigQuery,
/// Pub/Sub, IAM, Resource Manager, Service Usage and IAM Credentials REST APIs, plus an OAuth2
/// token endpoint and a sample shop API (`/sample/shop`), storing everything under one data directory.
///
/// `terrace local serve` runs one in the foreground; tests and `embedded` environments start one
/// in-process on an ephemeral port with ``start(_:)``.
public final class LocalCloud: Sendable {
    /// Sees each request's method, path and status once handled.
    public typealias RequestObserver = @Sendable (_ method: String, _ path: String, _ status: Int) async -> Void

    public struct Configuration: Sendable {
        public var host: String = "127.0.0.1"
        /// 0 picks a free port.
        public var port: Int = 0
        public var dataDirectory: String
        public var clock: any CloudClock = SystemClock()
        public var faults = FaultPlan()
        /// Every API answers 401 without a valid bearer token issued by the token endpoint.
        public var requireAuth = false
        /// Credential files trusted by the token endpoint.
        public var keysDirectory: String?
        /// Stop on SIGINT and SIGTERM (for `terrace local serve`).
        public var handleSignals = false
        /// Called after each API request is handled, before its answer is sent (tests use it to
        /// kill a client right after a chosen request).
        public var observer: RequestObserver?
        /// Points where tests hold the cloud (a BigQuery job waiting on a gate); none by default.
        public var hooks = CloudHooks()
        /// The number of cart line items of the sample shop served at `/sample/shop` (1 to
        /// 10,000,000; see ``SampleShop``). Requests may name another with `?scale=`.
        public var sampleScale: Int = SampleShop.defaultScale
        /// The seed of the sample shop's records. Requests may name another with `?seed=`.
        public var sampleSeed: UInt64 = SampleShop.defaultSeed

        public init(dataDirectory: String) { self.dataDirectory = dataDirectory }
    }

    /// The service types that make up the cloud, in routing order.
    static let services: [any CloudService.Type] = [
        StorageService.self, BigQueryService.self, PubSubService.self, IAMService.self, OAuthService.self,
        SampleShopService.self,
    ]

    public let configuration: Configuration
    public let context: CloudContext
    /// The port actually bound.
    public let port: Int
    /// The base URL every API is served under, e.g. "http://127.0.0.1:9023".
    public var baseURL: String { "http://\(configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host):\(port)" }
    /// What the server serves, one line per API.
    public let apiSummary: [(api: String, paths: Int)]

    private let group: ServiceGroup
    private let runTask: Task<Void, any Error>
    private let lock: DataDirectoryLock

    private init(configuration: Configuration, context: CloudContext, port: Int, apiSummary: [(String, Int)],
                 group: ServiceGroup, runTask: Task<Void, any Error>, lock: DataDirectoryLock) {
        self.configuration = configuration
        self.context = context
        self.port = port
        self.apiSummary = apiSummary
        self.group = group
        self.runTask = runTask
        self.lock = lock
    }

    /// Opens the data directory (locking it), and starts serving; returns once the port is bound.
    public static func start(_ configuration: Configuration) async throws -> LocalCloud {
        let lock: DataDirectoryLock
        do {
            lock = try DataDirectoryLock(directory: configuration.dataDirectory)
        } catch let error as GCPError {
            throw LocalCloudError("cannot use \(configuration.dataDirectory) as the data directory: \(error.message)")
        }
        do {
            return try await start(configuration, lock: lock)
        } catch let error as GCPError {
            lock.release()
            throw LocalCloudError("cannot use \(configuration.dataDirectory) as the data directory: \(error.message)")
        } catch {
            lock.release()
            throw error
        }
    }

    /// One sentence for a failure to bind `host:port`.
    static func listenError(_ error: any Error, host: String, port: Int) -> LocalCloudError {
        if let io = error as? IOError {
            switch io.errnoCode {
            case EADDRINUSE:
                return LocalCloudError("port \(port) on \(host) is already in use; stop what is using it, or pick another with --port (0 picks a free one)")
            case EADDRNOTAVAIL:
                return LocalCloudError("\(host) is not an address of this machine; use --host 127.0.0.1 (the default)")
            case EACCES:
                return LocalCloudError("no permission to listen on port \(port); use a port above 1023")
            default:
                return LocalCloudError("cannot listen on \(host):\(port): \(String(cString: strerror(io.errnoCode)))")
            }
        }
        if error is SocketAddressError || error is SocketAddressError.UnknownHost {
            return LocalCloudError("\(host) is not an address or host name this machine can listen on; use --host 127.0.0.1 (the default)")
        }
        return LocalCloudError("cannot listen on \(host):\(port): \(error)")
    }

    private static func start(_ configuration: Configuration, lock: DataDirectoryLock) async throws -> LocalCloud {
        let directory = configuration.dataDirectory
        guard let sampleShop = SampleShop(scale: configuration.sampleScale, seed: configuration.sampleSeed) else {
            throw LocalCloudError("the sample shop's scale must be 1 to 10000000 line items, got \(configuration.sampleScale)")
        }
        let blobs = try BlobStore(dataDirectory: directory)
        let store = try Store(path: directory + "/cloud.sqlite", schemas: [TokenRegistry.schema] + services.map { $0.schema })
        let credentials = try configuration.keysDirectory.map { try CredentialSet.load(directory: $0) } ?? CredentialSet()
        let context = CloudContext(dataDirectory: directory, store: store, blobs: blobs, clock: configuration.clock,
                                   consistencyDelaySeconds: configuration.faults.consistencySeconds, credentials: credentials,
                                   hooks: configuration.hooks, sampleShop: sampleShop)
        let apis = services.flatMap { $0.init(context: context).apis }
        try IAMService.registerKeyFileAccounts(context)
        try BigQueryService.recoverInterruptedJobs(context)
        let dispatcher = Dispatcher(table: RouteTable(apis), context: context,
                                    faults: FaultInjector(plan: configuration.faults), requireAuth: configuration.requireAuth,
                                    observer: configuration.observer)

        var logger = Logger(label: "terrace.local")
        logger.logLevel = .critical
        let bound = PortSignal()
        let app = Application(
            responder: dispatcher,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil, reuseAddress: true),
            onServerRunning: { channel in bound.resolve(.success(channel.localAddress?.port ?? 0)) },
            logger: logger)
        // Services stop in reverse order: background work first, so no request is left waiting on a job.
        let group = ServiceGroup(
            configuration: .init(services: [app, BackgroundWork(tasks: context.background)], gracefulShutdownSignals: configuration.handleSignals ? [.sigterm, .sigint] : [],
                                 logger: logger))
        let runTask = Task {
            do {
                try await group.run()
                bound.resolve(.failure(LocalCloudError("the local cloud stopped before it started listening")))
            } catch {
                bound.resolve(.failure(error))
                throw error
            }
        }
        let port: Int
        do {
            port = try await bound.value()
        } catch {
            throw listenError(error, host: configuration.host, port: configuration.port)
        }
        var summary: [(String, Int)] = []
        for api in apis {
            if let index = summary.firstIndex(where: { $0.0 == api.name }) {
                summary[index].1 += api.routes.count
            } else {
                summary.append((api.name, api.routes.count))
            }
        }
        return LocalCloud(configuration: configuration, context: context, port: port, apiSummary: summary,
                          group: group, runTask: runTask, lock: lock)
    }

    /// Stops serving and releases the data directory.
    public func shutdown() async {
        await group.triggerGracefulShutdown()
        _ = await runTask.result
        await context.background.stop()
        lock.release()
    }

    /// Waits until the server stops (on a signal, when started with `handleSignals`).
    public func wait() async throws {
        defer { lock.release() }
        let result = await runTask.result
        await context.background.stop()
        try result.get()
    }
}

/// The cloud's ``BackgroundTasks`` as a service of its group: on graceful shutdown it stops them
/// (cancelled, waited for) before the HTTP server stops.
struct BackgroundWork: Service {
    let tasks: BackgroundTasks

    func run() async throws {
        try? await gracefulShutdown()
        await tasks.stop()
    }
}

/// A one-shot value the server's start-up resolves: the bound port or the reason it failed.
final class PortSignal: Sendable {
    private let state = Mutex<(result: Result<Int, any Error>?, waiter: CheckedContinuation<Int, any Error>?)>((nil, nil))

    func resolve(_ result: Result<Int, any Error>) {
        let waiter: CheckedContinuation<Int, any Error>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(with: result)
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = state.withLock { state in
                if let result = state.result { return result }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }
}

extension LocalCloud {
    /// The data directory of an environment whose `endpoint` is `embedded`:
    /// `<project>/.terrace/local/<environment>`.
    public static func embeddedDataDirectory(projectDirectory: String, environment: String) -> String {
        let base = projectDirectory.hasSuffix("/") ? String(projectDirectory.dropLast()) : projectDirectory
        return "\(base)/.terrace/local/\(environment)"
    }

    /// Starts the local cloud of an `embedded` environment in-process on an ephemeral loopback
    /// port, over that environment's data directory (locked while it runs).
    public static func startEmbedded(projectDirectory: String, environment: String,
                                     clock: any CloudClock = SystemClock()) async throws -> LocalCloud {
        var configuration = Configuration(
            dataDirectory: embeddedDataDirectory(projectDirectory: projectDirectory, environment: environment))
        configuration.clock = clock
        return try await start(configuration)
    }
}
