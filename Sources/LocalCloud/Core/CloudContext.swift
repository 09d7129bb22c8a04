import Synchronization
import TerraceCrypto
import TerraceJSON
import TerraceTime

/// What every service of the local cloud shares: the store, the blob files, the clock, the
/// token registry and the consistency delay.
public final class CloudContext: Sendable {
    public let store: Store
    public let blobs: BlobStore
    public let clock: any CloudClock
    public let tokens: TokenRegistry
    public let consistency: ConsistencyDelay
    /// Credential files (service-account keys, authorized_user) the server was given.
    public let credentials: CredentialSet
    public let dataDirectory: String
    /// Work that goes on after its request was answered (BigQuery jobs); stopped with the cloud.
    public let background = BackgroundTasks()
    /// Test seams (see ``CloudHooks``).
    public let hooks: CloudHooks
    /// The dataset `/sample/shop` serves unless a request names another scale or seed.
    public let sampleShop: SampleShop

    public init(dataDirectory: String, store: Store, blobs: BlobStore, clock: any CloudClock,
                consistencyDelaySeconds: Double, credentials: CredentialSet, hooks: CloudHooks = CloudHooks(),
                sampleShop: SampleShop = .standard) {
        self.dataDirectory = dataDirectory
        self.sampleShop = sampleShop
        self.hooks = hooks
        self.store = store
        self.blobs = blobs
        self.clock = clock
        self.tokens = TokenRegistry(store: store, clock: clock)
        self.consistency = ConsistencyDelay(seconds: consistencyDelaySeconds, clock: clock)
        self.credentials = credentials
    }

    /// The project number GCP would show for a project id: stable, 12 digits, derived from the id.
    public func projectNumber(_ projectID: String) -> String {
        let digest = Digest.hash(.sha256, Array(projectID.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return String(100_000_000_000 + value % 900_000_000_000)
    }

    /// Now as RFC 3339 with milliseconds.
    public func nowRFC3339() -> String { Timestamp.rfc3339(micros: clock.nowMicros()) }
}

/// One API (or a family of APIs on shared storage) of the local cloud.
public protocol CloudService: Sendable {
    /// SQL DDL the service needs, applied idempotently at start.
    static var schema: String { get }
    init(context: CloudContext)
    /// The routes it serves.
    var apis: [APIRoutes] { get }
}

/// GCP's eventual consistency, on request: for `seconds` after a resource is created, reading it
/// answers 404 as if it did not exist yet.
public final class ConsistencyDelay: Sendable {
    public let seconds: Double
    private let clock: any CloudClock
    private let created: Mutex<[String: Int64]>

    init(seconds: Double, clock: any CloudClock) {
        self.seconds = seconds
        self.clock = clock
        self.created = Mutex([:])
    }

    /// Records that the resource read at `path` (e.g. "storage/v1/b/NAME") was just created.
    public func recordCreation(path: String) {
        guard seconds > 0 else { return }
        let now = clock.nowMicros()
        created.withLock { $0[Self.normalise(path)] = now }
    }

    /// Whether a request must still answer 404: a GET of a resource created less than
    /// `seconds` ago, or any call on its IAM policy (`…:getIamPolicy`, `…:setIamPolicy`, a
    /// bucket's `…/iam`).
    public func isHidden(path: String, method: String = "GET") -> Bool {
        guard seconds > 0 else { return false }
        let key = Self.normalise(path)
        var candidates: [String] = method == "GET" ? [key] : []
        for suffix in [":getIamPolicy", ":setIamPolicy", "/iam"] where key.hasSuffix(suffix) {
            candidates.append(String(key.dropLast(suffix.count)))
        }
        guard !candidates.isEmpty else { return false }
        let now = clock.nowMicros()
        return created.withLock { map in
            for candidate in candidates {
                guard let at = map[candidate] else { continue }
                if Double(now - at) >= seconds * 1_000_000 {
                    map[candidate] = nil
                } else {
                    return true
                }
            }
            return false
        }
    }

    static func normalise(_ path: String) -> String {
        let trimmed = path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        return PercentEncoding.decode(trimmed) ?? trimmed
    }
}
