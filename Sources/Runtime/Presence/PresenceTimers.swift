import Dispatch
import Synchronization

/// Wall-clock time and one-shot timers for presence (debounced leaves, refreshes, sweeps).
///
/// Why wall-clock: `since` and the expiry scores in Redis are compared across instances, so they
/// cannot be one process's monotonic clock. Why injected: tests move time with `ManualPresenceTimers`
/// and fire what is due, without sleeping. A timer cannot be cancelled: every owner's handler
/// re-checks what is due at the time it runs, so a stale firing does nothing.
package protocol PresenceTimers: Sendable {
    /// Unix milliseconds now.
    func nowMilliseconds() -> Int64
    /// Runs `work` once, at or soon after `deadline` (unix ms), on an arbitrary thread.
    func schedule(at deadline: Int64, _ work: @escaping @Sendable () -> Void)
}

/// The server's timers: a serial Dispatch queue, as the runtime's other background work
/// (`UserDirectory`'s poll) uses.
package struct DispatchPresenceTimers: PresenceTimers {
    private let queue: DispatchQueue
    private let clock = SystemWallClock()

    package init(label: String = "piloto-presence") { queue = DispatchQueue(label: label) }

    package func nowMilliseconds() -> Int64 { clock.nowUnixMilliseconds() }

    package func schedule(at deadline: Int64, _ work: @escaping @Sendable () -> Void) {
        let delay = max(0, deadline - nowMilliseconds())
        queue.asyncAfter(deadline: .now() + .milliseconds(Int(min(delay, Int64(Int32.max)))), execute: work)
    }
}

/// Time that moves only when told to; `advance` runs every timer that came due, in deadline order
/// (ties in the order they were scheduled). For tests, and deterministic by construction.
package final class ManualPresenceTimers: PresenceTimers {
    private struct Pending {
        var deadline: Int64
        var order: Int
        var work: @Sendable () -> Void
    }

    private struct State {
        var now: Int64
        var pending: [Pending] = []
        var scheduled = 0
    }

    private let state: Mutex<State>

    package init(start: Int64 = 1_700_000_000_000) { state = Mutex(State(now: start)) }

    package func nowMilliseconds() -> Int64 { state.withLock { $0.now } }

    package func schedule(at deadline: Int64, _ work: @escaping @Sendable () -> Void) {
        state.withLock { s in
            s.pending.append(Pending(deadline: deadline, order: s.scheduled, work: work))
            s.scheduled += 1
        }
    }

    /// Timers waiting to run.
    package var pendingCount: Int { state.withLock { $0.pending.count } }

    /// Moves time forward by `milliseconds`, running each timer due on the way at its own deadline
    /// (a timer scheduled by a running one runs too if it falls inside the step).
    package func advance(milliseconds: Int64) {
        let target = state.withLock { $0.now + max(0, milliseconds) }
        while true {
            let next: Pending? = state.withLock { s in
                guard let index = s.pending.indices.filter({ s.pending[$0].deadline <= target })
                    .min(by: { (s.pending[$0].deadline, s.pending[$0].order) < (s.pending[$1].deadline, s.pending[$1].order) })
                else {
                    s.now = target
                    return nil
                }
                let due = s.pending.remove(at: index)
                s.now = max(s.now, due.deadline)
                return due
            }
            guard let next else { return }
            next.work()
        }
    }
}
