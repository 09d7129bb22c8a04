/// An HTTP JSON API: one or more endpoints (fetched in parallel), each paginated, with the
/// records at a JSON path of each page.
public struct HTTPSource: Sendable {
    /// The endpoints; each is paginated on its own. Environments may override them
    /// (`"sources": {"<name>": {"url": …}}`).
    public var urls: [String]
    /// Where the records are in a page: a dotted path (`products`, `data.items`, `$.data.items`);
    /// `nil` when the page itself is the array of records.
    public var records: String?
    public var pagination: Pagination
    /// Fixed query parameters added to every request.
    public var parameters: [(String, String)]
    /// Fixed headers (never secrets: use ``auth``).
    public var headers: [(String, String)]
    public var auth: HTTPAuth?
    /// Fetch only what changed since the last successful run.
    public var incremental: Incremental?

    public init(url: String, records: String? = nil, pagination: Pagination = .none, parameters: [(String, String)] = [],
                headers: [(String, String)] = [], auth: HTTPAuth? = nil, incremental: Incremental? = nil) {
        self.init(urls: [url], records: records, pagination: pagination, parameters: parameters, headers: headers, auth: auth,
                  incremental: incremental)
    }

    public init(urls: [String], records: String? = nil, pagination: Pagination = .none, parameters: [(String, String)] = [],
                headers: [(String, String)] = [], auth: HTTPAuth? = nil, incremental: Incremental? = nil) {
        self.urls = urls
        self.records = records
        self.pagination = pagination
        self.parameters = parameters
        self.headers = headers
        self.auth = auth
        self.incremental = incremental
    }
}

/// How an API pages its records. Every style stops at a page without records.
public enum Pagination: Sendable, Equatable {
    /// One request.
    case none
    /// `?page=1`, `?page=2`, … (`size` sent as `sizeParameter` when given); stops after
    /// `totalPages` (a path in the page) when the API says it.
    case pageNumber(parameter: String = "page", start: Int = 1, sizeParameter: String? = nil, size: Int? = nil, totalPages: String? = nil)
    /// `?offset=0&limit=100`, `?offset=100&limit=100`, …; stops at `total` (a path in the page)
    /// when the API says it, so the remaining pages are fetched in parallel.
    case offset(offsetParameter: String = "offset", limitParameter: String = "limit", limit: Int = 100, total: String? = nil)
    /// The next page is `?<parameter>=<cursor>` where the cursor is at `next` in the page;
    /// stops when it is missing, null or empty.
    case cursor(parameter: String = "cursor", next: String)
    /// The next page's URL is at `next` in the page.
    case nextURL(next: String)
    /// The next page's URL is the `rel="next"` link of the `Link` header (RFC 8288).
    case linkHeader
}

/// An auth header whose value comes from an environment variable (never from a file in the
/// repository): `.header("Authorization", variable: "SHOP_TOKEN", prefix: "Bearer ")`.
public struct HTTPAuth: Sendable, Equatable {
    public var header: String
    public var variable: String
    public var prefix: String

    public static func header(_ header: String, variable: String, prefix: String = "") -> HTTPAuth {
        HTTPAuth(header: header, variable: variable, prefix: prefix)
    }

    public static func bearer(variable: String) -> HTTPAuth { .header("Authorization", variable: variable, prefix: "Bearer ") }
}

/// An incremental cursor: the highest `field` seen by the last successful run is sent as
/// `parameter` (`?updated_since=…`); the first run sends `initial` when given.
public struct Incremental: Sendable, Equatable {
    public var parameter: String
    public var field: String
    public var initial: String?

    public init(parameter: String, field: String, initial: String? = nil) {
        self.parameter = parameter
        self.field = field
        self.initial = initial
    }
}
