/// A response the application streams itself, on the connection's loop, instead of handing the
/// core a finished one: a reverse proxy relaying an upstream response as it arrives, or a
/// WebSocket tunnel after the upstream's `101`. The core keeps the connection, its output queue,
/// back-pressure, timers and the observer; the exchange decides what bytes go out and when the
/// response is over (`ExchangeLink`).
///
/// While an exchange runs, the connection reads no further requests (as for a deferred answer),
/// so pipelined responses stay in order.
package protocol ClientExchange: AnyObject {
    /// The client's output drained below the high-water mark after `ExchangeLink.notifyWhenWritable`.
    func clientWritable(now: Int64)
    /// The client went away (hang-up, reset, failed write, slow-reader timeout): cancel everything.
    /// The link is dead when this is called.
    func clientClosed()
    /// Every timer sweep (~100 ms).
    func tick(now: Int64)
    /// The server started draining (SIGTERM): the exchange should finish soon.
    func drain(now: Int64)
    /// A piece of a streamed request body (`HTTPResponder.streamsRequestBody`), in order.
    func requestBodyReceived(_ bytes: [UInt8], now: Int64)
    /// The streamed body is complete (`aborted`: it broke midway and must not be completed).
    func requestBodyEnded(aborted: Bool, now: Int64)
}

extension ClientExchange {
    package func requestBodyReceived(_ bytes: [UInt8], now: Int64) {}
    package func requestBodyEnded(aborted: Bool, now: Int64) {}
}

/// What a responder returns to start an exchange: called once, on the loop, with the link.
package protocol ExchangeStarter: Sendable {
    func start(_ request: HTTPRequest, link: ExchangeLink) -> any ClientExchange
}
