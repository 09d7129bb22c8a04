import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Pub/Sub's error messages and resource-name helpers.
enum PubSubNames {
    static func notFound(_ id: String) -> GCPError { .notFound("Resource not found (resource=\(id)).") }

    static func alreadyExists(_ id: String) -> GCPError {
        .alreadyExists("Resource already exists in the project (resource=\(id)).", reason: "alreadyExists")
    }

    static func topic(_ project: String, _ id: String) -> String { "projects/\(project)/topics/\(id)" }
    static func subscription(_ project: String, _ id: String) -> String { "projects/\(project)/subscriptions/\(id)" }

    /// Splits "projects/P/topics/T" (or `subscriptions`) into project and id; a malformed name is a 400.
    static func parse(_ name: String, collection: String, field: String) throws -> (project: String, id: String) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 4, parts[0] == "projects", !parts[1].isEmpty, parts[2] == collection else {
            throw GCPError.invalid("Invalid resource name given (\(field)=\(name)). Expected projects/PROJECT/\(collection)/ID.")
        }
        try Names.checkPubSubID(parts[3], kind: collection == "topics" ? "topic" : "subscription")
        return (parts[1], parts[3])
    }

    /// A body `name` must agree with the path.
    static func checkBodyName(_ body: JSON, expected: String) throws {
        if let given = body["name"]?.stringValue, !given.isEmpty, given != expected {
            throw GCPError.invalid("The resource name in the request body (\(given)) does not match the URL (\(expected)).")
        }
    }
}

/// Protobuf Duration strings ("600s", "3.5s") as microseconds.
enum PubSubDuration {
    private static func isDigit(_ c: Character) -> Bool { ("0"..."9").contains(c) }

    static func parse(_ text: String, field: String) throws -> Int64 {
        let bad = GCPError.invalid("Invalid value for field '\(field)': \"\(text)\" is not a duration like \"600s\".")
        guard text.hasSuffix("s") else { throw bad }
        let number = text.dropLast()
        let pieces = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = pieces.first, !whole.isEmpty, whole.allSatisfy(isDigit), whole.count <= 12,
              let seconds = Int64(whole)
        else { throw bad }
        var micros = seconds * 1_000_000
        if pieces.count == 2 {
            let fraction = pieces[1]
            guard !fraction.isEmpty, fraction.count <= 9, fraction.allSatisfy(isDigit) else { throw bad }
            let padded = String((fraction + "000000").prefix(6))
            micros += Int64(padded) ?? 0
        }
        return micros
    }

    static func format(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        let fraction = micros % 1_000_000
        guard fraction != 0 else { return "\(seconds)s" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 6 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(seconds).\(digits)s"
    }

    /// Parses `text` and checks it lies in `range` (seconds); answers the normalised string.
    static func normalise(_ text: String, field: String, range: ClosedRange<Int64>, rangeText: String) throws -> String {
        let micros = try parse(text, field: field)
        guard micros >= range.lowerBound * 1_000_000, micros <= range.upperBound * 1_000_000 else {
            throw GCPError.invalid("Invalid value for field '\(field)': \(text) must be \(rangeText).")
        }
        return format(micros)
    }
}

/// Field masks of Pub/Sub's update requests.
enum PubSubUpdateMask {
    /// The top-level fields named by `mask`; empty or not in `allowed` is a 400.
    static func paths(_ mask: String?, allowed: Set<String>) throws -> [String] {
        let paths = (mask ?? "").split(separator: ",").map { String($0.filter { $0 != " " }) }.filter { !$0.isEmpty }
        guard !paths.isEmpty else {
            throw GCPError.invalid("The update_mask in the request must be set and must contain at least one field.")
        }
        for path in paths {
            let top = path.split(separator: ".").first.map(String.init) ?? path
            guard allowed.contains(top) else {
                throw GCPError.invalid("Invalid update_mask provided in the request: \"\(path)\" is not a field that can be updated.")
            }
        }
        return paths.map { $0.split(separator: ".").first.map(String.init) ?? $0 }
    }
}

/// Paging of Pub/Sub list calls: `pageSize` (default 100, at most 1000) and opaque page tokens.
struct PubSubPage {
    let size: Int
    let after: String?

    init(_ query: Query) throws {
        let requested = try query.int("pageSize") ?? 100
        guard requested >= 0 else { throw GCPError.invalid("Invalid value for parameter 'pageSize': must not be negative.") }
        size = Int(min(requested == 0 ? 100 : requested, 1000))
        after = try PageToken.parse(query["pageToken"])
    }

    /// The response: `items` under `key`, plus a `nextPageToken` when a further row exists.
    func response(key: String, rows: [(name: String, value: JSON)]) -> JSON {
        var out: [String: JSON] = [:]
        let page = rows.prefix(size)
        if !page.isEmpty { out[key] = .array(page.map(\.value)) }
        if rows.count > size, let last = page.last { out["nextPageToken"] = .string(PageToken.make(after: last.name)) }
        return .object(out)
    }
}

extension ServiceRequest {
    /// The JSON body validated against a Pub/Sub schema, unknown fields rejected.
    func pubsubBody(_ schema: String, allowEmpty: Bool = false) async throws -> JSON {
        let body = try await jsonBody(allowEmpty: allowEmpty)
        try SchemaValidator.shared.validate(body, schema: schema, root: "", rejectUnknown: true)
        return body
    }
}

extension Response {
    /// Pub/Sub's empty answer (`google.protobuf.Empty`).
    static var pubsubEmpty: Response { .json(.object([:])) }
}
