import Synchronization

/// Where one `run:` backend stands, as readiness and the proxy see it.
///
/// `starting` exists only until the first health check passes (or the backend fails): after that a
/// backend is `ready` or `down`, and a restart in progress is `down` ("exited …; restarting") until
/// its health check passes again, so readiness says `degraded` and never goes back to 503.
package enum BackendStatus: Sendable, Equatable {
    case starting
    case ready
    case down(String)
}

/// The live status of one backend, written by its supervisor thread and read from any thread.
///
/// `isReady` is one atomic load, cheap enough for the proxy to consult on every request (`hold`
/// versus connect); `status` takes a lock and carries the reason, for readiness and logs.
package final class BackendHealth: Sendable {
    /// The key under `backends:`.
    package let name: String
    /// Where it listens on 127.0.0.1.
    package let port: Int
    private let readyFlag = Atomic<Bool>(false)
    private let failureCount = Atomic<Int>(0)
    private let state = Mutex<(status: BackendStatus, everReady: Bool)>((.starting, false))

    package init(name: String, port: Int) {
        self.name = name
        self.port = port
    }

    /// True while the last health check passed.
    package var isReady: Bool { readyFlag.load(ordering: .acquiring) }

    package var status: BackendStatus { state.withLock { $0.status } }

    /// Exits and failed starts so far (a counter for metrics and the dashboard).
    package var failures: Int { failureCount.load(ordering: .relaxed) }

    /// Counts one exit or failed start.
    package func countFailure() { failureCount.add(1, ordering: .relaxed) }

    /// True once any health check passed since piloto started (readiness stops saying `starting`).
    package var wasReadyOnce: Bool { state.withLock { $0.everReady } }

    /// Sets the status and returns the previous one, so callers log transitions, not every probe.
    @discardableResult
    package func update(_ status: BackendStatus) -> BackendStatus {
        let previous = state.withLock { s -> BackendStatus in
            let previous = s.status
            s.status = status
            if status == .ready { s.everReady = true }
            return previous
        }
        readyFlag.store(status == .ready, ordering: .releasing)
        return previous
    }
}
