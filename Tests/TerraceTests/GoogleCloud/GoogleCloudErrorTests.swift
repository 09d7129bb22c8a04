import GoogleCloud
import Testing

@Suite("GoogleCloud typed errors")
struct GoogleCloudErrorTests {
    @Test func legacyShapeKeepsTheReason() {
        let body = #"{"error":{"code":404,"message":"Not found: Dataset p:d","errors":[{"message":"Not found: Dataset p:d","domain":"global","reason":"notFound"}],"status":"NOT_FOUND"}}"#
        let error = GoogleAPIError(status: 404, body: Array(body.utf8), api: .bigquery, method: "GET",
                                   path: "projects/p/datasets/d?fields=id", attempts: 1)
        #expect(error.reason == "notFound")
        #expect(error.canonicalStatus == "NOT_FOUND")
        #expect(error.message == "Not found: Dataset p:d")
        #expect(error.path == "projects/p/datasets/d")
        #expect(error.description == "BigQuery GET projects/p/datasets/d failed with 404 notFound: Not found: Dataset p:d; check that the name and the project are right.")
    }

    @Test func canonicalShapeKeepsTheStatus() {
        let body = #"{"error":{"code":409,"message":"Resource already exists in the project (resource=carts).","status":"ALREADY_EXISTS"}}"#
        let error = GoogleAPIError(status: 409, body: Array(body.utf8), api: .pubsub, method: "PUT", path: "projects/p/topics/carts", attempts: 2)
        #expect(error.reason == nil)
        #expect(error.canonicalStatus == "ALREADY_EXISTS")
        #expect(error.isConflict)
        #expect(error.attempts == 2)
        #expect(error.description.contains("409 ALREADY_EXISTS after 2 attempts"))
        #expect(error.description.hasSuffix("it already exists: import it or choose another name."))
    }

    @Test func staleEtagAdvisesRunningAgain() {
        let body = #"{"error":{"code":409,"message":"There were concurrent policy changes.","status":"ABORTED"}}"#
        let error = GoogleAPIError(status: 409, body: Array(body.utf8), api: .cloudResourceManager, method: "POST",
                                   path: "projects/p:setIamPolicy", attempts: 1)
        #expect(error.description.hasSuffix("run again to retry the read-modify-write."))
    }

    @Test func bodiesThatAreNotJSONStillDescribeTheFailure() {
        let error = GoogleAPIError(status: 502, body: Array("<html>Bad Gateway</html>".utf8), api: .storage, method: "GET",
                                   path: "b", attempts: 8)
        #expect(error.canonicalStatus == "INTERNAL")
        #expect(error.description.contains("502 INTERNAL after 8 attempts"))
    }

    @Test func transportFailuresSayNoAnswerCame() {
        let error = GoogleAPIError.transport("Connection refused", api: .iam, method: "GET", path: "projects/p/serviceAccounts", attempts: 3)
        #expect(error.status == 0)
        #expect(error.description == "IAM GET projects/p/serviceAccounts got no answer after 3 attempts (Connection refused); check the network and the endpoint, then run again.")
    }
}
