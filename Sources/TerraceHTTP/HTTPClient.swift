import CCurl
import Dispatch
#if canImport(Glibc)
import Glibc
#endif
import TerraceJSON

/// One HTTP exchange's answer.
public struct HTTPResult: Sendable {
    public let status: Int
    /// Header names lower-cased, in arrival order.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.last(where: { $0.name == lower })?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed as JSON.
    public func json() throws -> JSON { try JSON.parse(body) }
}

/// A transport failure (no HTTP answer): connection refused or reset, timeout.
public struct HTTPTransportError: Error, CustomStringConvertible, Sendable {
    public let code: Int
    public let message: String
    public var description: String { message }

    /// Whether a retry may succeed (reset, timeout, refused while starting).
    public var isTransient: Bool {
        [Int(CURLE_COULDNT_CONNECT.rawValue), Int(CURLE_OPERATION_TIMEDOUT.rawValue), Int(CURLE_RECV_ERROR.rawValue),
         Int(CURLE_SEND_ERROR.rawValue), Int(CURLE_GOT_NOTHING.rawValue), Int(CURLE_PARTIAL_FILE.rawValue)].contains(code)
    }
}

/// An HTTP/1.1 client over one libcurl easy handle, which keeps its connection alive between
/// requests. ``send(_:_:headers:body:)`` blocks; the `async` form runs the exchange on the
/// client's own serial queue, so it never blocks Swift's cooperative threads.
public final class HTTPClient: @unchecked Sendable {
    private let queue = DispatchQueue(label: "terrace.http-client")
    private let handle: UnsafeMutableRawPointer
    /// The limit on a whole exchange, in seconds.
    public var timeoutSeconds: Int
    /// The limit on establishing a connection, in seconds.
    public var connectTimeoutSeconds: Int = 10

    public init(timeoutSeconds: Int = 60) {
        HTTPClient.globalInit
        // curl_easy_init fails only when out of memory.
        guard let handle = curl_easy_init() else { preconditionFailure("curl_easy_init failed") }
        self.handle = handle
        self.timeoutSeconds = timeoutSeconds
    }

    deinit { curl_easy_cleanup(handle) }

    private static let globalInit: Void = { curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    private final class Exchange {
        var body: [UInt8] = []
        var headers: [(String, String)] = []
        let upload: [UInt8]
        var uploadOffset = 0
        init(upload: [UInt8]) { self.upload = upload }
    }

    /// Sends one request and waits for the whole answer.
    public func send(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil)
        throws(HTTPTransportError) -> HTTPResult
    {
        curl_easy_reset(handle)
        let exchange = Exchange(upload: body ?? [])
        let box = Unmanaged.passRetained(exchange)
        defer { box.release() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        if body != nil && !headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            headerList = curl_slist_append(headerList, "Content-Type: application/octet-stream")
        }
        headerList = curl_slist_append(headerList, "Expect:")
        defer { curl_slist_free_all(headerList) }

        url.withCString { _ = terrace_curl_setopt_ptr(handle, CURLOPT_URL, $0) }
        method.withCString { _ = terrace_curl_setopt_ptr(handle, CURLOPT_CUSTOMREQUEST, $0) }
        if method == "HEAD" { _ = terrace_curl_setopt_long(handle, CURLOPT_NOBODY, 1) }
        _ = terrace_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList)
        _ = terrace_curl_setopt_long(handle, CURLOPT_TIMEOUT, timeoutSeconds)
        _ = terrace_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds)
        _ = terrace_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = terrace_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, box.toOpaque())
        _ = terrace_curl_setopt_ptr(handle, CURLOPT_HEADERDATA, box.toOpaque())
        _ = terrace_curl_setopt_write(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
            let total = size * count
            data.withMemoryRebound(to: UInt8.self, capacity: total) {
                exchange.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: total))
            }
            return total
        }
        _ = terrace_curl_setopt_header(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
            let total = size * count
            let line = data.withMemoryRebound(to: UInt8.self, capacity: total) {
                String(decoding: UnsafeBufferPointer(start: $0, count: total), as: UTF8.self)
            }
            if line.hasPrefix("HTTP/") {
                exchange.headers.removeAll()  // a new response (after a 100 or a redirect)
            } else if let colon = line.firstIndex(of: ":") {
                let name = line[..<colon].lowercased()
                let value = line[line.index(after: colon)...].trimmingCharacters(in: " \r\n\t")
                exchange.headers.append((name, value))
            }
            return total
        }
        if body != nil {
            _ = terrace_curl_setopt_long(handle, CURLOPT_UPLOAD, 1)
            _ = terrace_curl_setopt_int64(handle, CURLOPT_INFILESIZE_LARGE, curl_off_t(exchange.upload.count))
            _ = terrace_curl_setopt_ptr(handle, CURLOPT_READDATA, box.toOpaque())
            _ = terrace_curl_setopt_read(handle) { buffer, size, count, context in
                guard let buffer, let context else { return 0 }
                let exchange = Unmanaged<Exchange>.fromOpaque(context).takeUnretainedValue()
                let n = min(size * count, exchange.upload.count - exchange.uploadOffset)
                exchange.upload.withUnsafeBytes { source in
                    guard let base = source.baseAddress else { return }
                    UnsafeMutableRawPointer(buffer).copyMemory(from: base + exchange.uploadOffset, byteCount: n)
                }
                exchange.uploadOffset += n
                return n
            }
        }
        let rc = curl_easy_perform(handle)
        guard rc == CURLE_OK else {
            let message = String(cString: curl_easy_strerror(rc))
            throw HTTPTransportError(code: Int(rc.rawValue), message: "\(method) \(url): \(message)")
        }
        var status = 0
        _ = terrace_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return HTTPResult(status: status, headers: exchange.headers.map { ($0.0, $0.1) }, body: exchange.body)
    }

    /// Sends one request from async code, on the client's queue.
    public func fetch(_ method: String, _ url: String, headers: [(String, String)] = [], body: [UInt8]? = nil)
        async throws -> HTTPResult
    {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { () throws(HTTPTransportError) -> HTTPResult in
                    try self.send(method, url, headers: headers, body: body)
                })
            }
        }
    }

    /// Sends a JSON body (or none) from async code and answers the status and parsed JSON body.
    public func fetchJSON(_ method: String, _ url: String, _ body: JSON? = nil, headers: [(String, String)] = [])
        async throws -> (status: Int, body: JSON)
    {
        var allHeaders = headers
        if body != nil { allHeaders.append(("Content-Type", "application/json")) }
        let result = try await fetch(method, url, headers: allHeaders, body: body?.encodedBytes())
        let json = result.body.isEmpty ? JSON.null : (try? result.json()) ?? .string(result.text)
        return (result.status, json)
    }

    /// Sends a JSON body (or none) and answers the status and parsed JSON body.
    public func sendJSON(_ method: String, _ url: String, _ body: JSON? = nil, headers: [(String, String)] = [])
        throws -> (status: Int, body: JSON)
    {
        var allHeaders = headers
        if body != nil { allHeaders.append(("Content-Type", "application/json")) }
        let result = try send(method, url, headers: allHeaders, body: body?.encodedBytes())
        let json = result.body.isEmpty ? JSON.null : (try? result.json()) ?? .string(result.text)
        return (result.status, json)
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let chars = Set(set)
        var slice = Substring(self)
        while let first = slice.first, chars.contains(first) { slice.removeFirst() }
        while let last = slice.last, chars.contains(last) { slice.removeLast() }
        return String(slice)
    }
}

extension HTTPClient {
    /// A response body streamed to a file descriptor (downloads of any size in constant memory).
    private final class Download {
        let descriptor: Int32
        var failed = false
        init(descriptor: Int32) { self.descriptor = descriptor }
    }

    /// GETs `url` into the file at `path` (created or truncated) in constant memory, following
    /// redirects; answers the status (the body of an error answer is in the file too).
    public func download(_ url: String, headers: [(String, String)] = [], to path: String) throws(HTTPTransportError) -> Int {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw HTTPTransportError(code: -1, message: "GET \(url): cannot write \(path)") }
        defer { close(descriptor) }
        curl_easy_reset(handle)
        let target = Download(descriptor: descriptor)
        let box = Unmanaged.passRetained(target)
        defer { box.release() }
        var headerList: UnsafeMutablePointer<curl_slist>?
        for (name, value) in headers { headerList = curl_slist_append(headerList, "\(name): \(value)") }
        defer { curl_slist_free_all(headerList) }
        url.withCString { _ = terrace_curl_setopt_ptr(handle, CURLOPT_URL, $0) }
        _ = terrace_curl_setopt_ptr(handle, CURLOPT_HTTPHEADER, headerList)
        _ = terrace_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 1)
        _ = terrace_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT, connectTimeoutSeconds)
        _ = terrace_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // No overall timeout for a download; a stalled transfer (under 1 byte/s for a minute) fails.
        _ = terrace_curl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = terrace_curl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, 60)
        _ = terrace_curl_setopt_ptr(handle, CURLOPT_WRITEDATA, box.toOpaque())
        _ = terrace_curl_setopt_write(handle) { data, size, count, context in
            guard let data, let context else { return 0 }
            let target = Unmanaged<Download>.fromOpaque(context).takeUnretainedValue()
            let total = size * count
            var offset = 0
            while offset < total {
                let written = Glibc.write(target.descriptor, data + offset, total - offset)
                if written <= 0 {
                    target.failed = true
                    return 0
                }
                offset += written
            }
            return total
        }
        let rc = curl_easy_perform(handle)
        guard rc == CURLE_OK else {
            let message = target.failed ? "cannot write \(path)" : String(cString: curl_easy_strerror(rc))
            throw HTTPTransportError(code: Int(rc.rawValue), message: "GET \(url): \(message)")
        }
        var status = 0
        _ = terrace_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return status
    }

    /// ``download(_:headers:to:)`` from async code, on the client's queue.
    public func fetchToFile(_ url: String, headers: [(String, String)] = [], to path: String) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { () throws(HTTPTransportError) -> Int in try self.download(url, headers: headers, to: path) })
            }
        }
    }
}
