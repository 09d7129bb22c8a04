import GCPNaming
import TerraceDSL
import TerraceJSON

/// Turns the text of an environment file into an ``EnvironmentConfiguration``, or ONE
/// ``EnvironmentError`` for the first problem (syntax, unknown keys, required keys, then each
/// key in turn). Pure: ``EnvironmentLoader`` does the reading.
public struct EnvironmentParser: Sendable {
    /// Every key an environment file may hold.
    public static let knownKeys = ["endpoint", "impersonate", "labels", "namePrefix", "project", "region", "sources", "state", "variables"]
    /// What an entry of `sources` may override.
    public static let sourceKeys = ["connection", "location", "rowLimit", "url", "urls"]

    /// The environment's name (the file's base name).
    public let name: String
    /// The file as error messages name it.
    public let file: String

    public init(name: String, file: String) {
        self.name = name
        self.file = file
    }

    public func parse(_ text: String) throws(EnvironmentError) -> EnvironmentConfiguration {
        let root: JSON
        do {
            root = try JSON.parse(text)
        } catch {
            throw EnvironmentError(
                .syntax, file: file, "\(file):\(error.line):\(error.column): invalid JSON: \(error.message) (fix the syntax there)")
        }
        guard case .object(let members) = root else {
            throw EnvironmentError(
                .notAnObject, file: file,
                "\(file): the file holds a JSON \(root.typeName), not an object (write {\"project\": …, \"region\": …, \"state\": …})")
        }
        for key in members.keys.sorted() where !Self.knownKeys.contains(key) {
            let hint = Self.nearest(to: key).map { "did you mean \"\($0)\"?" }
                ?? "known keys: \(Self.knownKeys.joined(separator: ", "))"
            throw EnvironmentError(.unknownKey, file: file, key: key, "\(file): unknown key \"\(key)\" (\(hint))")
        }
        let examples = ["project": "\"my-project-id\"", "region": "\"US\"", "state": "\"gs://my-state-bucket/terrace\""]
        for key in ["project", "region", "state"] where members[key] == nil {
            throw EnvironmentError(
                .missingKey, file: file, key: key,
                "\(file): missing required key \"\(key)\" (add \"\(key)\": \(examples[key] ?? "…"))")
        }
        let project = try string(members, "project")
        do {
            try GCPNaming.checkProjectID(project)
        } catch {
            throw .invalid(file, "project", trimmed(error.message), fix: "use the project id shown in the Cloud console")
        }
        let region = try string(members, "region")
        if !GCPLocations.isKnown(region) {
            throw .invalid(file, "region", "\"\(region)\" is not a Google Cloud location",
                           fix: "use a multi-region (US, EU, ASIA), a dual-region such as NAM4, or a region such as europe-west1")
        }
        let namePrefix = try optionalString(members, "namePrefix") ?? ""
        try checkNamePrefix(namePrefix)
        let labels = try parseLabels(members["labels"])
        let variables = try object(members, "variables") ?? [:]
        let impersonate = try optionalString(members, "impersonate")
        if let impersonate, !Self.isServiceAccountEmail(impersonate) {
            throw .invalid(
                file, "impersonate", "\"\(impersonate)\" is not a service-account email",
                fix: "write NAME@PROJECT.iam.gserviceaccount.com")
        }
        let environment = Environment(
            name: name, project: project, region: region, namePrefix: namePrefix, labels: labels, variables: variables)
        return EnvironmentConfiguration(
            environment: environment, endpoint: try parseEndpoint(members["endpoint"]),
            state: try parseState(string(members, "state")), impersonate: impersonate, file: file,
            sources: try parseSources(members["sources"]))
    }

    /// `"sources": {"<source>": {"url": …, "rowLimit": 1000}}`: objects of known keys. A
    /// secret is never a value here: `connection` names the environment variable holding it.
    private func parseSources(_ value: JSON?) throws(EnvironmentError) -> [String: JSON] {
        guard let value else { return [:] }
        guard case .object(let sources) = value else { throw typeError("sources", expected: "an object", got: value) }
        for (name, entry) in sources {
            guard case .object(let fields) = entry else { throw typeError("sources.\(name)", expected: "an object", got: entry) }
            for (key, field) in fields {
                guard Self.sourceKeys.contains(key) else {
                    throw .invalid(file, "sources.\(name).\(key)", "unknown key \"\(key)\"", fix: "use one of \(Self.sourceKeys.joined(separator: ", "))")
                }
                switch key {
                case "rowLimit":
                    guard let limit = field.intValue, limit > 0 else {
                        throw typeError("sources.\(name).rowLimit", expected: "a positive integer", got: field)
                    }
                case "urls":
                    guard let urls = field.arrayValue, urls.allSatisfy({ $0.stringValue != nil }) else {
                        throw typeError("sources.\(name).urls", expected: "an array of strings", got: field)
                    }
                default:
                    guard field.stringValue != nil else { throw typeError("sources.\(name).\(key)", expected: "a string", got: field) }
                }
                if key == "connection", let text = field.stringValue, text.contains("://") || text.contains("=") {
                    throw .invalid(file, "sources.\(name).connection", "looks like a connection string; secrets never go in environment files",
                                   fix: "name the environment variable that holds it, e.g. \"SHOP_DATABASE_URL\"")
                }
            }
        }
        return sources
    }

    // MARK: - Keys

    private func typeError(_ key: String, expected: String, got value: JSON) -> EnvironmentError {
        EnvironmentError(
            .wrongType, file: file, key: key,
            "\(file): key \"\(key)\": expected \(expected), got \(value.typeName) (write it as \(expected))")
    }

    private func string(_ members: [String: JSON], _ key: String) throws(EnvironmentError) -> String {
        guard let value = members[key] else {
            throw EnvironmentError(.missingKey, file: file, key: key, "\(file): missing required key \"\(key)\"")
        }
        guard case .string(let text) = value else { throw typeError(key, expected: "a string", got: value) }
        return text
    }

    private func optionalString(_ members: [String: JSON], _ key: String) throws(EnvironmentError) -> String? {
        guard let value = members[key], value != .null else { return nil }
        return try string(members, key)
    }

    private func object(_ members: [String: JSON], _ key: String) throws(EnvironmentError) -> [String: JSON]? {
        guard let value = members[key], value != .null else { return nil }
        guard case .object(let object) = value else { throw typeError(key, expected: "an object", got: value) }
        return object
    }

    private func parseLabels(_ value: JSON?) throws(EnvironmentError) -> [String: String] {
        guard let value, value != .null else { return [:] }
        guard case .object(let object) = value else { throw typeError("labels", expected: "an object", got: value) }
        var labels: [String: String] = [:]
        for (key, member) in object.sorted(by: { $0.key < $1.key }) {
            guard case .string(let text) = member else {
                throw typeError("labels.\(key)", expected: "a string", got: member)
            }
            labels[key] = text
        }
        do {
            try GCPNaming.checkLabels(labels)
        } catch {
            throw .invalid(file, "labels", trimmed(error.message), fix: "fix the label")
        }
        return labels
    }

    private func checkNamePrefix(_ prefix: String) throws(EnvironmentError) {
        guard !prefix.isEmpty else { return }
        let ok = prefix.count <= 20 && prefix.first.map { ("a"..."z").contains($0) } == true && prefix.last != "-"
            && prefix.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        if !ok {
            throw .invalid(
                file, "namePrefix", "\"\(prefix)\" cannot start resource names",
                fix: "use up to 20 lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen")
        }
    }

    private func parseEndpoint(_ value: JSON?) throws(EnvironmentError) -> Endpoint {
        guard let value, value != .null else { return .google }
        guard case .string(let text) = value else { throw typeError("endpoint", expected: "a string", got: value) }
        if text == "embedded" { return .embedded }
        guard let url = HTTPURL(text) else {
            throw .invalid(
                file, "endpoint", "\"\(text)\" is neither \"embedded\" nor an http(s) base URL",
                fix: "write \"embedded\", a URL such as \"http://127.0.0.1:9023\", or remove the key for Google")
        }
        return .url(url.normalized)
    }

    private func parseState(_ text: String) throws(EnvironmentError) -> StateLocation {
        if text.hasPrefix("gs://") {
            let rest = text.dropFirst(5)
            let bucket = String(rest.prefix { $0 != "/" })
            let prefix = String(rest.dropFirst(bucket.count).drop { $0 == "/" })
            do {
                try GCPNaming.checkBucket(bucket)
            } catch {
                throw .invalid(file, "state", "\"\(text)\": \(trimmed(error.message))", fix: "write gs://BUCKET/PREFIX")
            }
            return .gcs(bucket: bucket, prefix: prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix)
        }
        if text.isEmpty || text.contains("://") || text.hasSuffix("/") {
            throw .invalid(
                file, "state", "\"\(text)\" is neither a file path nor a gs:// URL",
                fix: "write a path such as \".terrace/state/dev.json\", or gs://BUCKET/PREFIX")
        }
        return .file(text)
    }

    // MARK: - Helpers

    private func trimmed(_ message: String) -> String {
        message.hasSuffix(".") ? String(message.dropLast()) : message
    }

    static func isServiceAccountEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].hasSuffix(".gserviceaccount.com")
            && parts[1].count > ".gserviceaccount.com".count
    }

    /// The known key within edit distance 2 of `key`, if any.
    static func nearest(to key: String) -> String? {
        let scored = knownKeys.map { ($0, editDistance(key.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
