import Hummingbird
import Logging
import NIOCore
import Synchronization
import TerraceJSON

/// A JSON API for the bronze tests, on an ephemeral loopback port: the same 250 items behind
/// every pagination style, plus endpoints that need auth, fail, evolve or misbehave.
final class FixtureAPI: Sendable {
    let port: Int
    private let task: Task<Void, any Error>
    /// Requests seen per path (for retry and incremental checks).
    let hits = Mutex<[String: Int]>([:])
    let lastQuery = Mutex<[String: String]>([:])
    /// Page bodies served as they are by `/text?page=N` (a test sets them); a missing page is
    /// `{"items": []}`.
    let texts = Mutex<[Int: String]>([:])

    var base: String { "http://127.0.0.1:\(port)" }

    static let count = 250

    static func item(_ index: Int, version: Int = 1) -> JSON {
        var fields: [String: JSON] = [
            "id": .int(Int64(index)), "name": .string("item \(index)"), "price": .double(Double(index) * 1.5 + 0.25),
            "updated_at": .string("2024-01-\(String(1 + index % 28).count == 1 ? "0" : "")\(1 + index % 28)T00:00:00Z"),
            "tags": ["a", .string("t\(index % 3)")], "dims": ["w": .int(Int64(index % 7)), "h": 2],
        ]
        if version >= 2 { fields["color"] = .string(index % 2 == 0 ? "red" : "blue") }
        if version == 3 { fields["price"] = .string("expensive") }
        return .object(fields)
    }

    static func items(_ range: Range<Int>, version: Int = 1) -> JSON {
        .array(range.clamped(to: 0..<count).map { item($0, version: version) })
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    static func start() async throws -> FixtureAPI {
        let holder = Holder()
        let router = Router()
        @Sendable func int(_ request: Request, _ name: String, _ fallback: Int) -> Int { request.uri.queryParameters.get(name).flatMap { Int($0) } ?? fallback }
        @Sendable func json(_ value: JSON, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
            var fields = headers
            fields[.contentType] = "application/json"
            return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: value.encodedBytes())))
        }
        @Sendable func count(_ request: Request) {
            holder.api?.hits.withLock { $0[request.uri.path, default: 0] += 1 }
            var query: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
            holder.api?.lastQuery.withLock { $0 = query }
        }
        router.get("/offset/items") { request, _ in
            count(request)
            let offset = int(request, "offset", 0), limit = int(request, "limit", 10)
            return json(["items": items(offset..<(offset + limit)), "total": .int(Int64(Self.count))])
        }
        router.get("/offset-open/items") { request, _ in
            count(request)
            let offset = int(request, "skip", 0), limit = int(request, "limit", 10)
            return json(["items": items(offset..<(offset + limit))])
        }
        router.get("/page/items") { request, _ in
            count(request)
            let page = int(request, "page", 1), size = int(request, "per_page", 25)
            return json(["data": items(((page - 1) * size)..<(page * size)), "meta": ["total_pages": .int(Int64((Self.count + size - 1) / size))]])
        }
        router.get("/cursor/items") { request, _ in
            count(request)
            let start = int(request, "cursor", 0)
            let next: JSON = start + 40 < Self.count ? .string(String(start + 40)) : .null
            return json(["results": items(start..<(start + 40)), "next_cursor": next])
        }
        router.get("/growing/items") { request, _ in
            // Read in order (a cursor): records from 120 on carry a new field, `color`.
            count(request)
            let start = int(request, "cursor", 0)
            let next: JSON = start + 40 < Self.count ? .string(String(start + 40)) : .null
            let page = (start..<min(start + 40, Self.count)).map { item($0, version: $0 >= 120 ? 2 : 1) }
            return json(["results": .array(page), "next_cursor": next])
        }
        router.get("/next/items") { request, _ in
            count(request)
            let start = int(request, "from", 0)
            let next: JSON = start + 100 < Self.count ? .string("/next/items?from=\(start + 100)") : .null
            return json(["items": items(start..<(start + 100)), "links": ["next": next]])
        }
        router.get("/link/items") { request, _ in
            count(request)
            let page = int(request, "page", 1)
            var headers: HTTPFields = [:]
            if page * 60 < Self.count { headers[.init("Link")!] = "<\(holder.api?.base ?? "")/link/items?page=\(page + 1)>; rel=\"next\", <x>; rel=\"last\"" }
            return json(items(((page - 1) * 60)..<(page * 60)), headers: headers)
        }
        router.get("/auth/items") { request, _ in
            count(request)
            guard request.headers[.authorization] == "Bearer s3cret" else { return json(["error": "unauthorized"], status: .unauthorized) }
            return json(["items": items(0..<5)])
        }
        router.get("/incremental/items") { request, _ in
            count(request)
            let since = request.uri.queryParameters.get("updated_since") ?? ""
            let all = (0..<Self.count).map { item($0) }.filter { ($0["updated_at"]?.stringValue ?? "") > since }
            return json(["items": .array(all)])
        }
        router.get("/flaky/items") { request, _ in
            count(request)
            let seen = holder.api?.hits.withLock { $0["/flaky/items"] ?? 0 } ?? 0
            if seen <= 2 { return json(["error": "busy"], status: .serviceUnavailable) }
            return json(["items": items(0..<10)])
        }
        // Serves the first 150 items, then is gone: the API vanishes mid-run.
        router.get("/vanishing/items") { request, _ in
            count(request)
            let offset = int(request, "offset", 0), limit = int(request, "limit", 10)
            if offset >= 150 { return json(["error": "gone"], status: .notFound) }
            return json(["items": items(offset..<(offset + limit)), "total": .int(Int64(Self.count))])
        }
        router.get("/down/items") { request, _ in
            count(request)
            return json(["error": "down"], status: .internalServerError)
        }
        router.get("/malformed/items") { request, _ in
            count(request)
            return json(["items": [item(1), "not an object", item(2)]])
        }
        router.get("/files/items.json") { request, _ in
            count(request)
            return json(items(0..<30))
        }
        router.get("/text") { request, _ in
            count(request)
            let text = holder.api?.texts.withLock { $0[int(request, "page", 1)] } ?? #"{"items": []}"#
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Array(text.utf8))))
        }
        router.get("/evolve/items") { request, _ in
            count(request)
            return json(["items": items(0..<20, version: int(request, "version", 1))])
        }
        var logger = Logger(label: "fixture")
        logger.logLevel = .critical
        let bound = PortBox()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in bound.set(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService() }
        let port = try await bound.wait()
        let api = FixtureAPI(port: port, task: task)
        holder.api = api
        return api
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    func hitCount(_ path: String) -> Int { hits.withLock { $0[path] ?? 0 } }

    final class Holder: @unchecked Sendable {
        var api: FixtureAPI?
    }

    final class PortBox: Sendable {
        private let port = Mutex<Int?>(nil)
        func set(_ value: Int) { port.withLock { $0 = value } }
        func wait() async throws -> Int {
            for _ in 0..<500 {
                if let value = port.withLock({ $0 }) { return value }
                try await Task.sleep(nanoseconds: 10_000_000)
            }
            throw FixtureError()
        }
    }

    struct FixtureError: Error {}
}
