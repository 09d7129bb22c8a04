import Glibc
import TerraceJSON

/// Who holds a state lock, since when, for what: the body of a lock file or lock object.
public struct StateLockInfo: Sendable, Hashable {
    /// The lock id `terrace force-unlock` takes.
    public var id: String
    /// `user@host`.
    public var who: String
    public var pid: Int64
    /// When it was taken, RFC 3339 UTC (`2026-01-02T03:04:05Z`).
    public var when: String
    /// The command that took it (`plan`, `apply`).
    public var operation: String

    public init(id: String, who: String, pid: Int64, when: String, operation: String) {
        self.id = id
        self.who = who
        self.pid = pid
        self.when = when
        self.operation = operation
    }

    /// A lock for `operation` taken now by this process.
    public static func current(operation: String, id: String = StateIDs.random(), now: Double) -> StateLockInfo {
        StateLockInfo(id: id, who: "\(userName())@\(hostName())", pid: Int64(getpid()), when: StateIDs.timestamp(now),
                      operation: operation)
    }

    /// "alice@build-7 (pid 42) since 2026-01-02T03:04:05Z for apply, lock id …".
    public var summary: String { "\(who) (pid \(pid)) since \(when) for \(operation), lock id \(id)" }

    public var json: JSON {
        ["id": .string(id), "who": .string(who), "pid": .int(pid), "when": .string(when), "operation": .string(operation)]
    }

    /// Reads a lock body; `nil` when it is not one (an empty or foreign file).
    public init?(json: JSON) {
        guard let id = json["id"]?.stringValue, !id.isEmpty else { return nil }
        self.id = id
        who = json["who"]?.stringValue ?? "unknown"
        pid = json["pid"]?.intValue ?? 0
        when = json["when"]?.stringValue ?? "an unknown time"
        operation = json["operation"]?.stringValue ?? "an unknown operation"
    }

    /// Reads a lock body from bytes.
    public init?(bytes: [UInt8]) {
        guard let json = try? JSON.parse(bytes) else { return nil }
        self.init(json: json)
    }

    private static func userName() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid\(geteuid())"
    }

    private static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown-host" }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Random ids (lineage, lock ids) and timestamps for state and locks.
public enum StateIDs {
    /// A random UUID-shaped id (version 4 layout), lower-case.
    public static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    /// Seconds since the epoch as RFC 3339 UTC.
    public static func timestamp(_ seconds: Double) -> String {
        var time = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T"
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
    }
}
