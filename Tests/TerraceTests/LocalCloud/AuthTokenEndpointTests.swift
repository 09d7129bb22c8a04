import LocalCloud
import Testing
import TerraceJSON

@Suite("Auth: OAuth2 token endpoint and bearer tokens")
struct AuthTokenEndpointTests {
    typealias F = AuthFixtures
    static let accounts = "/v1/projects/demo-project/serviceAccounts"

    @Test func signedJwtGetsABearerToken() async throws {
        try await F.withAuthCloud { cloud in
            let (status, body) = try await F.token(cloud, F.jwtGrant(try F.assertion(cloud, key: try F.keyPair.get())))
            #expect(status == 200)
            #expect(body["token_type"] == "Bearer")
            #expect(body["expires_in"] == 3599)
            #expect(body["access_token"]?.stringValue?.isEmpty == false)
        }
    }

    @Test func googleTokenUriAndTheV4PathAreAccepted() async throws {
        try await F.withAuthCloud { cloud in
            let jwt = try F.assertion(cloud, key: try F.keyPair.get(), audience: "https://oauth2.googleapis.com/token")
            #expect(try await F.token(cloud, F.jwtGrant(jwt), path: "/oauth2/v4/token").status == 200)
        }
    }

    @Test func theTokenAuthorisesApiCalls() async throws {
        try await F.withAuthCloud { cloud in
            let token = try await F.runnerToken(cloud)
            let (status, _) = try await cloud.call("GET", Self.accounts, headers: F.bearer(token))
            #expect(status == 200)
        }
    }

    @Test func missingTokenIsUnauthenticated() async throws {
        try await F.withAuthCloud { cloud in
            let (status, body) = try await cloud.call("GET", Self.accounts)
            #expect(status == 401)
            #expect(body.errorStatus == "UNAUTHENTICATED")
            let (createStatus, _) = try await cloud.call("POST", Self.accounts, ["accountId": "sneaky"])
            #expect(createStatus == 401)
        }
    }

    @Test func unauthenticatedAnswersCarryABearerChallenge() async throws {
        try await F.withAuthCloud { cloud in
            let result = try await cloud.raw("GET", Self.accounts)
            #expect(result.status == 401)
            #expect(result.header("www-authenticate")?.hasPrefix("Bearer ") == true)
        }
    }

    @Test func expiredTokenIsUnauthenticated() async throws {
        try await F.withAuthCloud { cloud in
            let token = try await F.runnerToken(cloud)
            cloud.clock.advance(seconds: 3700)
            let (status, body) = try await cloud.call("GET", Self.accounts, headers: F.bearer(token))
            #expect(status == 401)
            #expect(body.errorStatus == "UNAUTHENTICATED")
        }
    }

    @Test func jwtSignedWithAnotherKeyIsAnInvalidGrant() async throws {
        try await F.withAuthCloud { cloud in
            let (status, body) = try await F.token(cloud, F.jwtGrant(try F.assertion(cloud, key: try F.otherKeyPair.get())))
            #expect(status == 400)
            #expect(body["error"] == "invalid_grant")
            #expect(body["error_description"] == "Invalid JWT Signature.")
        }
    }

    @Test func tamperedClaimsFailTheSignature() async throws {
        try await F.withAuthCloud { cloud in
            let parts = try F.assertion(cloud, key: try F.keyPair.get()).split(separator: ".").map(String.init)
            let forged = try F.assertion(cloud, key: try F.otherKeyPair.get(), lifetime: 60).split(separator: ".").map(String.init)
            let (status, body) = try await F.token(cloud, F.jwtGrant([parts[0], forged[1], parts[2]].joined(separator: ".")))
            #expect(status == 400)
            #expect(body["error"] == "invalid_grant")
        }
    }

    @Test func unknownIssuerIsAnInvalidGrant() async throws {
        try await F.withAuthCloud { cloud in
            let jwt = try F.assertion(cloud, key: try F.keyPair.get(), issuer: "ghost@demo-project.iam.gserviceaccount.com")
            let (status, body) = try await F.token(cloud, F.jwtGrant(jwt))
            #expect(status == 400)
            #expect(body["error"] == "invalid_grant")
        }
    }

    @Test func wrongAudienceIsAnInvalidGrant() async throws {
        try await F.withAuthCloud { cloud in
            let jwt = try F.assertion(cloud, key: try F.keyPair.get(), audience: "https://pubsub.googleapis.com/")
            let (status, body) = try await F.token(cloud, F.jwtGrant(jwt))
            #expect(status == 400)
            #expect(body["error"] == "invalid_grant")
        }
    }

    @Test func staleOrLongLivedJwtIsAnInvalidGrant() async throws {
        try await F.withAuthCloud { cloud in
            let key = try F.keyPair.get()
            for jwt in [try F.assertion(cloud, key: key, issuedAgo: 4000), try F.assertion(cloud, key: key, lifetime: 7200),
                        try F.assertion(cloud, key: key, issuedAgo: -600)] {
                let (status, body) = try await F.token(cloud, F.jwtGrant(jwt))
                #expect(status == 400)
                #expect(body["error"] == "invalid_grant")
            }
        }
    }

    @Test func refreshTokenGrantWorksForAnAuthorizedUser() async throws {
        try await F.withAuthCloud { cloud in
            let (status, body) = try await F.token(cloud, [
                ("grant_type", "refresh_token"), ("refresh_token", F.user.refresh),
                ("client_id", F.user.clientID), ("client_secret", F.user.secret),
            ])
            #expect(status == 200)
            let token = body["access_token"]?.stringValue ?? ""
            #expect(try await cloud.call("GET", Self.accounts, headers: F.bearer(token)).status == 200)
        }
    }

    @Test func refreshWithAWrongClientSecretIsRefused() async throws {
        try await F.withAuthCloud { cloud in
            let (status, body) = try await F.token(cloud, [
                ("grant_type", "refresh_token"), ("refresh_token", F.user.refresh),
                ("client_id", F.user.clientID), ("client_secret", "wrong"),
            ])
            #expect(status == 400)
            #expect(body["error"] == "unauthorized_client")
            #expect(body["access_token"] == nil)
        }
    }

    @Test func unsupportedOrMissingGrantTypeIsRefused() async throws {
        try await F.withAuthCloud { cloud in
            let (status, body) = try await F.token(cloud, [("grant_type", "password")])
            #expect(status == 400)
            #expect(body["error"] == "unsupported_grant_type")
            let (missingStatus, missing) = try await F.token(cloud, [("assertion", "x")])
            #expect(missingStatus == 400)
            #expect(missing["error"] == "invalid_request")
        }
    }

    @Test func withoutRequireAuthNoTokenIsNeeded() async throws {
        try await withCloud { cloud in
            let (status, _) = try await cloud.call("GET", Self.accounts)
            #expect(status == 200)
        }
    }
}
