import Synchronization

/// Process-wide flags shared by the loops and handlers.
package final class ServerState: Sendable {
    private let drainingFlag = Atomic<Bool>(false)

    package init() {}

    package var draining: Bool { drainingFlag.load(ordering: .acquiring) }

    /// Returns true the first time only.
    package func startDraining() -> Bool {
        !drainingFlag.exchange(true, ordering: .acquiringAndReleasing)
    }
}
