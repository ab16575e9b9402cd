import Synchronization

/// Connection counts shared by every loop: `active` gates `max_connections` (so the core owns it);
/// the application reads all three for its metrics.
package final class ConnectionCounters: Sendable {
    package let active = Atomic<Int>(0)
    package let accepted = Atomic<Int>(0)
    /// Times a connection stopped taking requests because its client was not reading its responses.
    package let backpressurePauses = Atomic<Int>(0)

    package init() {}
}
