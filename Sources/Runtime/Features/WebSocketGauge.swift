import Synchronization

/// Live WebSocket sessions, how long finished ones lasted, the most open at once and how long at
/// least one was open, for the dashboard and its cost estimate (an instance holding any open
/// WebSocket is billed as active). Counts are lock-free; the occupancy clock takes one
/// uncontended lock per open and close, never per message.
package final class WebSocketGauge: Sendable {
    private let active = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let finishedMilliseconds = Atomic<Int>(0)
    private let occupancy = Mutex(Occupancy())
    private let clock: any MonotonicClock

    /// How many are open, the peak, and the time with at least one open (closed stretches summed,
    /// plus the current one from `openSince`).
    struct Occupancy {
        var open = 0
        var peak = 0
        var occupiedMilliseconds: Int64 = 0
        var openSince: Int64?
    }

    package init(clock: any MonotonicClock = SystemClock()) { self.clock = clock }

    package func opened() {
        active.wrappingAdd(1, ordering: .relaxed)
        let now = clock.nowMilliseconds()
        occupancy.withLock { o in
            o.open += 1
            o.peak = max(o.peak, o.open)
            if o.open == 1 { o.openSince = now }
        }
    }

    package func closed(durationMilliseconds: Int64) {
        active.wrappingSubtract(1, ordering: .relaxed)
        finished.wrappingAdd(1, ordering: .relaxed)
        finishedMilliseconds.wrappingAdd(Int(clamping: max(0, durationMilliseconds)), ordering: .relaxed)
        let now = clock.nowMilliseconds()
        occupancy.withLock { o in
            guard o.open > 0 else { return }
            o.open -= 1
            if o.open == 0, let since = o.openSince {
                o.occupiedMilliseconds += max(0, now - since)
                o.openSince = nil
            }
        }
    }

    package struct Snapshot: Sendable, Equatable {
        package var active: Int
        package var finished: Int
        /// Mean duration of the sessions that have ended, in milliseconds (0 when none has).
        package var meanDurationMilliseconds: Double
        /// The most WebSockets open at once since start.
        package var peak: Int = 0
        /// Milliseconds since start with at least one WebSocket open (the current stretch included).
        package var occupiedMilliseconds: Int64 = 0
    }

    package func snapshot() -> Snapshot {
        let count = finished.load(ordering: .relaxed)
        let total = finishedMilliseconds.load(ordering: .relaxed)
        let now = clock.nowMilliseconds()
        let (peak, occupied) = occupancy.withLock { o in
            (o.peak, o.occupiedMilliseconds + (o.openSince.map { max(0, now - $0) } ?? 0))
        }
        return Snapshot(
            active: active.load(ordering: .relaxed), finished: count,
            meanDurationMilliseconds: count == 0 ? 0 : Double(total) / Double(count),
            peak: peak, occupiedMilliseconds: occupied)
    }
}
