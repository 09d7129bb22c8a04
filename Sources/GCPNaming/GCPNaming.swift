/// A name that breaks one of GCP's naming rules: the sentence GCP-style errors carry.
public struct NamingError: Error, CustomStringConvertible, Sendable, Equatable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// GCP's naming rules (../shared/GCP-ERRORS.md), shared by the local cloud (which answers them
/// as 400s) and the DSL's validation (which reports them before any API call).
public enum GCPNaming {
    private static func isLowerAlnum(_ c: Character) -> Bool {
        ("a"..."z").contains(c) || ("0"..."9").contains(c)
    }

    /// Cloud Storage bucket names.
    public static func checkBucket(_ name: String) throws(NamingError) {
        func bad(_ why: String) -> NamingError { NamingError("Invalid bucket name: '\(name)': \(why)") }
        let limit = name.contains(".") ? 222 : 63
        guard (3...limit).contains(name.count) else { throw bad("a bucket name must be 3 to \(limit) characters long.") }
        guard name.allSatisfy({ isLowerAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw bad("only lowercase letters, digits, '-', '_' and '.' are allowed.")
        }
        guard let first = name.first, let last = name.last, isLowerAlnum(first), isLowerAlnum(last) else {
            throw bad("a bucket name must start and end with a letter or digit.")
        }
        if name.split(separator: ".", omittingEmptySubsequences: false).contains(where: { $0.count > 63 || $0.isEmpty }) {
            throw bad("each dot-separated part must be 1 to 63 characters long.")
        }
        let parts = name.split(separator: ".")
        if parts.count == 4, parts.allSatisfy({ Int($0).map { (0...255).contains($0) } ?? false }) {
            throw bad("a bucket name cannot be an IP address.")
        }
        if name.hasPrefix("goog") { throw bad("a bucket name cannot begin with 'goog'.") }
        if name.contains("google") || name.contains("g00gle") { throw bad("a bucket name cannot contain 'google'.") }
    }

    /// Cloud Storage object names.
    public static func checkObject(_ name: String) throws(NamingError) {
        guard !name.isEmpty, name.utf8.count <= 1024 else {
            throw NamingError("Object name must be 1 to 1024 bytes of UTF-8; got \(name.utf8.count) bytes.")
        }
        guard name != ".", name != ".." else { throw NamingError("Object name cannot be '.' or '..'.") }
        guard !name.contains("\r"), !name.contains("\n") else {
            throw NamingError("Object name cannot contain carriage return or line feed characters.")
        }
    }

    /// BigQuery dataset ids.
    public static func checkDatasetID(_ id: String) throws(NamingError) {
        guard !id.isEmpty, id.utf8.count <= 1024,
              id.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" })
        else {
            throw NamingError("Invalid dataset ID \"\(id)\". Dataset IDs must be alphanumeric (plus underscores) and must be at most 1024 characters long.")
        }
    }

    /// BigQuery table ids.
    public static func checkTableID(_ id: String) throws(NamingError) {
        let ok = !id.isEmpty && id.utf8.count <= 1024 && id.unicodeScalars.allSatisfy { scalar in
            let p = scalar.properties
            switch p.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber,
                 .connectorPunctuation, .dashPunctuation, .spaceSeparator:
                return true
            default:
                return false
            }
        }
        guard ok else {
            throw NamingError("Invalid table ID \"\(id)\". Table IDs must be alphanumeric (plus underscores, dashes and spaces) and must be at most 1024 bytes long.")
        }
    }

    /// Pub/Sub topic and subscription ids; `kind` is "topic" or "subscription".
    public static func checkPubSubID(_ id: String, kind: String) throws(NamingError) {
        let allowed = id.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c) || "-_.~+%".unicodeScalars.contains(c))
        }
        let startsWithLetter = id.unicodeScalars.first.map { $0.isASCII && $0.properties.isAlphabetic } ?? false
        guard (3...255).contains(id.count), allowed, startsWithLetter, !id.hasPrefix("goog") else {
            throw NamingError(
                "Invalid \(kind) name \"\(id)\": it must be 3 to 255 characters, start with a letter, contain only letters, digits and -_.~+%, and not start with 'goog'.")
        }
    }

    /// Service-account ids (the part of the email before '@').
    public static func checkServiceAccountID(_ id: String) throws(NamingError) {
        let chars = Array(id)
        let ok = (6...30).contains(chars.count) && ("a"..."z").contains(chars[0])
            && chars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            && chars.last != "-"
        guard ok else {
            throw NamingError(
                "Invalid service account id \"\(id)\": it must be 6 to 30 characters matching [a-z]([-a-z0-9]*[a-z0-9]).")
        }
    }

    /// Label maps: keys 1–63, values 0–63 characters of lowercase letters, digits, '_' and '-';
    /// keys start with a letter; at most 64 labels.
    public static func checkLabels(_ labels: [String: String]) throws(NamingError) {
        guard labels.count <= 64 else { throw NamingError("Too many labels: \(labels.count); at most 64 are allowed.") }
        func valid(_ s: String) -> Bool {
            s.allSatisfy { $0.isLowercase || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
        }
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) {
            guard (1...63).contains(key.count), valid(key), key.first?.isLowercase == true else {
                throw NamingError("Invalid label key \"\(key)\": keys are 1 to 63 lowercase letters, digits, '_' or '-', starting with a letter.")
            }
            guard value.count <= 63, valid(value) else {
                throw NamingError("Invalid label value \"\(value)\" for key \"\(key)\": values are 0 to 63 lowercase letters, digits, '_' or '-'.")
            }
        }
    }

    /// Project ids: 6–30 lowercase letters, digits and hyphens, starting with a letter, not
    /// ending with a hyphen.
    public static func checkProjectID(_ id: String) throws(NamingError) {
        let chars = Array(id)
        let ok = (6...30).contains(chars.count) && ("a"..."z").contains(chars[0]) && chars.last != "-"
            && chars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        guard ok else {
            throw NamingError(
                "Invalid project id \"\(id)\": a project id is 6 to 30 lowercase letters, digits or hyphens, starts with a letter and does not end with a hyphen.")
        }
    }

    /// A project named in a path or query: a project id (optionally domain-scoped, as in
    /// "example.com:my-project"), a project number, or the wildcards "-" and "_".
    public static func checkProjectReference(_ reference: String) throws(NamingError) {
        if reference == "-" || reference == "_" { return }
        if !reference.isEmpty, reference.allSatisfy({ ("0"..."9").contains($0) }) { return }
        let id = reference.split(separator: ":").last.map(String.init) ?? reference
        if reference.contains(":") {
            let domain = reference.dropLast(id.count + 1)
            guard !domain.isEmpty, domain.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "." || $0 == "-" }) else {
                throw NamingError("Invalid project \"\(reference)\": a domain-scoped project is DOMAIN:PROJECT_ID.")
            }
        }
        try checkProjectID(id)
    }
}
