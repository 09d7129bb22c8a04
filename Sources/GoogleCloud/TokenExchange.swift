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

/// RFC 3339 timestamps as Google writes them ("2026-01-01T00:00:00Z", with optional fraction and offset).
enum RFC3339 {
    /// Seconds since the Unix epoch, or `nil` for anything else.
    static func seconds(_ text: String) -> Double? {
        let chars = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= chars.count else { return nil }
            var value: Int64 = 0
            for c in chars[start..<(start + count)] {
                guard c >= 48 && c <= 57 else { return nil }
                value = value * 10 + Int64(c - 48)
            }
            return value
        }
        guard chars.count >= 20, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            while index < chars.count, chars[index] >= 48 && chars[index] <= 57 {
                fraction += Double(chars[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offset: Int64 = 0
        if index < chars.count, chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            guard let h = number(index + 1, 2), let m = number(index + 4, 2) else { return nil }
            offset = (h * 3600 + m * 60) * (chars[index] == UInt8(ascii: "+") ? 1 : -1)
        } else if index >= chars.count || (chars[index] != UInt8(ascii: "Z") && chars[index] != UInt8(ascii: "z")) {
            return nil
        }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }
}
