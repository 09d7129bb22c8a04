import GCPNaming
import TerraceJSON

/// An IAM service account (`service_account.KEY`) in the environment's project.
public struct ServiceAccount: Declaration {
    public let key: String
    /// The part of the email before `@` (6 to 30 characters).
    public var accountID: String
    public var displayName: String?
    public var description: String?
    public var dependsOn: [Reference] = []
    public let sourceLocation: SourceLocation

    public init(
        _ key: String, accountID: String? = nil, displayName: String? = nil, description: String? = nil,
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line
    ) {
        self.key = key
        self.accountID = accountID ?? key.replacingAll("_", with: "-")
        self.displayName = displayName
        self.description = description
        self.sourceLocation = SourceLocation(fileID: fileID, filePath: filePath, line: line)
    }

    public var kind: ResourceKind { .serviceAccount }
    public var address: Address { Address("service_account.\(key)") }
    /// A reference to this service account, usable as an IAM target.
    public var reference: Reference { Reference(kind: .serviceAccount, address: address) }
    /// This service account as an IAM member.
    public var member: Member { .serviceAccount(reference) }

    /// `ACCOUNT_ID@PROJECT.iam.gserviceaccount.com`.
    public func email(project: String) -> String { "\(accountID)@\(project).iam.gserviceaccount.com" }

    public func resourceName(in context: ModelContext) -> String {
        "projects/\(context.project)/serviceAccounts/\(email(project: context.project))"
    }

    public func attributes(in context: ModelContext) -> JSON {
        var body: [String: JSON] = [
            "accountId": .string(accountID),
            "email": .string(email(project: context.project)),
            "projectId": .string(context.project),
        ]
        if let displayName { body["displayName"] = .string(displayName) }
        if let description { body["description"] = .string(description) }
        return .object(body)
    }

    public func validate(into diagnostics: inout [Diagnostic]) {
        checkKey(key, into: &diagnostics)
        checkNaming("choose an account id of 6 to 30 lowercase letters, digits and hyphens", into: &diagnostics) {
            () throws(NamingError) in try GCPNaming.checkServiceAccountID(accountID)
        }
        if let displayName, displayName.count > 100 {
            report("displayName is \(displayName.count) characters long", fix: "use at most 100 characters", into: &diagnostics)
        }
        if let description, description.utf8.count > 256 {
            report("description is \(description.utf8.count) bytes long", fix: "use at most 256 bytes", into: &diagnostics)
        }
    }
}
