import Testing
@testable import PilotoRuntime
import PilotoTestKit

struct LoginRateLimiterTests {
    @Test func blocksAtLimit_untilWindowEnds() {
        let clock = ManualWallClock()
        let limiter = LoginRateLimiter(limit: 3, windowMilliseconds: 60_000, clock: clock)
        for _ in 0..<2 { limiter.recordFailure("k") }
        #expect(limiter.retryAfterSeconds("k") == nil)
        clock.advance(milliseconds: 10_000)
        limiter.recordFailure("k")
        #expect(limiter.retryAfterSeconds("k") == 50)
        clock.advance(milliseconds: 49_500)
        #expect(limiter.retryAfterSeconds("k") == 1)
        clock.advance(milliseconds: 500)
        #expect(limiter.retryAfterSeconds("k") == nil)
        limiter.recordFailure("k")  // a new window
        #expect(limiter.retryAfterSeconds("k") == nil)
    }

    @Test func reset_clearsKey_othersUntouched() {
        let limiter = LoginRateLimiter(limit: 1, clock: ManualWallClock())
        limiter.recordFailure("a")
        limiter.recordFailure("b")
        limiter.reset("a")
        #expect(limiter.retryAfterSeconds("a") == nil)
        #expect(limiter.retryAfterSeconds("b") != nil)
    }

    @Test func memoryIsBounded_oldestEvicted() {
        let clock = ManualWallClock()
        let limiter = LoginRateLimiter(limit: 1, windowMilliseconds: 60_000, capacity: 100, clock: clock)
        for index in 0..<1000 {
            limiter.recordFailure("key\(index)")
            clock.advance(milliseconds: 1)
            #expect(limiter.trackedKeys <= 100)
        }
        #expect(limiter.retryAfterSeconds("key999") != nil)  // the newest survive
        #expect(limiter.retryAfterSeconds("key0") == nil)
    }
}

extension LoginRateLimiterTests {
    @Test func forgive_takesBackOneFailure() {
        let limiter = LoginRateLimiter(limit: 2, clock: ManualWallClock())
        limiter.recordFailure("k")
        limiter.recordFailure("k")
        #expect(limiter.retryAfterSeconds("k") != nil)
        limiter.forgive("k")
        #expect(limiter.retryAfterSeconds("k") == nil)
        limiter.forgive("k")
        #expect(limiter.trackedKeys == 0)
        limiter.forgive("never-seen")
        #expect(limiter.trackedKeys == 0)
    }
}
