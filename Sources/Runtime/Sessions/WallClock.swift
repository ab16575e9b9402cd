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

/// A clock that only moves when told to (tests of expiry and rate-limit windows).
package final class ManualWallClock: WallClock {
    private let now: Atomic<Int64>

    package init(_ start: Int64 = 1_700_000_000_000) { now = Atomic(start) }

    package func nowUnixMilliseconds() -> Int64 { now.load(ordering: .acquiring) }

    package func advance(milliseconds: Int64) { now.add(milliseconds, ordering: .acquiringAndReleasing) }
}
