import TerraceJSON

/// A Google API call that failed: an error answer (with GCP's status and reason kept) or no
/// answer at all. Its ``description`` is one sentence a user can act on; it never holds tokens,
/// keys or request bodies.
public struct GoogleAPIError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status, or 0 when no answer came (see ``transportMessage``).
    public let status: Int
    /// The canonical status ("NOT_FOUND", "ALREADY_EXISTS"), from the body or derived from ``status``.
    public let canonicalStatus: String
    /// `errors[0].reason` of Storage and BigQuery answers ("notFound", "conflict"), when present.
    public let reason: String?
    /// The message Google gave (or what went wrong on the wire).
    public let message: String
    public let api: GoogleAPI
    public let method: String
    /// The request path relative to the API's base URL, without the query.
    public let path: String
    /// How many attempts were made: a 409 on a create after more than one attempt may be the
    /// engine's own earlier attempt having succeeded.
    public let attempts: Int
    /// Why the failure was not an HTTP answer, when it was not.
    public let transportMessage: String?

    public init(status: Int, canonicalStatus: String? = nil, reason: String? = nil, message: String, api: GoogleAPI,
                method: String, path: String, attempts: Int = 1, transportMessage: String? = nil) {
        self.status = status
        self.canonicalStatus = canonicalStatus ?? Self.canonical(forHTTP: status)
        self.reason = reason
        self.message = message
        self.api = api
        self.method = method
        self.path = Self.withoutQuery(path)
        self.attempts = attempts
        self.transportMessage = transportMessage
    }

    /// Reads an error answer in either of Google's shapes (or any other body).
    public init(status: Int, body: [UInt8], api: GoogleAPI, method: String, path: String, attempts: Int) {
        let json = try? JSON.parse(body)
        let error = json?["error"]
        var message = error?["message"]?.stringValue ?? error?.stringValue ?? ""
        if message.isEmpty, let description = json?["error_description"]?.stringValue { message = description }
        if message.isEmpty, json == nil { message = String(decoding: body.prefix(200), as: UTF8.self) }
        self.init(status: status, canonicalStatus: error?["status"]?.stringValue,
                  reason: error?["errors"]?[0]?["reason"]?.stringValue,
                  message: Self.clip(message), api: api, method: method, path: path, attempts: attempts)
    }

    /// No HTTP answer (reset, refused, timed out), after `attempts` attempts.
    public static func transport(_ failure: String, api: GoogleAPI, method: String, path: String, attempts: Int) -> GoogleAPIError {
        GoogleAPIError(status: 0, canonicalStatus: "UNAVAILABLE", message: failure, api: api, method: method, path: path,
                       attempts: attempts, transportMessage: failure)
    }

    public var isNotFound: Bool { status == 404 }
    public var isConflict: Bool { status == 409 }
    public var isPreconditionFailed: Bool { status == 412 }

    public var description: String {
        let attemptsNote = attempts > 1 ? " after \(attempts) attempts" : ""
        let what = "\(api) \(method) \(path)"
        if let transportMessage {
            return "\(what) got no answer\(attemptsNote) (\(Self.clip(transportMessage))); check the network and the endpoint, then run again."
        }
        let code = reason.map { "\(status) \($0)" } ?? "\(status) \(canonicalStatus)"
        let said = message.isEmpty ? "" : ": \(Self.sentence(message))"
        return "\(what) failed with \(code)\(attemptsNote)\(said); \(advice)."
    }

    /// What the user can do about it.
    private var advice: String {
        switch status {
        case 400: "fix the value it names"
        case 401: "check the credentials (GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`)"
        case 403 where reason == "rateLimitExceeded" || reason == "quotaExceeded": "wait, or raise the quota, then run again"
        case 403: "grant the caller the permission it needs, or check that the API is enabled"
        case 404: "check that the name and the project are right"
        case 409 where canonicalStatus == "ABORTED": "run again to retry the read-modify-write"
        case 409: "it already exists: import it or choose another name"
        case 412: "it changed since it was read; run again"
        case 429, 500...599: "the service is overloaded or failing; run again later"
        default: "see the message above"
        }
    }

    /// Google's canonical status for an HTTP status.
    static func canonical(forHTTP status: Int) -> String {
        switch status {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ALREADY_EXISTS"
        case 412: "FAILED_PRECONDITION"
        case 416: "OUT_OF_RANGE"
        case 429: "RESOURCE_EXHAUSTED"
        case 499: "CANCELLED"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        case 500...599: "INTERNAL"
        default: "UNKNOWN"
        }
    }

    static func withoutQuery(_ path: String) -> String {
        path.firstIndex(of: "?").map { String(path[..<$0]) } ?? path
    }

    /// At most 300 characters on one line.
    static func clip(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// A message without its final full stop, so it can sit inside a sentence.
    static func sentence(_ text: String) -> String {
        var text = clip(text)
        while text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
