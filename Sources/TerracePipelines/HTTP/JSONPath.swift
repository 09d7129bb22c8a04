import TerraceJSON

/// The dotted paths sources use to point into a JSON page: `products`, `data.items`,
/// `$.data.items`, `meta.total`; `$` or empty is the page itself. Array indexes are numbers
/// (`results.0.items`).
enum JSONPath {
    static func components(_ path: String) -> [Substring] {
        var text = Substring(path)
        if text.hasPrefix("$") { text = text.dropFirst() }
        return text.split(separator: ".")
    }

    static func find(_ path: String, in value: JSON) -> JSON? {
        var current = value
        for component in components(path) {
            if let index = Int(component), case .array(let elements) = current {
                guard index >= 0, index < elements.count else { return nil }
                current = elements[index]
            } else if case .object(let fields) = current, let next = fields[String(component)] {
                current = next
            } else {
                return nil
            }
        }
        return current
    }

    /// A scalar at `path` as text (a cursor, a URL, a count), or nil when missing, null or empty.
    static func text(_ path: String, in value: JSON) -> String? {
        switch find(path, in: value) {
        case .string(let text)?: text.isEmpty ? nil : text
        case .int(let number)?: String(number)
        case .double(let number)?: number.rounded() == number ? String(Int64(number)) : String(number)
        case .bool(let flag)?: String(flag)
        default: nil
        }
    }
}
