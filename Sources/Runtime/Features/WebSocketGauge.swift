import Synchronization

/// Live WebSocket sessions and how long finished ones lasted, for the dashboard. Lock-free: every
/// loop updates it when a WebSocket opens or closes.
package final class WebSocketGauge: Sendable {
    private let active = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let finishedMilliseconds = Atomic<Int>(0)

    package init() {}

    package func opened() { active.wrappingAdd(1, ordering: .relaxed) }

    package func closed(durationMilliseconds: Int64) {
        active.wrappingSubtract(1, ordering: .relaxed)
        finished.wrappingAdd(1, ordering: .relaxed)
        finishedMilliseconds.wrappingAdd(Int(clamping: max(0, durationMilliseconds)), ordering: .relaxed)
    }

    package struct Snapshot: Sendable, Equatable {
        package var active: Int
        package var finished: Int
        /// Mean duration of the sessions that have ended, in milliseconds (0 when none has).
        package var meanDurationMilliseconds: Double
    }

    package func snapshot() -> Snapshot {
        let count = finished.load(ordering: .relaxed)
        let total = finishedMilliseconds.load(ordering: .relaxed)
        return Snapshot(
            active: active.load(ordering: .relaxed), finished: count,
            meanDurationMilliseconds: count == 0 ? 0 : Double(total) / Double(count))
    }
}
