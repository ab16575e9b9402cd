import PilotoHTTPCore
import Synchronization

/// Kept-alive idle connections to one upstream, on one loop (no locks: loop-confined).
///
/// The classic keep-alive race: uvicorn closes a connection idle for 5 s, and a proxy that sends a
/// request on it at that moment gets a reset and answers 502. So connections idle out here first
/// (`idleTimeout`, below common backend defaults), a connection idle for `peekAfter` or longer is
/// checked for a FIN or stray bytes before reuse (`Socket.isStale`), and only requests that may be
/// replayed ever use a pooled one (`ProxyExchange` replays those on a fresh connection if the
/// reused one fails before answering).
final class UpstreamPool: UpstreamOwner {
    private var idle: [UpstreamConnection] = []
    let maxIdle: Int
    let idleTimeout: Int64
    private let gauge: ProxyUpstreamMetrics
    /// Below this idle time (ms) the staleness peek is skipped. Why: under load a connection is
    /// idle for microseconds, and the peek was one `recv(MSG_PEEK)` per proxied request for a
    /// close no backend makes that soon (idle timeouts are seconds: uvicorn 5 s, gunicorn 2 s). A
    /// FIN the loop already saw removed the connection (`upstreamReady`); one that lands in between
    /// costs a replay on a fresh connection, which only replayable requests can need.
    static let peekAfter: Int64 = 100

    init(maxIdle: Int, idleTimeout: Int64, metrics: ProxyUpstreamMetrics) {
        self.maxIdle = maxIdle
        self.idleTimeout = idleTimeout
        gauge = metrics
    }

    /// The most recently used live connection, or nil.
    func take(now: Int64) -> UpstreamConnection? {
        while let connection = idle.popLast() {
            gauge.idleConnections.subtract(1, ordering: .relaxed)
            let idleFor = now - connection.idleSince
            if idleFor < idleTimeout && (idleFor < Self.peekAfter || !Socket.isStale(connection.fd)) {
                connection.owner = nil
                return connection
            }
            connection.close()
        }
        return nil
    }

    /// A connection whose last response was read completely, with nothing unread after it.
    func put(_ connection: UpstreamConnection, now: Int64) {
        guard !connection.isClosed else { return }
        guard idle.count < maxIdle else { return connection.close() }
        connection.watchWrites(false)
        connection.idleSince = now
        connection.owner = self
        idle.append(connection)
        gauge.idleConnections.add(1, ordering: .relaxed)
    }

    /// An idle connection spoke: the upstream closed it (or sent bytes nobody asked for).
    func upstreamReady(_ connection: UpstreamConnection, events: UInt32, now: Int64) {
        remove(connection)
    }

    func upstreamTick(_ connection: UpstreamConnection, now: Int64) {
        if now - connection.idleSince >= idleTimeout { remove(connection) }
    }

    private func remove(_ connection: UpstreamConnection) {
        if let index = idle.firstIndex(where: { $0 === connection }) {
            idle.remove(at: index)
            gauge.idleConnections.subtract(1, ordering: .relaxed)
        }
        connection.close()
    }
}
