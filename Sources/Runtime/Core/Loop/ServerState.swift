import Synchronization

/// Process-wide flags shared by the loops and handlers.
package final class ServerState: Sendable {
    private let drainingFlag = Atomic<Bool>(false)
    private let degradedSources = Mutex<[@Sendable () -> String?]>([])

    package init() {}

    package var draining: Bool { drainingFlag.load(ordering: .acquiring) }

    /// Registers a backing service's health (e.g. `{ store.degradedReason }`); readiness reports the
    /// first non-nil reason, in registration order.
    package func addDegradedSource(_ source: @escaping @Sendable () -> String?) {
        degradedSources.withLock { $0.append(source) }
    }

    /// Nil while every registered service is healthy; otherwise why the instance is degraded.
    package var degradedReason: String? {
        let sources = degradedSources.withLock { $0 }
        for source in sources { if let reason = source() { return reason } }
        return nil
    }

    /// Returns true the first time only.
    package func startDraining() -> Bool {
        !drainingFlag.exchange(true, ordering: .acquiringAndReleasing)
    }
}
