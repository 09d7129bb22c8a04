import TerraceJSON

/// Finds credentials the way Google's Application Default Credentials do:
/// `GOOGLE_APPLICATION_CREDENTIALS`, then gcloud's application-default file
/// (`$CLOUDSDK_CONFIG` or `~/.config/gcloud`), then the metadata server when `GCE_METADATA_HOST`
/// is set. The metadata server is never guessed: without that variable it is not tried.
public struct ApplicationDefaultCredentials: Sendable {
    /// The credentials found, cached and refreshed before expiry.
    public let provider: CachedTokenProvider
    /// `GOOGLE_CLOUD_PROJECT`, else the key file's `project_id` or `quota_project_id`.
    public let project: String?

    /// Looks for credentials in `environment`; throws a ``GoogleAuthError`` naming every place tried.
    public static func find(environment: [String: String] = ProcessEnvironment.current, transport: Transport,
                            time: TimeSource = .live, retryPolicy: RetryPolicy = RetryPolicy(),
                            scopes: [String] = GoogleScopes.cloudPlatform) throws -> ApplicationDefaultCredentials {
        let envProject = environment["GOOGLE_CLOUD_PROJECT"].flatMap { $0.isEmpty ? nil : $0 }
        func wrap(_ found: (any TokenSource, String?)) -> ApplicationDefaultCredentials {
            ApplicationDefaultCredentials(provider: CachedTokenProvider(found.0, time: time), project: envProject ?? found.1)
        }
        if let path = environment["GOOGLE_APPLICATION_CREDENTIALS"], !path.isEmpty {
            guard ProcessEnvironment.fileExists(path) else {
                throw GoogleAuthError("GOOGLE_APPLICATION_CREDENTIALS names \(path), which does not exist; point it at a key file or unset it.")
            }
            return wrap(try load(path: path, transport: transport, time: time, retryPolicy: retryPolicy, scopes: scopes))
        }
        var tried = ["GOOGLE_APPLICATION_CREDENTIALS (not set)"]
        let gcloudPath: String? = if let config = environment["CLOUDSDK_CONFIG"], !config.isEmpty {
            config + "/application_default_credentials.json"
        } else if let home = environment["HOME"], !home.isEmpty {
            home + "/.config/gcloud/application_default_credentials.json"
        } else {
            nil
        }
        if let gcloudPath {
            if ProcessEnvironment.fileExists(gcloudPath) {
                return wrap(try load(path: gcloudPath, transport: transport, time: time, retryPolicy: retryPolicy, scopes: scopes))
            }
            tried.append("\(gcloudPath) (no such file)")
        }
        if let host = environment["GCE_METADATA_HOST"], !host.isEmpty {
            let source = MetadataServerCredentials(host: host, transport: transport, time: time, retryPolicy: retryPolicy)
            return wrap((source, nil))
        }
        tried.append("the metadata server (GCE_METADATA_HOST not set)")
        throw GoogleAuthError("No Google credentials found; tried \(tried.joined(separator: ", ")). Run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS to a key file.")
    }

    /// Reads a credentials file of type `service_account` or `authorized_user`, and its project.
    public static func load(path: String, transport: Transport, time: TimeSource = .live,
                            retryPolicy: RetryPolicy = RetryPolicy(), scopes: [String] = GoogleScopes.cloudPlatform)
        throws -> (any TokenSource, String?)
    {
        guard let bytes = ProcessEnvironment.readFile(path) else {
            throw GoogleAuthError("The credentials file \(path) cannot be read; check its permissions.")
        }
        guard let json = try? JSON.parse(bytes), json.objectValue != nil else {
            throw GoogleAuthError("The credentials file \(path) is not a JSON object; download it again.")
        }
        switch json["type"]?.stringValue {
        case "service_account":
            let credentials = try ServiceAccountCredentials(keyFile: json, origin: path, scopes: scopes, transport: transport,
                                                            time: time, retryPolicy: retryPolicy)
            return (credentials, credentials.projectID)
        case "authorized_user":
            let credentials = try AuthorizedUserCredentials(file: json, origin: path, transport: transport, time: time,
                                                            retryPolicy: retryPolicy)
            return (credentials, credentials.quotaProjectID)
        case let other:
            let kind = other.map { "of type \"\($0)\"" } ?? "without a type"
            throw GoogleAuthError("The credentials file \(path) is \(kind); Terrace reads service_account and authorized_user files.")
        }
    }
}
