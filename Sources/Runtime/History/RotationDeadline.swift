/// When the server closes a socket with 1001 itself, before Cloud Run would cut it.
///
/// `request_timeout − rotate_before_timeout` after the upgrade, jittered by up to ± 10 % of that
/// interval and at most ± 2 minutes, so the reconnects of sockets opened together (after a
/// redeploy) spread out. The jitter is an injected number in −1…1 (tests pass exact values).
/// Never later than 1 s before the timeout, never earlier than 1 s after the upgrade.
package enum RotationDeadline {
    package static let maxJitterMilliseconds: Int64 = 120_000

    package static func delayMilliseconds(requestTimeout: Int64, rotateBefore: Int64, jitter unit: Double) -> Int64 {
        let base = requestTimeout - rotateBefore
        guard base > 0 else { return max(1000, requestTimeout - 1000) }
        let spread = min(base / 10, maxJitterMilliseconds)
        let clampedUnit = unit.isFinite ? min(1, max(-1, unit)) : 0
        let delay = base + Int64((Double(spread) * clampedUnit).rounded())
        return min(max(delay, 1000), max(1000, requestTimeout - 1000))
    }

    /// A uniform jitter unit from `generator`.
    package static func jitterUnit<G: RandomNumberGenerator>(using generator: inout G) -> Double {
        Double.random(in: -1...1, using: &generator)
    }
}
