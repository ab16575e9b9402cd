/// What an upgraded connection wants after handling an event.
package enum UpgradeDisposition: Sendable, Equatable {
    case keepOpen
    /// Send what is queued, then close.
    case closeWhenFlushed
    /// Close at once (protocol violation, nothing worth sending).
    case closeNow
}

/// A protocol that owns a connection after `101 Switching Protocols` (RFC 9110 §7.8), e.g. a
/// WebSocket session. It lives on the connection's event loop and is only called from that loop's
/// thread, so it may keep mutable state without locks; it never sees the socket, only bytes in and
/// an `OutputQueue` to append to (one `writev` per event, as for HTTP).
package protocol UpgradedConnection: AnyObject {
    /// Bytes from the peer. The first call carries any bytes the client sent right after the
    /// upgrade request (read together with it, so they must not be lost).
    func received(_ bytes: UnsafeRawBufferPointer, now: Int64, output: inout OutputQueue) -> UpgradeDisposition
    /// Called on every timer sweep (~100 ms): pings, pong and close deadlines.
    func tick(now: Int64, output: inout OutputQueue) -> UpgradeDisposition
    /// Bytes another thread posted with `Server.deliver(_:to:)` (e.g. a channel broadcast).
    func delivered(_ payload: [UInt8], now: Int64, output: inout OutputQueue) -> UpgradeDisposition
    /// The server started draining (SIGTERM): e.g. send close 1001 "going away".
    func drain(now: Int64, output: inout OutputQueue) -> UpgradeDisposition
    /// The peer closed its side or the connection failed; release resources.
    func closed()
}

/// Creates the upgraded connection once its `101` response is queued.
package protocol ConnectionUpgrader: Sendable {
    /// - Parameter handle: how other threads reach this connection (`Server.deliver`).
    func makeConnection(for request: HTTPRequest, handle: ConnectionHandle) -> any UpgradedConnection
}
