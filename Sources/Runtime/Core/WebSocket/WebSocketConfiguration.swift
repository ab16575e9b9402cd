/// Limits and timers of one WebSocket connection (STYLE §6.3 table), with documented defaults.
package struct WebSocketConfiguration: Sendable, Equatable {
    /// Largest payload one frame may declare; checked from the header → 1009. Default 1 MiB, equal to
    /// the message limit, because a single frame may carry a whole message.
    package var maxFrameSize: Int = 1 << 20
    /// Largest message after joining fragments (`max_message` of the route) → 1009. Default 1 MiB.
    package var maxMessageSize: Int = 1 << 20
    /// Fragments per message → 1009. Bounds the per-message work of a tiny-fragment flood.
    package var maxFragments: Int = 1024
    /// Smallest non-final fragment → 1008. 0 (off) by default: see `WebSocketMessageAssembler`.
    package var minNonFinalFragmentSize: Int = 0
    /// Keepalive ping period; nil disables pings. 30 s keeps NATs and load balancers from idling
    /// the connection and is far below Cloud Run's request timeout.
    package var pingInterval: Duration? = .seconds(30)
    /// After a ping, the time allowed for *any* bytes from the peer (a pong or other traffic) before
    /// the connection is closed with 1001 and dropped.
    package var pongTimeout: Duration = .seconds(30)
    /// After we send a close frame, how long to wait for the peer's close before dropping TCP.
    package var closeTimeout: Duration = .seconds(5)
    /// When set, the server sends close 1001 this long after the upgrade, before Cloud Run's request
    /// timeout cuts the connection without a close frame; clients then reconnect cleanly.
    package var maxLifetime: Duration? = nil
    /// Bytes handed to the driver but not yet reported written (`didWrite`). A data message that
    /// would push the queue past this mark is dropped and the connection closed with 1008: the client
    /// is not reading, and buffering without bound would let one slow client exhaust memory.
    package var highWaterMark: Int = 1 << 20

    package init() {}
}
