import GoogleCloud
import Testing

@Suite("GoogleCloud endpoints")
struct GoogleCloudEndpointsTests {
    @Test func googleIsTheDefaultAndUsesCredentials() {
        let endpoints = Endpoints.resolve(environment: [:])
        #expect(endpoints[.storage] == Endpoint(baseURL: "https://storage.googleapis.com/storage/v1/", usesCredentials: true))
        #expect(endpoints[.storageUpload].baseURL == "https://storage.googleapis.com/upload/storage/v1/")
        #expect(endpoints[.bigquery].baseURL == "https://bigquery.googleapis.com/bigquery/v2/")
        #expect(endpoints[.pubsub].baseURL == "https://pubsub.googleapis.com/v1/")
        #expect(endpoints[.iam].baseURL == "https://iam.googleapis.com/v1/")
        #expect(endpoints[.cloudResourceManager].baseURL == "https://cloudresourcemanager.googleapis.com/v1/")
        #expect(endpoints[.serviceUsage].baseURL == "https://serviceusage.googleapis.com/v1/")
        #expect(endpoints[.iamCredentials].baseURL == "https://iamcredentials.googleapis.com/v1/")
        #expect(!endpoints.anyEmulator)
    }

    @Test func aLocalCloudServesEveryAPIOnOneBaseURL() {
        let endpoints = Endpoints.resolve(baseURL: "http://127.0.0.1:9023/", environment: ["STORAGE_EMULATOR_HOST": "http://elsewhere:1"])
        #expect(endpoints[.storage].baseURL == "http://127.0.0.1:9023/storage/v1/")
        #expect(endpoints[.storageUpload].baseURL == "http://127.0.0.1:9023/upload/storage/v1/")
        #expect(endpoints[.bigquery].baseURL == "http://127.0.0.1:9023/bigquery/v2/")
        #expect(endpoints[.iam].baseURL == "http://127.0.0.1:9023/v1/")
        #expect(endpoints[.pubsub].usesCredentials == false)
        #expect(Endpoints.localCloud("http://h:1", usesCredentials: true)[.iam].usesCredentials)
    }

    @Test func emulatorVariablesPointTheirAPIsAtEmulatorsWithoutCredentials() {
        let endpoints = Endpoints.resolve(environment: [
            "STORAGE_EMULATOR_HOST": "http://127.0.0.1:4443/", "BIGQUERY_EMULATOR_HOST": "http://127.0.0.1:9050",
            "PUBSUB_EMULATOR_HOST": "127.0.0.1:8085",
        ])
        #expect(endpoints[.storage] == Endpoint(baseURL: "http://127.0.0.1:4443/storage/v1/", usesCredentials: false))
        #expect(endpoints[.storageUpload] == Endpoint(baseURL: "http://127.0.0.1:4443/upload/storage/v1/", usesCredentials: false))
        #expect(endpoints[.bigquery] == Endpoint(baseURL: "http://127.0.0.1:9050/bigquery/v2/", usesCredentials: false))
        #expect(endpoints[.pubsub] == Endpoint(baseURL: "http://127.0.0.1:8085/v1/", usesCredentials: false))
        #expect(endpoints[.iam] == Endpoint(baseURL: "https://iam.googleapis.com/v1/", usesCredentials: true))
        #expect(endpoints.anyEmulator)
    }

    @Test func storageEmulatorHostWithoutSchemeIsHTTP() {
        #expect(Endpoints.resolve(environment: ["STORAGE_EMULATOR_HOST": "localhost:4443"])[.storage].baseURL
                == "http://localhost:4443/storage/v1/")
    }
}
