import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// The request context: Hummingbird's core storage plus the channel, so a `reset` fault can
/// abort the connection.
public struct CloudRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Routes every request to its API method, after faults, auth and the consistency delay, and
/// turns errors into Google's error bodies.
struct Dispatcher: HTTPResponder {
    let table: RouteTable
    let context: CloudContext
    let faults: FaultInjector
    let requireAuth: Bool
    let observer: LocalCloud.RequestObserver?

    static let methodOverride = HTTPField.Name("X-HTTP-Method-Override")

    /// The API a path belongs to by its prefix, for answering paths no route serves.
    static func api(forUnservedPath path: String) -> (name: String, style: ErrorStyle)? {
        for prefix in ["/storage/v1/", "/upload/storage/v1/", "/download/storage/v1/"] where path.hasPrefix(prefix) {
            return ("Cloud Storage", .legacy)
        }
        if path.hasPrefix("/bigquery/v2/") { return ("BigQuery", .legacy) }
        if path.hasPrefix("/v1/") { return ("v1", .canonical) }
        return nil
    }

    func respond(to request: Request, context requestContext: CloudRequestContext) async throws -> Response {
        let path = request.uri.path
        // Google's front end honours X-HTTP-Method-Override on POST (clients behind proxies use it).
        var method = request.method
        if method == .post, let name = Self.methodOverride, let override = request.headers[name],
           let overridden = HTTPRequest.Method(override.uppercased()) {
            method = overridden
        }
        switch table.match(method: method, path: path) {
        case .notFound, .wrongMethod:
            let decoded = PercentEncoding.decode(path) ?? path
            guard let (api, style) = Self.api(forUnservedPath: path) else {
                return .error(.notFound("The Terrace local cloud serves no API at \(decoded)."), style: .legacy)
            }
            let name = api == "v1" ? "" : api + " "
            return .error(.notImplemented("the \(name)method \(method) \(decoded) (not yet, or not at all)"), style: style)
        case .found(let route, let params, let api, let style):
            if let fault = faults.draw(api: api, method: request.method.rawValue) {
                switch fault {
                case .status(let code, let retryAfter):
                    var error = GCPError(code: code, reason: code == 429 ? "rateLimitExceeded" : "backendError",
                                         message: "Injected fault: \(code) for \(request.method) \(path).")
                    if let retryAfter { error.headers.append(("Retry-After", String(retryAfter))) }
                    return .error(error, style: style)
                case .stall:
                    try await Task.sleep(for: .milliseconds(Int(faults.plan.stallSeconds * 1000)))
                case .reset:
                    let channel = requestContext.channel
                    try? await (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
                    try? await channel.close()
                    throw CancellationError()
                }
            }
            var principal: String?
            // The token endpoint and the sample shop (not a Google API; dummyjson needs no token) are open.
            if requireAuth && api != "oauth2" && api != SampleShopService.apiName {
                guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                    var error = GCPError.unauthenticated("Request is missing required authentication credential. Expected OAuth 2 access token.")
                    error.headers.append(("WWW-Authenticate", #"Bearer realm="https://accounts.google.com/""#))
                    return .error(error, style: style)
                }
                let token = String(header.dropFirst("Bearer ".count))
                let selfSigned = { SelfSignedJWT.principal(token, credentials: context.credentials,
                                                           nowSeconds: context.clock.nowMicros() / 1_000_000) }
                guard let who = (try? context.tokens.principal(for: token)) ?? selfSigned() else {
                    var error = GCPError.unauthenticated("Request had invalid authentication credentials: the access token is invalid or expired.")
                    error.reason = "authError"
                    error.headers.append(("WWW-Authenticate", #"Bearer realm="https://accounts.google.com/", error="invalid_token""#))
                    return .error(error, style: style)
                }
                principal = who
            }
            for key in ["project", "projectId"] {
                if let project = params[key] {
                    do { try Names.checkProjectReference(project) } catch let error as GCPError { return .error(error, style: style) }
                }
            }
            if context.consistency.isHidden(path: path, method: method.rawValue) {
                if let observer { await observer(method.rawValue, path, 404) }
                return .error(.notFound("Not found: \(PercentEncoding.decode(path) ?? path) (just created; the local cloud's consistency delay is on)."), style: style)
            }
            let serviceRequest = ServiceRequest(
                method: method, path: path, params: params, query: Query(raw: request.uri.query),
                headers: request.headers, body: request.body, principal: principal,
                authority: request.head.authority)
            let response: Response
            do {
                response = try await route.handler(serviceRequest)
            } catch let error as GCPError {
                response = .error(error, style: style)
            } catch let error as CancellationError {
                throw error
            } catch {
                response = .error(.internal("Internal error in the local cloud: \(error)"), style: style)
            }
            if let observer { await observer(method.rawValue, path, response.status.code) }
            return response
        }
    }
}
