/// The pub/sub side: a dedicated connection (RESP2 puts a connection that has subscribed into a
/// mode where only (P)SUBSCRIBE/UNSUBSCRIBE/PING are allowed, so commands cannot share it).
///
/// `subscribe`/`unsubscribe` edit the set of wanted channels (and patterns); the connection's
/// machine reconciles it with what is subscribed on the wire, and after every reconnect subscribes
/// to the whole set again (`RedisClientOptions.onResubscribed` says when that is done), so callers
/// never deal with reconnects. Messages (`["message", channel, payload]`) go to
/// the handler on the loop's thread. A PING every few seconds detects a silently dead link.
package final class RedisSubscriber: Sendable {
    private let connection: RedisConnection

    /// - Parameter loop: the server event loop the connection runs on.
    package init(
        url: RedisURL, loop: LoopHandle, options: RedisClientOptions = RedisClientOptions(),
        handler: @escaping @Sendable (_ channel: String, _ payload: [UInt8]) -> Void
    ) {
        connection = RedisConnection(url: url, loop: loop, options: options, handler: handler)
    }

    deinit { connection.stop() }

    package var state: RedisConnectionState { connection.state }
    package var isConnected: Bool { state == .connected }

    package func subscribe(_ channel: String) {
        connection.subscribe(.channel(channel))
    }

    package func unsubscribe(_ channel: String) {
        connection.unsubscribe(.channel(channel))
    }

    package func subscribe(pattern: String) {
        connection.subscribe(.pattern(pattern))
    }

    package func unsubscribe(pattern: String) {
        connection.unsubscribe(.pattern(pattern))
    }

    package func close() { connection.stop() }
}
