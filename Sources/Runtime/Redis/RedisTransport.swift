/// What a `RedisConnection` runs on: one socket, one timer and a serial thread. The connection's
/// state machine (`RedisConnectionMachine`) is pure; a transport carries out its I/O actions and
/// reports socket events back, always on the transport's own thread.
///
/// The transport is `RedisLoopSocket` on a server event loop (`RedisLoopTransport`: a socket in
/// the loop's epoll set, the loop's timer sweep for `scheduleTimer`, the loop's mailbox for
/// `RedisTransportExecutor.execute`).
package protocol RedisTransport: AnyObject {
    /// The transport's monotonic clock; every event is stamped with it.
    var now: LoopInstant { get }
    /// Starts a non-blocking connect; the outcome comes back as `transportDidConnect` or
    /// `transport(_:connectFailed:)`, never from inside this call.
    func connect(host: String, port: Int)
    /// Queues bytes on the socket (sent in order, as the socket takes them).
    func write(_ bytes: [UInt8])
    /// Closes the socket, dropping what is queued; no event follows for it.
    func disconnect()
    /// One timer: replaces the previous one; `transportTimerFired` when it is due.
    func scheduleTimer(at instant: LoopInstant)
}

/// Socket events, delivered on the transport's thread (never re-entrantly from a `RedisTransport` call).
package protocol RedisTransportDelegate: AnyObject, Sendable {
    func transportDidConnect(_ transport: any RedisTransport)
    func transport(_ transport: any RedisTransport, connectFailed error: RedisLinkError)
    func transport(_ transport: any RedisTransport, received bytes: UnsafeRawBufferPointer)
    /// EOF or an I/O error on a connected socket.
    func transport(_ transport: any RedisTransport, closed error: RedisLinkError)
    func transportTimerFired(_ transport: any RedisTransport)
}

/// The thread-safe side of a transport: how other threads get work onto its thread.
package protocol RedisTransportExecutor: Sendable {
    /// Runs `work` on the transport's thread, in submission order. False once `shutdown` was called
    /// (the work is dropped).
    @discardableResult
    func execute(_ work: @escaping @Sendable (any RedisTransport) -> Void) -> Bool
    /// Runs what was submitted before, then releases the socket. Returns at once.
    func shutdown()
}
