import HTTPTypes
import Hummingbird
import TerraceJSON

/// What a handler answers.
public typealias Handler = @Sendable (ServiceRequest) async throws -> Response

/// One API method: an HTTP method and a path pattern, as Google's discovery documents give them.
///
/// Patterns are slash-separated segments: a literal (`b`), a parameter (`{bucket}`) that matches
/// one percent-decoded segment, and optionally a custom verb on the last segment
/// (`{topic}:publish`), as Pub/Sub and IAM use.
public struct Route: Sendable {
    public let method: HTTPRequest.Method
    public let pattern: String
    public let handler: Handler
    let segments: [Segment]
    let verb: String?

    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public init(_ method: HTTPRequest.Method, _ pattern: String, _ handler: @escaping Handler) {
        self.method = method
        self.pattern = pattern
        self.handler = handler
        var parts = pattern.split(separator: "/").map(String.init)
        var verb: String?
        if let last = parts.last, let colon = last.lastIndex(of: ":"), !last.hasSuffix("}") {
            verb = String(last[last.index(after: colon)...])
            parts[parts.count - 1] = String(last[..<colon])
        }
        self.verb = verb
        self.segments = parts.map { part in
            if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
            return .literal(part)
        }
    }

    /// The decoded parameters if `pathSegments` (raw) match this pattern. Literals and the verb
    /// are compared first, so a route that does not match costs no allocation.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        guard pathSegments.count == segments.count else { return nil }
        let lastIndex = segments.count - 1
        func raw(_ index: Int) -> Substring {
            guard index == lastIndex, let verb else { return pathSegments[index] }
            return pathSegments[index].dropLast(verb.count + 1)
        }
        if let verb {
            guard let last = pathSegments.last, last.count > verb.count, last.hasSuffix(":" + verb) else { return nil }
        }
        for (index, segment) in segments.enumerated() {
            if case .literal(let literal) = segment, raw(index) != literal { return nil }
        }
        var params: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            guard case .parameter(let name) = segment else { continue }
            let value = raw(index)
            guard !value.isEmpty, let decoded = PercentEncoding.decode(String(value)) else { return nil }
            params[name] = decoded
        }
        return params
    }
}

/// The routes of one API, with the error style it answers in.
public struct APIRoutes: Sendable {
    public let name: String
    public let style: ErrorStyle
    public let routes: [Route]

    public init(name: String, style: ErrorStyle, routes: [Route]) {
        self.name = name
        self.style = style
        self.routes = routes
    }
}

/// Every route of every API on one base URL.
public struct RouteTable: Sendable {
    struct Entry: Sendable {
        let api: String
        let style: ErrorStyle
        let route: Route
    }

    /// Entries by the number of path segments they match, in matching order.
    private let entriesBySegments: [Int: [Entry]]

    public init(_ apis: [APIRoutes]) {
        var all: [Entry] = []
        for api in apis {
            for route in api.routes { all.append(Entry(api: api.name, style: api.style, route: route)) }
        }
        // Custom verbs first, then more literal segments first, so `…/{topic}:publish` and
        // `…/b/{bucket}/iam` win over `…/{topic}` and `…/b/{bucket}`.
        let entries = all.enumerated().sorted { a, b in
            let (va, vb) = (a.element.route.verb != nil, b.element.route.verb != nil)
            if va != vb { return va }
            let la = a.element.route.segments.filter { if case .literal = $0 { true } else { false } }.count
            let lb = b.element.route.segments.filter { if case .literal = $0 { true } else { false } }.count
            if la != lb { return la > lb }
            return a.offset < b.offset
        }.map(\.element)
        entriesBySegments = Dictionary(grouping: entries, by: { $0.route.segments.count })
    }

    public enum Match {
        case found(Route, params: [String: String], api: String, style: ErrorStyle)
        /// The path is served but not with this method.
        case wrongMethod(api: String, style: ErrorStyle)
        case notFound
    }

    public func match(method: HTTPRequest.Method, path: String) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var pathMatched: Entry?
        for entry in entriesBySegments[segments.count] ?? [] {
            guard let params = entry.route.match(segments) else { continue }
            if entry.route.method == method {
                return .found(entry.route, params: params, api: entry.api, style: entry.style)
            }
            pathMatched = pathMatched ?? entry
        }
        if let pathMatched { return .wrongMethod(api: pathMatched.api, style: pathMatched.style) }
        return .notFound
    }
}

extension Response {
    /// A JSON response.
    public static func json(_ value: JSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=UTF-8"
        let bytes = value.encodedBytes()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An empty 204 (what Cloud Storage and BigQuery answer to a delete).
    public static func noContent() -> Response { Response(status: .noContent) }

    /// The error body in the API's style.
    public static func error(_ error: GCPError, style: ErrorStyle) -> Response {
        var headers: HTTPFields = [:]
        for (name, value) in error.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return .json(error.body(style: style), status: HTTPResponse.Status(code: error.code), headers: headers)
    }
}
