import Foundation
import GoogleCloud
import LocalCloud
import Synchronization

/// A ``TimeSource`` over a manual clock: sleeping advances the clock instead of waiting, and
/// jitter is a fixed fraction, so retries are deterministic and instant.
func manualTime(_ clock: ManualClock, jitter: Double = 0.5, sleeps: Sleeps? = nil) -> TimeSource {
    TimeSource(
        now: { Double(clock.nowMicros()) / 1_000_000 },
        sleep: { seconds in
            sleeps?.record(seconds)
            clock.advance(seconds: seconds)
        },
        random: { jitter })
}

/// The sleeps a ``TimeSource`` was asked for.
final class Sleeps: Sendable {
    private let list = Mutex<[Double]>([])
    func record(_ seconds: Double) { list.withLock { $0.append(seconds) } }
    var all: [Double] { list.withLock { $0 } }
}

/// A token provider that counts calls and answers a fixed token.
final class CountingTokenProvider: TokenProvider {
    private let count = Mutex(0)
    let token: String
    init(token: String = "counting-token") { self.token = token }
    var calls: Int { count.withLock { $0 } }
    var principal: String { "counting provider" }
    func accessToken() async throws -> AccessToken {
        count.withLock { $0 += 1 }
        return AccessToken(value: token, expiresAt: 4_000_000_000)
    }
}

/// Writes `json` to a new file in `directory` and answers its path.
func writeJSON(_ text: String, in directory: String, name: String) throws -> String {
    let path = directory + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// A tiny HTTP/1.1 server on a loopback ephemeral port over POSIX sockets, for fixtures the local
/// cloud cannot play (the GCE metadata server). It answers every request with `respond` and
/// closes the connection.
final class LoopbackFixtureServer: @unchecked Sendable {
    struct Request: Sendable {
        let method: String
        let path: String
        let headers: [String: String]
    }

    let port: Int
    private let listener: Int32
    private let state = Mutex<[Request]>([])
    private let respond: @Sendable (Request) -> (status: Int, body: String)

    init(respond: @escaping @Sendable (Request) -> (status: Int, body: String)) throws {
        self.respond = respond
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw FixtureError("socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw FixtureError("bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    /// `127.0.0.1:PORT`.
    var hostPort: String { "127.0.0.1:\(port)" }
    var requests: [Request] { state.withLock { $0 } }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while !data.ends(with: Array("\r\n\r\n".utf8)) {
                let n = read(client, &buffer, buffer.count)
                if n <= 0 { break }
                data.append(contentsOf: buffer[0..<n])
            }
            let lines = String(decoding: data, as: UTF8.self).components(separatedBy: "\r\n")
            let first = (lines.first ?? "").split(separator: " ").map(String.init)
            var headers: [String: String] = [:]
            for line in lines.dropFirst() {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
            let request = Request(method: first.first ?? "", path: first.count > 1 ? first[1] : "", headers: headers)
            state.withLock { $0.append(request) }
            let (status, body) = respond(request)
            let answer = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            _ = Array(answer.utf8).withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }
}

struct FixtureError: Error { let message: String; init(_ message: String) { self.message = message } }

extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}
