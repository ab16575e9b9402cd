/// The one seam between the core and the application: the loop hands every complete request to
/// an `HTTPResponder` and knows nothing of routes, files or sessions. A thrown `HTTPError` is
/// turned into its response by the loop, in one place (`HTTPError.response`).
package protocol HTTPResponder: Sendable {
    /// Answers `request`, on the loop's thread: in-memory work only; slow work answers
    /// `.deferred` and completes the promise from elsewhere.
    /// - Parameter context: which connection asked; the responder sets `route` for the observer.
    func respond(to request: HTTPRequest, context: inout RequestContext) throws(HTTPError) -> RouteResponse

    /// True when this request's body should reach the responder as it arrives instead of buffered
    /// whole: it is then dispatched with an empty body at the end of its head, and the pieces go to
    /// the `ClientExchange` it answers with (`requestBodyReceived`). Asked on the loop's thread.
    func streamsRequestBody(_ head: HTTPRequestHead, path: String) -> Bool
}

extension HTTPResponder {
    package func streamsRequestBody(_ head: HTTPRequestHead, path: String) -> Bool { false }
}

/// What the core knows about a request besides its bytes, and what the responder tells the
/// observer back (the route label). A value on the loop's stack: no allocation per request.
package struct RequestContext: Sendable {
    /// The loop serving the connection (index into the server's loops).
    package let loop: Int
    /// How other threads reach the connection (upgrades, deliveries, closing).
    package let connection: ConnectionHandle
    /// The route that answered, in the application's numbering (a metrics label); nil: none.
    package var route: Int?

    package init(loop: Int, connection: ConnectionHandle, route: Int? = nil) {
        self.loop = loop
        self.connection = connection
        self.route = route
    }
}

/// Told about every answered or refused request, on the loop's thread, after its bytes are
/// queued: metrics, country labels and the access log live behind it, not in the loop.
package protocol RequestObserver: Sendable {
    /// A request was answered; `bytes` is what was queued for it (head and body).
    func completed(_ request: HTTPRequest, context: RequestContext, status: HTTPStatus, bytes: Int, nanos: Int64)
    /// Bytes that never became a request were refused (parse error, bad target); the connection closes.
    func rejected(status: HTTPStatus, reason: HTTPRejection?, remote: SocketAddress, loop: Int)
    /// A loop-level syscall failed (`epoll_wait`, `accept`): the server keeps running if it can.
    func loopFailed(_ operation: String, errno: Int32)
}
