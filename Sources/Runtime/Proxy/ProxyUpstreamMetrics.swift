import Synchronization

/// Counters of one upstream, shared by every loop (relaxed atomics; the first-byte histogram
/// under an uncontended lock). Exposed in Prometheus and on the dashboard.
package final class ProxyUpstreamMetrics: Sendable {
    /// `api` for a backend, the URL for a URL upstream.
    package let label: String
    /// Responses relayed by status class (piloto's own 502/504 included).
    package let informational = Atomic(0)
    package let successful = Atomic(0)
    package let redirection = Atomic(0)
    package let clientErrors = Atomic(0)
    package let serverErrors = Atomic(0)
    /// Requests sent again on a fresh connection after a reused one failed before answering.
    package let retries = Atomic(0)
    /// Requests that had to wait for a refused connect to succeed (a backend restarting).
    package let holds = Atomic(0)
    /// 502 after `hold`, upstream errors and broken responses.
    package let badGateway = Atomic(0)
    /// 504: no response byte within `timeout`.
    package let timeouts = Atomic(0)
    /// Responses cut midway (upstream died or went silent past `idle_timeout`).
    package let aborted = Atomic(0)
    /// Requests whose client left before the response was complete.
    package let cancelled = Atomic(0)
    package let idleConnections = Atomic(0)
    package let openTunnels = Atomic(0)
    private let firstByte = Mutex(LatencyHistogram())

    package init(label: String) { self.label = label }

    func recordStatus(_ code: Int) {
        switch code {
        case ..<200: informational.add(1, ordering: .relaxed)
        case 200..<300: successful.add(1, ordering: .relaxed)
        case 300..<400: redirection.add(1, ordering: .relaxed)
        case 400..<500: clientErrors.add(1, ordering: .relaxed)
        default: serverErrors.add(1, ordering: .relaxed)
        }
    }

    func recordFirstByte(nanos: Int64) { firstByte.withLock { $0.record(nanos: nanos) } }

    /// Relayed responses by class, 1xx first (Prometheus `class` label order).
    package var responsesByClass: [(label: String, count: Int)] {
        [("1xx", informational.load(ordering: .relaxed)), ("2xx", successful.load(ordering: .relaxed)),
         ("3xx", redirection.load(ordering: .relaxed)), ("4xx", clientErrors.load(ordering: .relaxed)),
         ("5xx", serverErrors.load(ordering: .relaxed))]
    }

    package var firstByteHistogram: LatencyHistogram { firstByte.withLock { $0 } }
}
