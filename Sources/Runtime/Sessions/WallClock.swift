import Glibc
import Synchronization

/// Unix milliseconds for session timestamps (`Session.createdAt`/`expiresAt` are wall-clock, so a
/// Redis store shared by several instances agrees on them). Injected so tests move time by hand.
package protocol WallClock: Sendable {
    func nowUnixMilliseconds() -> Int64
}

/// CLOCK_REALTIME.
package struct SystemWallClock: WallClock {
    package init() {}

    package func nowUnixMilliseconds() -> Int64 { SystemClock.milliseconds(on: CLOCK_REALTIME) }
}
