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

    func respond(to request: Request, context requestContext: CloudRequestContext) async throws -> Response {
        let path = request.uri.path
        switch table.match(method: request.method, path: path) {
        case .notFound:
            return .error(GCPError(code: 404, reason: "notFound",
                                   message: "The Terrace local cloud serves no API at \(request.method) \(path)."), style: .canonical)
        case .wrongMethod(let api, let style):
            return .error(GCPError(code: 405, reason: "methodNotAllowed",
                                   message: "\(request.method) is not a method of \(path) in the \(api) API."), style: style)
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
            if requireAuth && api != "oauth2" {
                guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                    var error = GCPError.unauthenticated("Request is missing required authentication credential. Expected OAuth 2 access token.")
                    error.headers.append(("WWW-Authenticate", #"Bearer realm="https://accounts.google.com/""#))
                    return .error(error, style: style)
                }
                let token = String(header.dropFirst("Bearer ".count))
                guard let who = try? context.tokens.principal(for: token) else {
                    var error = GCPError.unauthenticated("Request had invalid authentication credentials: the access token is invalid or expired.")
                    error.headers.append(("WWW-Authenticate", #"Bearer realm="https://accounts.google.com/", error="invalid_token""#))
                    return .error(error, style: style)
                }
                principal = who
            }
            if request.method == .get, context.consistency.isHidden(path: path) {
                return .error(.notFound("Not found: \(PercentEncoding.decode(path) ?? path) (just created; the local cloud's consistency delay is on)."), style: style)
            }
            let serviceRequest = ServiceRequest(
                method: request.method, path: path, params: params, query: Query(raw: request.uri.query),
                headers: request.headers, body: request.body, principal: principal,
                authority: request.head.authority)
            do {
                return try await route.handler(serviceRequest)
            } catch let error as GCPError {
                return .error(error, style: style)
            } catch let error as CancellationError {
                throw error
            } catch {
                return .error(.internal("Internal error in the local cloud: \(error)"), style: style)
            }
        }
    }
}
