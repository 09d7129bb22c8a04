import Hummingbird
import TerraceJSON
import TerraceSQLite

/// Resource Manager v1 (projects and their IAM), IAM v1 (service accounts), Service Usage v1 and
/// IAM Credentials v1, on shared storage: service accounts in `iam_service_accounts`, policies
/// in Core's ``IAMPolicies``, service states and operations in the generic resources table.
public struct IAMService: CloudService {
    /// Whether the user-managed service account `email` exists; IAM policies refuse bindings
    /// to ones that do not, as GCP does.
    static func serviceAccountExists(_ db: Database, email: String) throws -> Bool {
        try db.queryOne("SELECT 1 FROM iam_service_accounts WHERE email = ?", [.text(email)]) != nil
    }

    public static let schema = """
        CREATE TABLE IF NOT EXISTS iam_service_accounts (
            email     TEXT PRIMARY KEY,
            project   TEXT NOT NULL,
            unique_id TEXT NOT NULL UNIQUE,
            body      TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS iam_service_accounts_by_project ON iam_service_accounts (project, email);
        """
    let context: CloudContext

    public init(context: CloudContext) { self.context = context }

    public var apis: [APIRoutes] {
        [
            APIRoutes(name: "cloudresourcemanager", style: .canonical, routes: resourceManagerRoutes),
            APIRoutes(name: "iam", style: .canonical, routes: serviceAccountRoutes),
            APIRoutes(name: "serviceusage", style: .canonical, routes: serviceUsageRoutes),
            APIRoutes(name: "iamcredentials", style: .canonical, routes: credentialsRoutes),
        ]
    }

    /// A route that answers 501 naming `what`.
    static func unimplemented(_ method: HTTPRequest.Method, _ pattern: String, _ what: String) -> Route {
        Route(method, pattern) { _ in throw GCPError.notImplemented(what) }
    }
}
