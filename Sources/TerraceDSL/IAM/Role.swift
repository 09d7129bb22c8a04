import GCPNaming

/// An IAM role: `roles/NAME` (predefined), `projects/P/roles/NAME` or
/// `organizations/O/roles/NAME` (custom).
public struct Role: Sendable, Hashable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String

    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }

    public var description: String { name }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.name < rhs.name }

    /// Whether the role is well formed.
    public var isWellFormed: Bool {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        func validRoleID(_ id: String) -> Bool {
            !id.isEmpty && id.count <= 64 && id.first != "." && id.last != "."
                && id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == ".") }
        }
        switch parts.count {
        case 2:
            return parts[0] == "roles" && validRoleID(parts[1])
        case 4:
            guard parts[2] == "roles", validRoleID(parts[3]) else { return false }
            if parts[0] == "projects" {
                return (try? GCPNaming.checkProjectID(parts[1])) != nil
            }
            return parts[0] == "organizations" && !parts[1].isEmpty && parts[1].allSatisfy { ("0"..."9").contains($0) }
        default:
            return false
        }
    }
}
