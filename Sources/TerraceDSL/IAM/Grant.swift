import TerraceJSON

/// An additive IAM grant (`iam.grant.TARGET[ROLE,MEMBER]`): one member gets one role on the
/// target; other members of the role are never touched.
public struct Grant: Declaration {
    public var role: Role
    public var member: Member
    public var target: IAMTarget
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ role: Role, to member: Member, on target: IAMTarget,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.role = role
        self.member = member
        self.target = target
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .grant }
    public var address: Address { Address("iam.grant.\(target)[\(role),\(member)]") }
    public var references: [Reference] { [target.reference, member.reference].compactMap { $0 } }

    public func resourceName(in context: ModelContext) -> String { target.resourceName(in: context) }

    public func attributes(in context: ModelContext) -> JSON {
        [
            "resource": .string(target.resourceName(in: context)),
            "resourceType": .string(target.resourceType),
            "role": .string(role.name),
            "member": .string(member.resolved(in: context)),
        ]
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        IAMChecks.check(role: role, members: [member], of: self, into: &diagnostics)
    }
}

/// Checks shared by grants and bindings.
enum IAMChecks {
    static func check(role: Role, members: [Member], of declaration: some Declaration, into diagnostics: inout [Diagnostic]) {
        if !role.isWellFormed {
            declaration.report(
                "role \"\(role)\" is malformed",
                fix: "write roles/NAME, projects/PROJECT/roles/NAME or organizations/NUMBER/roles/NAME",
                into: &diagnostics)
        }
        for member in members {
            if let problem = member.problem {
                declaration.report(
                    problem,
                    fix: "write user:EMAIL, serviceAccount:EMAIL, group:EMAIL, domain:DOMAIN, allUsers or allAuthenticatedUsers",
                    into: &diagnostics)
            }
        }
    }
}
