import PilotoConfig

/// The `run:` backends of a config by name, with their live status: what readiness reports and
/// what the proxy reads before connecting (`health(named:)?.isReady`).
///
/// Built once from the config; the set never changes while piloto runs, only each entry's status.
/// Backends without `run:` (a sidecar or any service piloto does not start) have no entry: piloto
/// knows nothing of their state and the proxy just connects.
package struct BackendDirectory: Sendable {
    /// In `backends:` file order (readiness names the first one that is down).
    package let entries: [BackendHealth]
    private let byName: [String: BackendHealth]

    /// One entry per backend with a non-empty `run:`.
    package init(backends: [Backend]) {
        let entries = backends.filter { !$0.run.isEmpty }.map { BackendHealth(name: $0.name, port: $0.port) }
        self.entries = entries
        byName = Dictionary(entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// No backends: readiness is unaffected.
    package static let empty = BackendDirectory(backends: [])

    /// The status of a backend piloto runs; nil for a name it does not run.
    package func health(named name: String) -> BackendHealth? { byName[name] }

    /// Non-nil while some backend has neither passed a health check yet nor failed: readiness then
    /// answers 503 `starting`, so a startup probe on the readiness path holds traffic back until
    /// the backends are up. It ends by itself: a backend that exits or stays unhealthy past its
    /// start window turns `down`, and readiness becomes 200 `degraded`.
    package var startingReason: String? {
        let waiting = entries.filter { $0.status == .starting }.map(\.name)
        guard !waiting.isEmpty else { return nil }
        return "waiting for backend " + waiting.joined(separator: ", ")
    }

    /// Why the instance is degraded because of a backend (the first one down, in file order), or nil.
    package var degradedReason: String? {
        for entry in entries {
            if case .down(let reason) = entry.status { return "backend \(entry.name): \(reason)" }
        }
        return nil
    }
}
