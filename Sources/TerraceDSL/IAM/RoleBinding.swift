import TerraceJSON

/// An authoritative IAM role binding (`iam.binding.TARGET[ROLE]`): exactly these members hold
/// the role on the target; apply removes any other member of that role.
public struct RoleBinding: Declaration {
    public var role: Role
    public var members: [Member]
    public var target: IAMTarget
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ role: Role, members: [Member], on target: IAMTarget,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.role = role
        self.members = members
        self.target = target
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .binding }
    public var address: Address { Address("iam.binding.\(target)[\(role)]") }
    public var references: [Reference] { [target.reference].compactMap { $0 } + members.compactMap(\.reference) }

    public func resourceName(in context: ModelContext) -> String { target.resourceName(in: context) }

    public func attributes(in context: ModelContext) -> JSON {
        [
            "resource": .string(target.resourceName(in: context)),
            "resourceType": .string(target.resourceType),
            "role": .string(role.name),
            "members": .array(Array(Set(members.map { $0.resolved(in: context) })).sorted().map { .string($0) }),
        ]
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        IAMChecks.check(role: role, members: members, of: self, into: &diagnostics)
        if members.isEmpty {
            report(
                "has no members, so applying it would remove everyone from \(role) on \(target)",
                fix: "list the members, check the environment variable they come from, or remove the binding",
                into: &diagnostics)
        }
        var seen: Set<Member> = []
        for member in members where !seen.insert(member).inserted {
            report("member \(member) is listed twice", fix: "list each member once", into: &diagnostics)
        }
    }
}
