import PilotoHTTPCore

/// Whoever is using an upstream connection right now: the exchange of one request, or the pool
/// while the connection is idle. Loop-confined.
protocol UpstreamOwner: AnyObject {
    func upstreamReady(_ connection: UpstreamConnection, events: UInt32, now: Int64)
    func upstreamTick(_ connection: UpstreamConnection, now: Int64)
}

/// One TCP connection to an upstream, watched by the loop that opened it. It only forwards
/// readiness to its current owner; the HTTP state lives in the owner (`ProxyExchange`).
final class UpstreamConnection: LoopSocketHandler {
    let fd: Int32
    let sockets: LoopSockets
    /// Strong, not weak: a weak reference gives every `ProxyExchange` a side table (an allocation,
    /// and slow-path reference counting for its whole life), one per proxied request. The cycle
    /// owner ⇄ connection is broken where the connection is handed on or ends: `close()` clears
    /// it, the pool takes it over (`put`/`take`), a tunnel takes it over; every path that drops a
    /// connection must close it anyway (its descriptor is in the loop's table).
    var owner: (any UpstreamOwner)?
    /// Requests this connection already carried (0: fresh, never reused).
    var requestsServed = 0
    /// When it went back to the pool (idle-out).
    var idleSince: Int64 = 0
    /// EPOLLOUT is registered (a pending connect or a blocked write).
    private(set) var watchingWrites: Bool
    private(set) var isClosed = false

    init(fd: Int32, sockets: LoopSockets, watchingWrites: Bool) {
        self.fd = fd
        self.sockets = sockets
        self.watchingWrites = watchingWrites
    }

    func socketReady(events: UInt32, now: Int64) { owner?.upstreamReady(self, events: events, now: now) }
    func tick(now: Int64) { owner?.upstreamTick(self, now: now) }

    func watchWrites(_ on: Bool) {
        guard on != watchingWrites, !isClosed else { return }
        watchingWrites = on
        sockets.watchWrites(fd, on)
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        owner = nil
        sockets.close(fd)
    }
}
