import CPostgres

/// A PostgreSQL failure: a connection that could not be made or was lost, a statement the server
/// rejected (with its SQLSTATE), or a caller mistake caught before anything reached the server.
///
/// Messages never carry a password: everything that may echo a connection string goes through
/// ``redactingPasswords(in:connectionString:)`` before it lands here.
public struct PostgresError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Could not connect (unreachable server, bad credentials, malformed connection string),
        /// or the connection broke during a statement.
        case connection
        /// The server rejected a statement; ``PostgresError/sqlState`` says why.
        case query
        /// A caller mistake caught before reaching the server (a batch size below 1, a parameter
        /// holding a NUL character, a streamed result with two columns of the same name).
        case invalidInput
    }

    public let kind: Kind
    /// The primary message: PostgreSQL's own for a server error, libpq's for a client one.
    public let message: String
    /// The five-character SQLSTATE (`42601` syntax error, `42P01` undefined table, …), when the
    /// server sent one.
    public let sqlState: String?
    public let detail: String?
    public let hint: String?
    /// The 1-based character offset of the error in ``sql``, when the server points at one.
    public let position: Int?
    /// The statement the caller ran (not any wrapper this module added around it).
    public let sql: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil, hint: String? = nil,
        position: Int? = nil, sql: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.hint = hint
        self.position = position
        self.sql = sql
    }

    public var description: String {
        var text: String
        switch kind {
        case .connection: text = "PostgreSQL connection failed: \(message)"
        case .query: text = "PostgreSQL error \(sqlState ?? "(no SQLSTATE)"): \(message)"
        case .invalidInput: text = "PostgreSQL request rejected: \(message)"
        }
        if let position { text += " (at character \(position))" }
        if let detail { text += "\nDETAIL: \(detail)" }
        if let hint { text += "\nHINT: \(hint)" }
        if let sql { text += "\n(in: \(sql.prefix(200)))" }
        return text
    }
}

/// `text` with every password scrubbed to `***`: `password=…` pairs (quoted or not, in a
/// connection string or a URL query), the `user:password@` part of `postgres://` URLs, and — when
/// `connectionString` is given — any literal occurrence of the password it holds (libpq's
/// parse errors echo whole URLs, and sometimes only fragments of them).
///
/// Use it on anything that may contain a connection string before logging or surfacing it.
public func redactingPasswords(in text: String, connectionString: String? = nil) -> String {
    var result = Array(text.utf8)
    if let connectionString {
        for secret in passwordFragments(of: connectionString) {
            result = replacingOccurrences(of: Array(secret.utf8), in: result, with: Array("***".utf8))
        }
    }
    result = scrubURLPasswords(result)
    result = scrubKeyValuePasswords(result)
    return String(decoding: result, as: UTF8.self)
}

/// The passwords a connection string holds, as written and as decoded, and — for a URL whose
/// password libpq would misparse (one holding `/`, `?`, `#` or `@`) — the pieces of it that
/// could surface on their own in an error message.
func passwordFragments(of connectionString: String) -> [String] {
    var secrets: Set<String> = []
    let bytes = Array(connectionString.utf8)
    // The `user:password@` of a URL, up to the last `@` before the path, as written.
    for start in indices(of: Array("://".utf8), in: bytes) {
        let authorityStart = start + 3
        var end = authorityStart
        while end < bytes.count, !isSpace(bytes[end]) { end += 1 }
        let token = bytes[authorityStart..<end]
        guard let at = token.lastIndex(of: UInt8(ascii: "@")) else { continue }
        let userInfo = bytes[authorityStart..<at]
        guard let colon = userInfo.firstIndex(of: UInt8(ascii: ":")) else { continue }
        let raw = String(decoding: bytes[(colon + 1)..<at], as: UTF8.self)
        guard !raw.isEmpty else { continue }
        secrets.insert(raw)
        if let decoded = percentDecoded(raw) { secrets.insert(decoded) }
        for piece in raw.split(whereSeparator: { "/?#@:".contains($0) }) where piece.count >= 3 {
            secrets.insert(String(piece))
        }
    }
    // The `password` option as libpq parses it (key=value or URL, quoted or percent-encoded).
    if let parsed = parsedPassword(connectionString), !parsed.isEmpty { secrets.insert(parsed) }
    // Longest first, so that a fragment never leaves part of a longer secret behind.
    return secrets.sorted { $0.utf8.count > $1.utf8.count }
}

private func parsedPassword(_ connectionString: String) -> String? {
    var errorMessage: UnsafeMutablePointer<CChar>?
    guard let options = PQconninfoParse(connectionString, &errorMessage) else {
        if let errorMessage { PQfreemem(errorMessage) }
        return nil
    }
    defer { PQconninfoFree(options) }
    var option = options
    while let keyword = option.pointee.keyword {
        if String(cString: keyword) == "password", let value = option.pointee.val {
            return String(cString: value)
        }
        option += 1
    }
    return nil
}

private func percentDecoded(_ text: String) -> String? {
    var out: [UInt8] = []
    let bytes = Array(text.utf8)
    var index = 0
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
            let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
        {
            out.append(high << 4 | low)
            index += 3
        } else {
            out.append(bytes[index])
            index += 1
        }
    }
    return String(decoding: out, as: UTF8.self)
}

/// `scheme://user:secret@host` → `scheme://user:***@host`, for every URL in the text.
private func scrubURLPasswords(_ bytes: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
        guard bytes[index] == UInt8(ascii: ":"), index + 2 < bytes.count,
            bytes[index + 1] == UInt8(ascii: "/"), bytes[index + 2] == UInt8(ascii: "/")
        else {
            out.append(bytes[index])
            index += 1
            continue
        }
        let authorityStart = index + 3
        out.append(contentsOf: bytes[index..<authorityStart])
        // The URL runs to whitespace or a quote (libpq quotes URLs it echoes).
        var end = authorityStart
        while end < bytes.count, !isSpace(bytes[end]), bytes[end] != UInt8(ascii: "\"") { end += 1 }
        let token = bytes[authorityStart..<end]
        if let at = token.lastIndex(of: UInt8(ascii: "@")),
            let colon = bytes[authorityStart..<at].firstIndex(of: UInt8(ascii: ":"))
        {
            out.append(contentsOf: bytes[authorityStart...colon])
            out.append(contentsOf: "***".utf8)
            index = at
        } else {
            index = authorityStart
        }
    }
    return out
}

/// `password=secret` / `password = 'se cret'` / `?password=secret&…` → `password=***`.
private func scrubKeyValuePasswords(_ bytes: [UInt8]) -> [UInt8] {
    let keyword = Array("password".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
        guard matchesCaseInsensitive(keyword, in: bytes, at: index) else {
            out.append(bytes[index])
            index += 1
            continue
        }
        var cursor = index + keyword.count
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else {
            out.append(contentsOf: bytes[index..<(index + keyword.count)])
            index += keyword.count
            continue
        }
        cursor += 1
        while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
        if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "'") {
            cursor += 1
            while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "'") {
                cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
            }
            cursor = min(cursor + 1, bytes.count)
        } else {
            while cursor < bytes.count, !isSpace(bytes[cursor]), bytes[cursor] != UInt8(ascii: "&"),
                bytes[cursor] != UInt8(ascii: "\"")
            {
                cursor += 1
            }
        }
        out.append(contentsOf: "password=***".utf8)
        index = cursor
    }
    return out
}

private func isSpace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
}

private func matchesCaseInsensitive(_ keyword: [UInt8], in bytes: [UInt8], at index: Int) -> Bool {
    guard index + keyword.count <= bytes.count else { return false }
    for offset in 0..<keyword.count where bytes[index + offset] | 0x20 != keyword[offset] { return false }
    return true
}

private func indices(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
    guard !needle.isEmpty, haystack.count >= needle.count else { return [] }
    return (0...(haystack.count - needle.count)).filter { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
}

private func replacingOccurrences(of needle: [UInt8], in haystack: [UInt8], with replacement: [UInt8]) -> [UInt8] {
    guard !needle.isEmpty, haystack.count >= needle.count else { return haystack }
    var out: [UInt8] = []
    out.reserveCapacity(haystack.count)
    var index = 0
    while index < haystack.count {
        if index + needle.count <= haystack.count, haystack[index..<(index + needle.count)].elementsEqual(needle) {
            out.append(contentsOf: replacement)
            index += needle.count
        } else {
            out.append(haystack[index])
            index += 1
        }
    }
    return out
}

func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
