/// A complete request as handlers see it: head, normalized target, body, and who sent it.
package struct HTTPRequest: Sendable {
    package var head: HTTPRequestHead
    /// Percent-decoded once, dot segments removed (see `RequestTarget`).
    package var path: String
    package var query: String?
    package var body: [UInt8]
    package var remote: SocketAddress
    /// Monotonic nanoseconds when the loop woke up to read the request (for latency; see
    /// `EventLoop.wokeAtNanos`).
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

    package var method: String { head.method }
    /// A call that returns a copy from another module (a retain and release per array of the
    /// headers): hot code there reads `head.headers`, a stored property, in place.
    package var headers: HTTPHeaders { head.headers }
}
