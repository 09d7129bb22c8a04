import TerraceJSON

/// An error answered the way Google answers it: an HTTP status, a canonical status name, and
/// for the older JSON APIs (Cloud Storage, BigQuery) a `reason` in an `errors` list.
///
/// See ../shared/GCP-ERRORS.md for the codes and reasons each API uses.
public struct GCPError: Error, Sendable, CustomStringConvertible {
    public var code: Int
    public var reason: String
    public var message: String
    public var status: String
    /// Extra response headers, e.g. Retry-After on 429 and 503.
    public var headers: [(String, String)] = []

    public init(code: Int, reason: String, message: String, status: String? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.status = status ?? GCPError.canonicalStatus(forCode: code)
    }

    public var description: String { "\(code) \(reason): \(message)" }

    static func canonicalStatus(forCode code: Int) -> String {
        switch code {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 405: "METHOD_NOT_ALLOWED"
        case 409: "ALREADY_EXISTS"
        case 412: "FAILED_PRECONDITION"
        case 416: "OUT_OF_RANGE"
        case 429: "RESOURCE_EXHAUSTED"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        default: code >= 500 ? "INTERNAL" : "UNKNOWN"
        }
    }

    /// The response body in the given API style.
    public func body(style: ErrorStyle) -> JSON {
        switch style {
        case .legacy:
            return [
                "error": [
                    "code": .int(Int64(code)),
                    "message": .string(message),
                    "errors": [["message": .string(message), "domain": "global", "reason": .string(reason)]],
                    "status": .string(status),
                ]
            ]
        case .canonical:
            return ["error": ["code": .int(Int64(code)), "message": .string(message), "status": .string(status)]]
        }
    }
}

/// How an API shapes its error bodies.
public enum ErrorStyle: Sendable {
    /// Cloud Storage and BigQuery: `errors: [{reason, message, domain}]` beside code and message.
    case legacy
    /// Pub/Sub, IAM, Resource Manager, Service Usage: a canonical `status`, no list.
    case canonical
}

extension GCPError {
    /// 400 `invalid` / INVALID_ARGUMENT.
    public static func invalid(_ message: String, reason: String = "invalid") -> GCPError {
        GCPError(code: 400, reason: reason, message: message, status: "INVALID_ARGUMENT")
    }

    /// 400 `required`: a required field or parameter is missing.
    public static func required(_ message: String) -> GCPError {
        GCPError(code: 400, reason: "required", message: message, status: "INVALID_ARGUMENT")
    }

    public static func notFound(_ message: String) -> GCPError {
        GCPError(code: 404, reason: "notFound", message: message, status: "NOT_FOUND")
    }

    /// 409 for something that already exists; `reason` is `conflict` for Cloud Storage and
    /// `duplicate` for BigQuery.
    public static func alreadyExists(_ message: String, reason: String = "conflict") -> GCPError {
        GCPError(code: 409, reason: reason, message: message, status: "ALREADY_EXISTS")
    }

    /// 412 `conditionNotMet`.
    public static func preconditionFailed(_ message: String = "At least one of the pre-conditions you specified did not hold.") -> GCPError {
        GCPError(code: 412, reason: "conditionNotMet", message: message, status: "FAILED_PRECONDITION")
    }

    /// 409 ABORTED: a stale etag on a read-modify-write.
    public static func aborted(_ message: String = "There were concurrent policy changes. Please retry the whole read-modify-write with exponential backoff.") -> GCPError {
        GCPError(code: 409, reason: "aborted", message: message, status: "ABORTED")
    }

    public static func failedPrecondition(_ message: String) -> GCPError {
        GCPError(code: 400, reason: "failedPrecondition", message: message, status: "FAILED_PRECONDITION")
    }

    public static func unauthenticated(_ message: String) -> GCPError {
        GCPError(code: 401, reason: "required", message: message, status: "UNAUTHENTICATED")
    }

    /// 501: something the local cloud does not do, said plainly instead of pretending.
    public static func notImplemented(_ what: String) -> GCPError {
        GCPError(code: 501, reason: "notImplemented",
                 message: "The Terrace local cloud does not implement \(what).", status: "UNIMPLEMENTED")
    }

    public static func `internal`(_ message: String) -> GCPError {
        GCPError(code: 500, reason: "backendError", message: message, status: "INTERNAL")
    }
}
