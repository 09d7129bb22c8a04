import TerraceHTTP
import TerraceJSON

/// A successful answer from a Google API.
public struct GoogleResponse: Sendable {
    public let status: Int
    /// Header names lower-cased.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]
    /// How many attempts it took.
    public let attempts: Int

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last(where: { $0.name == lower })?.value
    }

    /// The body as JSON (`null` when empty).
    public func json() throws -> JSON { body.isEmpty ? .null : try JSON.parse(body) }
}

/// The client of one Google API family: paths are relative to its base URL, requests carry a
/// token when the endpoint uses credentials, failures are retried by ``retryPolicy`` and end as
/// ``GoogleAPIError``.
public struct GoogleCloudClient: Sendable {
    public let api: GoogleAPI
    public let endpoint: Endpoint
    /// The token provider, or `nil` when the endpoint uses no credentials.
    public let credentials: (any TokenProvider)?
    public var retryPolicy: RetryPolicy
    public var time: TimeSource
    let transport: Transport

    public init(api: GoogleAPI, endpoint: Endpoint, credentials: (any TokenProvider)?, transport: Transport,
                retryPolicy: RetryPolicy = RetryPolicy(), time: TimeSource = .live) {
        self.api = api
        self.endpoint = endpoint
        self.credentials = endpoint.usesCredentials ? credentials : nil
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.time = time
    }

    /// `GET path` and its JSON answer.
    public func get(_ path: String, query: [(String, String)] = []) async throws -> JSON {
        try await json("GET", path, query: query)
    }

    /// `POST path` with a JSON body (or none) and its JSON answer.
    public func post(_ path: String, query: [(String, String)] = [], body: JSON? = nil) async throws -> JSON {
        try await json("POST", path, query: query, body: body)
    }

    /// `PUT path` with a JSON body and its JSON answer.
    public func put(_ path: String, query: [(String, String)] = [], body: JSON? = nil) async throws -> JSON {
        try await json("PUT", path, query: query, body: body)
    }

    /// `PATCH path` with a JSON body and its JSON answer.
    public func patch(_ path: String, query: [(String, String)] = [], body: JSON? = nil) async throws -> JSON {
        try await json("PATCH", path, query: query, body: body)
    }

    /// `DELETE path` and its JSON answer (`null` for an empty one).
    public func delete(_ path: String, query: [(String, String)] = []) async throws -> JSON {
        try await json("DELETE", path, query: query)
    }

    /// Sends a JSON body (or none) and parses the answer.
    public func json(_ method: String, _ path: String, query: [(String, String)] = [], body: JSON? = nil) async throws -> JSON {
        let headers: [(String, String)] = body == nil ? [] : [("Content-Type", "application/json")]
        let response = try await send(method, path, query: query, headers: headers, body: body?.encodedBytes())
        do {
            return try response.json()
        } catch {
            throw GoogleAPIError(status: response.status, canonicalStatus: "INTERNAL", message: "the answer is not JSON: \(error)",
                                 api: api, method: method, path: path, attempts: response.attempts)
        }
    }

    /// Sends raw bytes and answers the raw response; any status of 400 or more throws
    /// ``GoogleAPIError``. `path` may also be an absolute URL (a resumable upload session).
    public func send(_ method: String, _ path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
                     body: [UInt8]? = nil) async throws -> GoogleResponse {
        let url = self.url(path, query: query)
        var retried = try await attempt(method, url, headers: headers, body: body)
        if let credentials, case .success(let result) = retried.outcome, result.status == 401 {
            // A token revoked or expired early: fetch a new one and try once more.
            await credentials.invalidate()
            let again = try await attempt(method, url, headers: headers, body: body)
            retried = RetriedResult(outcome: again.outcome, attempts: retried.attempts + again.attempts)
        }
        switch retried.outcome {
        case .failure(let failure):
            throw GoogleAPIError.transport(Self.transportReason(failure.message, url), api: api, method: method, path: path,
                                           attempts: retried.attempts)
        case .success(let result) where result.status >= 400:
            throw GoogleAPIError(status: result.status, body: result.body, api: api, method: method, path: path,
                                 attempts: retried.attempts)
        case .success(let result):
            return GoogleResponse(status: result.status, headers: result.headers, body: result.body, attempts: retried.attempts)
        }
    }

    private func attempt(_ method: String, _ url: String, headers: [(String, String)], body: [UInt8]?) async throws -> RetriedResult {
        let credentials = self.credentials
        return try await transport.sendRetrying(method, url, headers: {
            guard let credentials else { return headers }
            let token = try await credentials.accessToken()
            return headers + [("Authorization", "Bearer " + token.value)]
        }, body: body, policy: retryPolicy, time: time)
    }

    /// The full URL of `path` (relative to the base URL, or absolute) with `query` appended.
    public func url(_ path: String, query: [(String, String)] = []) -> String {
        var url = path.hasPrefix("http://") || path.hasPrefix("https://")
            ? path : endpoint.baseURL + (path.hasPrefix("/") ? String(path.dropFirst()) : path)
        if !query.isEmpty {
            url += (url.contains("?") ? "&" : "?")
                + query.map { URLEncoding.component($0.0) + "=" + URLEncoding.component($0.1) }.joined(separator: "&")
        }
        return url
    }

    /// The transport's message without the method and URL it starts with.
    static func transportReason(_ message: String, _ url: String) -> String {
        guard let range = message.firstRange(of: url + ": ") else { return message }
        return String(message[range.upperBound...])
    }
}

/// Percent-encoding of URL path segments and query components (RFC 3986 unreserved characters kept).
public enum URLEncoding {
    /// Encodes everything but `A-Z a-z 0-9 - . _ ~`: a path segment ("my/object" → "my%2Fobject") or a query value.
    public static func component(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(hex[Int(byte >> 4)])
                out.unicodeScalars.append(hex[Int(byte & 15)])
            }
        }
        return out
    }

    /// A form body (`application/x-www-form-urlencoded`).
    public static func form(_ fields: [(String, String)]) -> [UInt8] {
        Array(fields.map { component($0.0) + "=" + component($0.1) }.joined(separator: "&").utf8)
    }
}

