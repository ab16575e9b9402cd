/// A complete request as handlers see it: head, normalized target, body, and who sent it.
package struct HTTPRequest: Sendable {
    package var head: HTTPRequestHead
    /// Percent-decoded once, dot segments removed (see `RequestTarget`).
    package var path: String
    package var query: String?
    package var body: [UInt8]
    package var remote: SocketAddress
    /// Monotonic nanoseconds when the head was complete (for latency).
    package var startNanos: Int64

    package init(
        head: HTTPRequestHead, path: String, query: String?, body: [UInt8], remote: SocketAddress, startNanos: Int64
    ) {
        self.head = head
        self.path = path
        self.query = query
        self.body = body
        self.remote = remote
        self.startNanos = startNanos
    }

    /// Inlinable: read in place by callers in other modules, not returned as a copy (a retain
    /// and release per read; `perf` showed the getter on the proxy path).
    @inlinable package var method: String { head.method }
    @inlinable @inline(__always) package var headers: HTTPHeaders { head.headers }
}
