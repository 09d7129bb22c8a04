import HTTPTypes
import Hummingbird
import TerraceJSON

/// One request as a service sees it: method, decoded path parameters, query, headers and body.
public struct ServiceRequest: Sendable {
    public let method: HTTPRequest.Method
    /// The raw, still percent-encoded path.
    public let path: String
    /// Path parameters, percent-decoded.
    public let params: [String: String]
    public let query: Query
    public let headers: HTTPFields
    public let body: RequestBody
    /// The principal the bearer token names, when auth is on ("user:…" or "serviceAccount:…").
    public let principal: String?
    /// The host and port the client addressed (HTTP/1.1 `Host`), e.g. "127.0.0.1:9023".
    public let authority: String?

    public init(method: HTTPRequest.Method, path: String, params: [String: String], query: Query,
                headers: HTTPFields, body: RequestBody, principal: String? = nil, authority: String? = nil) {
        self.authority = authority
        self.method = method
        self.path = path
        self.params = params
        self.query = query
        self.headers = headers
        self.body = body
        self.principal = principal
    }

    /// A path parameter the route pattern guarantees.
    public func param(_ name: String) -> String { params[name] ?? "" }

    public func header(_ name: String) -> String? {
        guard let field = HTTPField.Name(name) else { return nil }
        return headers[field]
    }

    /// The whole body, up to `limit` bytes (413-style 400 beyond it).
    public func collectBody(limit: Int = 64 << 20) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await buffer in body {
            if out.count + buffer.readableBytes > limit {
                throw GCPError(code: 413, reason: "uploadTooLarge", message: "The request body is larger than \(limit) bytes.")
            }
            out.append(contentsOf: buffer.readableBytesView)
        }
        return out
    }

    /// The body parsed as a JSON object; an empty body is `{}` when `allowEmpty`.
    public func jsonBody(allowEmpty: Bool = false) async throws -> JSON {
        let bytes = try await collectBody(limit: 16 << 20)
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            if allowEmpty { return .object([:]) }
            throw GCPError.required("The request body is empty; a JSON object is required.")
        }
        let value: JSON
        do {
            value = try JSON.parse(bytes)
        } catch {
            throw GCPError(code: 400, reason: "parseError",
                           message: "Invalid JSON payload received. \(error.description)", status: "INVALID_ARGUMENT")
        }
        guard case .object = value else {
            throw GCPError(code: 400, reason: "parseError",
                           message: "Invalid JSON payload received. Expected an object, got \(value.typeName).", status: "INVALID_ARGUMENT")
        }
        return value
    }
}

/// Query parameters, percent-decoded ('+' is a space), in order.
public struct Query: Sendable {
    public let items: [(String, String)]

    public init(raw: String?) {
        guard let raw, !raw.isEmpty else {
            items = []
            return
        }
        items = raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = PercentEncoding.decode(String(parts[0]), plusIsSpace: true) ?? String(parts[0])
            let value = parts.count > 1 ? (PercentEncoding.decode(String(parts[1]), plusIsSpace: true) ?? String(parts[1])) : ""
            return (key, value)
        }
    }

    public subscript(_ name: String) -> String? { items.first(where: { $0.0 == name })?.1 }

    public func all(_ name: String) -> [String] { items.filter { $0.0 == name }.map(\.1) }

    /// An integer parameter; a value that is not one is a 400 naming the parameter.
    public func int(_ name: String) throws -> Int64? {
        guard let text = self[name] else { return nil }
        guard let value = Int64(text) else {
            throw GCPError.invalid("Invalid value for parameter '\(name)': \"\(text)\" is not an integer.")
        }
        return value
    }

    /// A boolean parameter ("true"/"false").
    public func bool(_ name: String) throws -> Bool? {
        guard let text = self[name] else { return nil }
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default: throw GCPError.invalid("Invalid value for parameter '\(name)': \"\(text)\" is not a boolean.")
        }
    }
}

/// RFC 3986 percent-encoding.
public enum PercentEncoding {
    /// Decodes `%XX` escapes; `nil` for a malformed escape or bytes that are not UTF-8.
    public static func decode(_ text: String, plusIsSpace: Bool = false) -> String? {
        guard text.utf8.contains(where: { $0 == 37 || (plusIsSpace && $0 == 43) }) else { return text }
        var out: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let c = iterator.next() {
            if c == 37 {
                guard let h = iterator.next(), let l = iterator.next(), let hi = hex(h), let lo = hex(l) else { return nil }
                out.append(hi << 4 | lo)
            } else if plusIsSpace && c == 43 {
                out.append(32)
            } else {
                out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 65...70: c - 55
        case 97...102: c - 87
        default: nil
        }
    }

    /// Encodes everything but unreserved characters (for object names in URLs).
    public static func encode(_ text: String) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for c in text.utf8 {
            switch c {
            case 65...90, 97...122, 48...57, 45, 46, 95, 126: out.append(c)
            default: out.append(contentsOf: [37, digits[Int(c >> 4)], digits[Int(c & 15)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
