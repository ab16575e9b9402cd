import PilotoRuntime
import Synchronization

/// A clock that only moves when told to (tests of expiry and rate-limit windows).
package final class ManualWallClock: WallClock {
    private let now: Atomic<Int64>

    package init(_ start: Int64 = 1_700_000_000_000) { now = Atomic(start) }

    package func nowUnixMilliseconds() -> Int64 { now.load(ordering: .acquiring) }

    package func advance(milliseconds: Int64) { now.add(milliseconds, ordering: .acquiringAndReleasing) }
}
