/// Where a client's connection is, for readiness and logs.
package enum RedisConnectionState: Sendable, Equatable {
    /// Connecting or running the AUTH/SELECT/INFO handshake.
    case connecting
    /// Handshake done; commands are being sent.
    case connected
    /// Waiting to reconnect after a failure (the reason is the last failure).
    case disconnected(String)
    case closed
}

/// Timeouts and back-off; the defaults suit Memorystore in the same region (sub-millisecond RTT).
package struct RedisClientOptions: Sendable {
    /// Bound on a TCP connect.
    package var connectTimeoutMilliseconds: Int64 = 1000
    /// Bound on waiting for a reply: from when the command was written or the last bytes arrived,
    /// whichever is later (a hung Redis is caught; a long pipeline that progresses is not failed).
    package var commandTimeoutMilliseconds: Int64 = 1000
    /// First reconnect delay; doubles per consecutive failure up to `maxBackoffMilliseconds`.
    package var initialBackoffMilliseconds: Int64 = 50
    package var maxBackoffMilliseconds: Int64 = 2000
    /// Commands submitted while connecting wait at most this many; more fail at once.
    package var maxQueuedWhileConnecting = 10_000
    /// Subscriber connections send PING this often so a silent network failure is noticed.
    package var subscriberPingIntervalMilliseconds: Int64 = 5000
    package var limits = RESPLimits()
    /// Called on the loop's thread after each state change (logging; must not block).
    package var onStateChange: (@Sendable (RedisConnectionState) -> Void)?
    /// Called on the loop's thread after each successful handshake, with the server's `run_id`
    /// (a different one than last time means Redis restarted or failed over).
    package var onReady: (@Sendable (RedisServerInfo) -> Void)?
    /// Subscriber only: called on the loop's thread once every wanted subscription is active
    /// again after a reconnect; messages published while the link was down were lost.
    package var onResubscribed: (@Sendable ([RedisSubscription]) -> Void)?
    /// Subscriber only: called on the loop's thread each time Redis confirms a wanted
    /// subscription (the first time and after every reconnect): messages on it arrive from then on.
    package var onSubscribed: (@Sendable (RedisSubscription) -> Void)?

    package init() {}
}
