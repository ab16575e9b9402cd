import Glibc

/// Milliseconds on a monotonic clock: deadlines never jump with wall-clock changes.
/// Injected into the connection state machine so tests move time by hand.
package protocol MonotonicClock: Sendable {
    func nowMilliseconds() -> Int64
}

/// CLOCK_MONOTONIC.
package struct SystemClock: MonotonicClock {
    package init() {}

    package func nowMilliseconds() -> Int64 { Self.milliseconds(on: CLOCK_MONOTONIC) }

    /// Milliseconds on `clock`: the one conversion behind the monotonic and the wall clock.
    package static func milliseconds(on clock: clockid_t) -> Int64 {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// Nanoseconds, for request latency.
    package static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    /// Wall-clock seconds since the epoch (for the Date header).
    package static func epochSeconds() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &ts)
        return Int(ts.tv_sec)
    }
}
