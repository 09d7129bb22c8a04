/// An IAM member: a literal (`user:EMAIL`, `serviceAccount:EMAIL`, `group:EMAIL`,
/// `domain:DOMAIN`, `allUsers`, `allAuthenticatedUsers`) or a declared service account, which
/// becomes a dependency and resolves to its email in each environment.
public enum Member: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    case literal(String)
    case serviceAccount(Reference)

    public init(_ text: String) { self = .literal(text) }
    public init(stringLiteral value: String) { self = .literal(value) }

    /// `user:EMAIL`.
    public static func user(_ email: String) -> Member { .literal("user:\(email)") }
    /// `group:EMAIL`.
    public static func group(_ email: String) -> Member { .literal("group:\(email)") }
    /// `domain:DOMAIN`.
    public static func domain(_ domain: String) -> Member { .literal("domain:\(domain)") }
    /// A service account that is not declared in this stack, by email.
    public static func serviceAccount(email: String) -> Member { .literal("serviceAccount:\(email)") }
    /// The declared service account `key`.
    public static func serviceAccount(_ key: String) -> Member { .serviceAccount(.serviceAccount(key)) }
    public static let allUsers = Member.literal("allUsers")
    public static let allAuthenticatedUsers = Member.literal("allAuthenticatedUsers")

    /// How addresses write the member: the literal, or the service account's address.
    public var description: String {
        switch self {
        case .literal(let text): text
        case .serviceAccount(let reference): reference.address.rawValue
        }
    }

    public static func < (lhs: Member, rhs: Member) -> Bool { lhs.description < rhs.description }

    /// The declaration it references, if any.
    var reference: Reference? {
        if case .serviceAccount(let reference) = self { return reference }
        return nil
    }

    /// The member as IAM policies write it, in `context`'s project.
    func resolved(in context: ModelContext) -> String {
        switch self {
        case .literal(let text):
            return text
        case .serviceAccount(let reference):
            guard let account = context.declaration(reference) as? ServiceAccount else { return "serviceAccount:${\(reference.address)}" }
            return "serviceAccount:\(account.email(project: context.project))"
        }
    }

    /// Why a literal member is malformed, or `nil` when it is well formed.
    var problem: String? {
        guard case .literal(let text) = self else { return nil }
        if text == "allUsers" || text == "allAuthenticatedUsers" { return nil }
        guard let colon = text.firstIndex(of: ":") else { return "member \"\(text)\" has no type prefix" }
        let type = text[..<colon], value = String(text[text.index(after: colon)...])
        switch type {
        case "user", "serviceAccount", "group":
            return Self.isEmail(value) ? nil : "member \"\(text)\" does not name an email address"
        case "domain":
            return Self.isDomain(value) ? nil : "member \"\(text)\" does not name a domain"
        default:
            return "member \"\(text)\" has an unknown type \"\(type)\""
        }
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains(where: \.isWhitespace) else { return false }
        return isDomain(String(parts[1]))
    }

    static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { label in
            !label.isEmpty && label.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" }
        }
    }
}
