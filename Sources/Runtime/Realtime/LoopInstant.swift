/// The event loop's monotonic milliseconds as an `InstantProtocol`, so the pure
/// `WebSocketConnection` (generic over its clock) runs on the same clock as the loop's timer sweep.
package struct LoopInstant: InstantProtocol, Sendable {
    package var milliseconds: Int64

    package func advanced(by duration: Duration) -> LoopInstant {
        let (seconds, attoseconds) = duration.components
        return LoopInstant(milliseconds: milliseconds &+ seconds &* 1000 &+ attoseconds / 1_000_000_000_000_000)
    }

    package func duration(to other: LoopInstant) -> Duration { .milliseconds(other.milliseconds - milliseconds) }

    package static func < (a: LoopInstant, b: LoopInstant) -> Bool { a.milliseconds < b.milliseconds }
}
