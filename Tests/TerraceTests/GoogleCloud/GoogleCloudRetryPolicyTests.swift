import GoogleCloud
import Testing

@Suite("GoogleCloud retry policy")
struct GoogleCloudRetryPolicyTests {
    @Test func retryableStatusesBackOffExponentiallyWithFullJitter() {
        var policy = RetryPolicy(maxAttempts: 10, maxTotalSeconds: 1000, initialBackoffSeconds: 1, maxBackoffSeconds: 100)
        let delays = (0..<5).map { _ in policy.decide(.status(503, retryAfterSeconds: nil), now: 0, random: { 0.5 }) }
        #expect(delays == [.retry(afterSeconds: 0.5), .retry(afterSeconds: 1), .retry(afterSeconds: 2),
                           .retry(afterSeconds: 4), .retry(afterSeconds: 8)])
        #expect(policy.attempts == 5)
    }

    @Test func everyRetryableStatusIsRetriedAndOthersAreNot() {
        for status in [429, 500, 502, 503, 504] {
            var policy = RetryPolicy()
            #expect(policy.decide(.status(status, retryAfterSeconds: nil), now: 0, random: { 0 }) == .retry(afterSeconds: 0))
        }
        for status in [400, 401, 403, 404, 409, 412, 501] {
            var policy = RetryPolicy()
            #expect(policy.decide(.status(status, retryAfterSeconds: nil), now: 0, random: { 0 }) == .stop(.notRetryable))
        }
        for status in [200, 204, 308] {
            var policy = RetryPolicy()
            #expect(policy.decide(.status(status, retryAfterSeconds: nil), now: 0, random: { 0 }) == .stop(.succeeded))
        }
    }

    @Test func jitterIsDrawnBetweenZeroAndTheCeiling() {
        var policy = RetryPolicy(initialBackoffSeconds: 2)
        #expect(policy.decide(.status(500, retryAfterSeconds: nil), now: 0, random: { 0 }) == .retry(afterSeconds: 0))
        #expect(policy.decide(.status(500, retryAfterSeconds: nil), now: 0, random: { 0.999 }) == .retry(afterSeconds: 4 * 0.999))
    }

    @Test func backoffCeilingIsCapped() {
        var policy = RetryPolicy(maxAttempts: 50, maxTotalSeconds: 10_000, initialBackoffSeconds: 1, maxBackoffSeconds: 16)
        var last = RetryPolicy.Decision.stop(.succeeded)
        for _ in 0..<20 { last = policy.decide(.status(429, retryAfterSeconds: nil), now: 0, random: { 1 }) }
        #expect(last == .retry(afterSeconds: 16))
    }

    @Test func retryAfterIsHonouredInsteadOfTheBackoff() {
        var policy = RetryPolicy()
        #expect(policy.decide(.status(429, retryAfterSeconds: 7), now: 0, random: { 0.5 }) == .retry(afterSeconds: 7))
        #expect(policy.decide(.status(503, retryAfterSeconds: 0), now: 7, random: { 0.5 }) == .retry(afterSeconds: 0))
        #expect(RetryPolicy.retryAfterSeconds(" 3 ") == 3)
        #expect(RetryPolicy.retryAfterSeconds("Wed, 21 Oct 2015 07:28:00 GMT") == nil)
        #expect(RetryPolicy.retryAfterSeconds(nil) == nil)
    }

    @Test func transientTransportFailuresAreRetriedAndPermanentOnesAreNot() {
        var policy = RetryPolicy()
        #expect(policy.decide(.transportFailure(transient: true), now: 0, random: { 1 }) == .retry(afterSeconds: 0.5))
        #expect(policy.decide(.transportFailure(transient: false), now: 0, random: { 1 }) == .stop(.notRetryable))
        #expect(policy.attempts == 2)
    }

    @Test func stopsAfterMaxAttempts() {
        var policy = RetryPolicy(maxAttempts: 3)
        #expect(policy.decide(.status(503, retryAfterSeconds: 0), now: 0, random: { 0 }) == .retry(afterSeconds: 0))
        #expect(policy.decide(.status(503, retryAfterSeconds: 0), now: 0, random: { 0 }) == .retry(afterSeconds: 0))
        #expect(policy.decide(.status(503, retryAfterSeconds: 0), now: 0, random: { 0 }) == .stop(.attemptsExhausted))
        #expect(policy.attempts == 3)
    }

    @Test func stopsWhenTheNextWaitWouldPassTheTotalTime() {
        var policy = RetryPolicy(maxAttempts: 100, maxTotalSeconds: 60)
        policy.start(now: 1000)
        #expect(policy.decide(.status(503, retryAfterSeconds: 30), now: 1001, random: { 0 }) == .retry(afterSeconds: 30))
        #expect(policy.decide(.status(503, retryAfterSeconds: 30), now: 1031, random: { 0 }) == .stop(.timeExhausted))
    }

    @Test func neverRetriesWhenToldNot() {
        var policy = RetryPolicy.never
        #expect(policy.decide(.status(503, retryAfterSeconds: 0), now: 0, random: { 0 }) == .stop(.attemptsExhausted))
    }
}
