/// Credentials that could not be found, read or exchanged for a token. The description names
/// the file, endpoint or account involved and what to do; it never holds a token, key or secret.
public struct GoogleAuthError: Error, Sendable, CustomStringConvertible {
    /// What failed, as one sentence.
    public let description: String
    /// The OAuth error code from a token endpoint ("invalid_grant"), when there was one.
    public let oauthError: String?

    init(_ description: String, oauthError: String? = nil) {
        self.description = description
        self.oauthError = oauthError
    }
}
