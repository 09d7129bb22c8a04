import Hummingbird
import TerraceCrypto
import TerraceJSON
import TerraceSQLite

/// IAM v1 service accounts: create, get, list, patch, update, enable, disable, delete and their
/// IAM policies. An account is addressed by email or unique id, with its project or "-".
extension IAMService {
    static let accountPath = "/v1/projects/{project}/serviceAccounts/{account}"

    var serviceAccountRoutes: [Route] {
        let account = Self.accountPath
        var routes = [
            Route(.post, "/v1/projects/{project}/serviceAccounts") { try await createServiceAccount($0) },
            Route(.get, "/v1/projects/{project}/serviceAccounts") { try await listServiceAccounts($0) },
            Route(.get, account) { request in
                .json(try context.store.read { db in try lookupAccount(db, request).body })
            },
            Route(.patch, account) { try await patchServiceAccount($0) },
            Route(.put, account) { try await updateServiceAccount($0) },
            Route(.delete, account) { request in
                try context.store.write { db in
                    let (email, body) = try lookupAccount(db, request)
                    try db.run("DELETE FROM iam_service_accounts WHERE email = ?", [.text(email)])
                    try IAMPolicies.remove(db, resource: Self.policyResource(body))
                }
                return .json([:])
            },
            Route(.post, account + ":enable") { try await setDisabled($0, false) },
            Route(.post, account + ":disable") { try await setDisabled($0, true) },
            Route(.post, account + ":getIamPolicy") { request in
                let body = try await request.validatedBody("iam.GetIamPolicyRequest", allowEmpty: true)
                let version = try request.query.int("options.requestedPolicyVersion") ?? body["options"]?["requestedPolicyVersion"]?.intValue
                return .json(try context.store.read { db in
                    let (_, account) = try lookupAccount(db, request)
                    return try IAMSupport.getPolicy(db, resource: Self.policyResource(account), requestedVersion: version)
                })
            },
            Route(.post, account + ":setIamPolicy") { request in
                let body = try await request.validatedBody("iam.SetIamPolicyRequest")
                return .json(try context.store.write { db in
                    let (_, account) = try lookupAccount(db, request)
                    return try IAMSupport.setPolicy(db, resource: Self.policyResource(account), request: body)
                })
            },
        ]
        routes += [
            Self.unimplemented(.post, account + ":signBlob", "signBlob"),
            Self.unimplemented(.post, account + ":undelete", "undeleting service accounts"),
            Self.unimplemented(.post, account + ":testIamPermissions", "testIamPermissions (the local cloud does not model permissions)"),
            Self.unimplemented(.get, account + "/keys", "service account keys (give key files with --keys instead)"),
            Self.unimplemented(.post, account + "/keys", "service account keys (give key files with --keys instead)"),
            Self.unimplemented(.post, account + "/keys:upload", "service account keys (give key files with --keys instead)"),
            Self.unimplemented(.get, account + "/keys/{key}", "service account keys (give key files with --keys instead)"),
            Self.unimplemented(.delete, account + "/keys/{key}", "service account keys (give key files with --keys instead)"),
        ]
        return routes
    }

    /// The IAM resource name of an account: "projects/P/serviceAccounts/EMAIL".
    static func policyResource(_ account: JSON) -> String {
        account["name"]?.stringValue ?? ""
    }

    /// The stored account a request's `project` and `account` path parameters name; 404 if none.
    func lookupAccount(_ db: Database, _ request: ServiceRequest) throws -> (email: String, body: JSON) {
        try lookupAccount(db, project: request.param("project"), account: request.param("account"))
    }

    func lookupAccount(_ db: Database, project: String, account: String) throws -> (email: String, body: JSON) {
        if project != "-" { try Names.checkProjectID(project) }
        let row: Row?
        if account.contains("@") {
            row = try db.queryOne("SELECT email, project, body FROM iam_service_accounts WHERE email = ?", [.text(account)])
        } else if !account.isEmpty, account.allSatisfy({ ("0"..."9").contains($0) }) {
            row = try db.queryOne("SELECT email, project, body FROM iam_service_accounts WHERE unique_id = ?", [.text(account)])
        } else {
            throw GCPError.invalid("Invalid form of account ID \(account). Should be [Email |Unique ID] of the account.")
        }
        guard let row, let email = row.string("email"), let text = row.string("body"),
              project == "-" || row.string("project") == project
        else { throw GCPError.notFound("Unknown service account: projects/\(project)/serviceAccounts/\(account).") }
        return (email, try JSON.parse(text))
    }

    private func store(_ db: Database, _ body: JSON) throws {
        try db.run("UPDATE iam_service_accounts SET body = ? WHERE email = ?",
                   [.text(body.encoded()), .text(body["email"]?.stringValue ?? "")])
    }

    private func checkText(_ account: JSON?) throws {
        if let name = account?["displayName"]?.stringValue, name.utf8.count > 100 {
            throw GCPError.invalid("Invalid value for field 'serviceAccount.displayName': at most 100 bytes are allowed.")
        }
        if let text = account?["description"]?.stringValue, text.utf8.count > 256 {
            throw GCPError.invalid("Invalid value for field 'serviceAccount.description': at most 256 bytes are allowed.")
        }
    }

    func createServiceAccount(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("project")
        try Names.checkProjectID(project)
        let body = try await request.validatedBody("iam.CreateServiceAccountRequest")
        guard let accountID = body["accountId"]?.stringValue, !accountID.isEmpty else {
            throw GCPError.invalid("The field 'accountId' is required.")
        }
        try Names.checkServiceAccountID(accountID)
        try checkText(body["serviceAccount"])
        let email = "\(accountID)@\(project).iam.gserviceaccount.com"
        let created: JSON = try context.store.write { db in
            try Self.insertAccount(db, project: project, accountID: accountID,
                                   displayName: body["serviceAccount"]?["displayName"]?.stringValue,
                                   description: body["serviceAccount"]?["description"]?.stringValue)
        }
        context.consistency.recordCreation(path: "/v1/projects/\(project)/serviceAccounts/\(email)")
        return .json(created)
    }

    /// Stores a new service account `accountID@project.iam.gserviceaccount.com`; 409 if it exists.
    static func insertAccount(_ db: Database, project: String, accountID: String, displayName: String?,
                              description: String?) throws -> JSON {
        let email = "\(accountID)@\(project).iam.gserviceaccount.com"
        if try db.queryOne("SELECT email FROM iam_service_accounts WHERE email = ?", [.text(email)]) != nil {
            throw GCPError.alreadyExists("Service account \(accountID) already exists within project projects/\(project).")
        }
        let sequence = try db.nextCounter("iam:serviceAccounts")
        let uniqueID = Self.uniqueID(email: email, sequence: sequence)
        var account: JSON = [
            "name": .string("projects/\(project)/serviceAccounts/\(email)"),
            "projectId": .string(project),
            "uniqueId": .string(uniqueID),
            "email": .string(email),
            "etag": .string(IAMPolicies.etag(try db.nextCounter("iam:sa:" + email))),
            "oauth2ClientId": .string(uniqueID),
            "disabled": false,
        ]
        if let displayName, !displayName.isEmpty { account["displayName"] = .string(displayName) }
        if let description, !description.isEmpty { account["description"] = .string(description) }
        try db.run("INSERT INTO iam_service_accounts (email, project, unique_id, body) VALUES (?, ?, ?, ?)",
                   [.text(email), .text(project), .text(uniqueID), .text(account.encoded())])
        return account
    }

    /// The service accounts of the key files the server was given exist: a key belongs to an
    /// account. Each is created once, if missing, when the server starts.
    static func registerKeyFileAccounts(_ context: CloudContext) throws {
        try context.store.write { db in
            for key in context.credentials.serviceAccounts {
                let parts = key.email.split(separator: "@", maxSplits: 1).map(String.init)
                guard parts.count == 2, parts[1].hasSuffix(".iam.gserviceaccount.com") else { continue }
                let project = String(parts[1].dropLast(".iam.gserviceaccount.com".count))
                guard (try? Names.checkProjectID(project)) != nil, (try? Names.checkServiceAccountID(parts[0])) != nil,
                      try db.queryOne("SELECT 1 FROM iam_service_accounts WHERE email = ?", [.text(key.email)]) == nil
                else { continue }
                _ = try insertAccount(db, project: project, accountID: parts[0], displayName: nil,
                                      description: "Holder of key file \(key.keyID)")
            }
        }
    }

    /// A 21-digit id, stable for an account's lifetime and never reused after deletion.
    static func uniqueID(email: String, sequence: Int64) -> String {
        let digest = Digest.hash(.sha256, Array("\(email)#\(sequence)".utf8))
        // Twenty digits from two 64-bit halves of the digest, ten each.
        return "1" + [digest.prefix(8), digest.dropFirst(8).prefix(8)].map { half in
            let value = half.reduce(UInt64(0)) { $0 << 8 | UInt64($1) } % 10_000_000_000
            let digits = String(value)
            return String(repeating: "0", count: 10 - digits.count) + digits
        }.joined()
    }

    func listServiceAccounts(_ request: ServiceRequest) async throws -> Response {
        let project = request.param("project")
        try Names.checkProjectID(project)
        let size = try request.pageSize(default: 20, max: 100)
        let after = try PageToken.parse(request.query["pageToken"]) ?? ""
        let rows = try context.store.read { db in
            try db.query("SELECT email, body FROM iam_service_accounts WHERE project = ? AND email > ? ORDER BY email LIMIT ?",
                         [.text(project), .text(after), .int(Int64(size + 1))])
        }
        var result: [String: JSON] = [:]
        let page = try rows.prefix(size).map { try JSON.parse($0.string("body") ?? "null") }
        if !page.isEmpty { result["accounts"] = .array(page) }
        if rows.count > size, let last = page.last?["email"]?.stringValue {
            result["nextPageToken"] = .string(PageToken.make(after: last))
        }
        return .json(.object(result))
    }

    func patchServiceAccount(_ request: ServiceRequest) async throws -> Response {
        let body = try await request.validatedBody("iam.PatchServiceAccountRequest")
        let paths = FieldMask.split(body["updateMask"]?.stringValue)
        guard !paths.isEmpty else {
            throw GCPError.invalid("The field 'updateMask' is required: name displayName and/or description.")
        }
        var fields: [String] = []
        for path in paths {
            switch path {
            case "displayName", "display_name": fields.append("displayName")
            case "description": fields.append("description")
            default: throw GCPError.invalid("Invalid updateMask path \"\(path)\": only displayName and description can be patched.")
            }
        }
        try checkText(body["serviceAccount"])
        return .json(try context.store.write { db in
            let (email, found) = try lookupAccount(db, request)
            var account = found
            for field in fields {
                let value = body["serviceAccount"]?[field]?.stringValue ?? ""
                account[field] = value.isEmpty ? nil : .string(value)
            }
            account["etag"] = .string(IAMPolicies.etag(try db.nextCounter("iam:sa:" + email)))
            try store(db, account)
            return account
        })
    }

    func updateServiceAccount(_ request: ServiceRequest) async throws -> Response {
        let body = try await request.validatedBody("iam.ServiceAccount")
        try checkText(body)
        return .json(try context.store.write { db in
            let (email, found) = try lookupAccount(db, request)
            var account = found
            if let etag = body["etag"]?.stringValue, !etag.isEmpty, etag != account["etag"]?.stringValue {
                throw GCPError.aborted("The service account was changed concurrently (etag mismatch); read it again and retry.")
            }
            for field in ["displayName", "description"] {
                let value = body[field]?.stringValue ?? ""
                account[field] = value.isEmpty ? nil : .string(value)
            }
            account["etag"] = .string(IAMPolicies.etag(try db.nextCounter("iam:sa:" + email)))
            try store(db, account)
            return account
        })
    }

    func setDisabled(_ request: ServiceRequest, _ disabled: Bool) async throws -> Response {
        _ = try await request.jsonBody(allowEmpty: true)
        try context.store.write { db in
            var account = try lookupAccount(db, request).body
            account["disabled"] = .bool(disabled)
            try store(db, account)
        }
        return .json([:])
    }
}
