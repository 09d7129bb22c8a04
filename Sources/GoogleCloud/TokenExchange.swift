import TerraceHTTP
import TerraceJSON

/// The HTTP side of every credential: token requests retried like API calls, their answers read
/// and their failures turned into ``GoogleAuthError`` without echoing what was sent.
struct TokenExchange: Sendable {
    let transport: Transport
    let time: TimeSource
    let retryPolicy: RetryPolicy

    /// Sends a request to a token endpoint and answers its JSON, or a clear error naming `what`.
    func request(_ method: String, _ url: String, headers: [(String, String)], body: [UInt8]?, what: String)
        async throws -> JSON
    {
        let retried = try await transport.sendRetrying(method, url, headers: { headers }, body: body,
                                                       policy: retryPolicy, time: time)
        switch retried.outcome {
        case .failure(let failure):
            throw GoogleAuthError("\(what) failed: no answer from \(url) (\(GoogleCloudClient.transportReason(failure.message, url))); check that the endpoint is reachable.")
        case .success(let result):
            let json = try? JSON.parse(result.body)
            guard result.status < 400 else {
                let oauth = json?["error"]?.stringValue
                let detail = json?["error_description"]?.stringValue ?? json?["error"]?["message"]?.stringValue
                    ?? String(decoding: result.body.prefix(200), as: UTF8.self)
                let code = oauth ?? json?["error"]?["status"]?.stringValue ?? "HTTP \(result.status)"
                throw GoogleAuthError("\(what) was refused by \(url) with \(result.status) \(code): \(GoogleAPIError.sentence(detail)).",
                                      oauthError: oauth)
            }
            guard let json else { throw GoogleAuthError("\(what) failed: \(url) answered something that is not JSON.") }
            return json
        }
    }

    /// Posts an OAuth form and reads `access_token` and `expires_in`.
    func oauthToken(_ tokenURI: String, form: [(String, String)], what: String) async throws -> AccessToken {
        let started = time.now()
        let json = try await request("POST", tokenURI, headers: [("Content-Type", "application/x-www-form-urlencoded")],
                                     body: URLEncoding.form(form), what: what)
        return try Self.token(json, tokenKey: "access_token", started: started, what: what, from: tokenURI)
    }

    /// Reads an OAuth answer (`access_token`, `expires_in`).
    static func token(_ json: JSON, tokenKey: String, started: Double, what: String, from url: String) throws -> AccessToken {
        guard let value = json[tokenKey]?.stringValue, !value.isEmpty else {
            throw GoogleAuthError("\(what) failed: the answer from \(url) has no \(tokenKey).")
        }
        let lifetime = json["expires_in"]?.doubleValue ?? 3600
        return AccessToken(value: value, expiresAt: started + lifetime)
    }
}
