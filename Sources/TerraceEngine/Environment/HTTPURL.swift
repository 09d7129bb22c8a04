/// An http(s) base URL, checked without Foundation: scheme, host, optional port and path.
struct HTTPURL: Sendable, Hashable {
    let scheme: String
    let host: String
    let port: Int?
    let path: String

    init?(_ text: String) {
        let scheme: String
        if text.hasPrefix("http://") { scheme = "http" } else if text.hasPrefix("https://") { scheme = "https" } else { return nil }
        let rest = text.dropFirst(scheme.count + 3)
        guard !rest.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" || $0 == "@" }) else { return nil }
        let authority = rest.prefix { $0 != "/" }
        let path = String(rest.dropFirst(authority.count))
        var host = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            host = authority[..<colon]
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(number) else { return nil }
            port = number
        }
        guard !host.isEmpty,
              host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "[" || $0 == "]" || $0 == ":" })
        else { return nil }
        self.scheme = scheme
        self.host = String(host)
        self.port = port
        self.path = path
    }

    /// The URL without a trailing slash.
    var normalized: String {
        var text = "\(scheme)://\(host)" + (port.map { ":\($0)" } ?? "") + path
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
