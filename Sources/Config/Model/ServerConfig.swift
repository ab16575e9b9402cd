/// `server:` — how `piloto serve` listens, limits clients and shuts down.
package struct ServerConfig: Sendable, Equatable {
    /// Listen port; the `PORT` environment variable wins at run time.
    package var port: Int
    /// Time from SIGTERM to exit; below Cloud Run's 10 s.
    package var shutdownGrace: TimeSpan
    /// Per-request access log lines (Cloud Run already logs every request).
    package var accessLog: Bool
    package var limits: ServerLimits
    /// Added to every response, in file order.
    package var headers: [HeaderField]
    /// Worker event loops; 0 means one per CPU core.
    package var workers: Int
    /// How many proxies in front of piloto append to `X-Forwarded-For` (Cloud Run's front end: 1):
    /// the client address is that many entries from the right; 0 trusts none (the socket peer).
    package var trustedHops: Int = 1
}

/// `server.limits:` — every limit on what a client controls.
package struct ServerLimits: Sendable, Equatable {
    /// Request line plus all header lines; beyond → 431 (request line alone beyond → 414).
    package var headerBytes: ByteSize
    /// Request body; beyond → 413.
    package var bodyBytes: ByteSize
    /// Time to receive a complete request head; beyond → 408.
    package var headerTimeout: TimeSpan
    /// Keep-alive idle time between requests before the connection is closed.
    package var idleTimeout: TimeSpan
    /// Open connections per instance; beyond, new connections wait in the backlog.
    package var maxConnections: Int
    /// Time to receive a complete request body once the head is read; beyond → 408.
    package var bodyTimeout: TimeSpan
    /// Header fields per request; beyond → 431.
    package var maxHeaderCount: Int
}

/// One `Name: value` pair, kept in the order written.
package struct HeaderField: Sendable, Equatable, Hashable {
    package var name: String
    package var value: String
}
