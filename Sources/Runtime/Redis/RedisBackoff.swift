/// Reconnect delays: exponential from `initial` to `cap`, with "equal jitter" (half fixed, half
/// random) so a fleet of instances that lost Redis together does not reconnect in lockstep
/// (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
package struct RedisBackoff: Sendable {
    package let initial: Int64
    package let cap: Int64
    package private(set) var attempt = 0

    package init(initial: Int64, cap: Int64) {
        self.initial = max(1, initial)
        self.cap = max(self.initial, cap)
    }

    /// The delay before the next attempt; each call counts one more failure.
    package mutating func nextDelay<R: RandomNumberGenerator>(using random: inout R) -> Int64 {
        let exponent = min(attempt, 30)
        attempt += 1
        let ceiling = min(cap, initial << exponent)
        let half = ceiling / 2
        return half + Int64.random(in: 0...(ceiling - half), using: &random)
    }

    package mutating func nextDelay() -> Int64 {
        var generator = SystemRandomNumberGenerator()
        return nextDelay(using: &generator)
    }

    /// A successful handshake: the next failure starts from `initial` again.
    package mutating func reset() { attempt = 0 }
}
