/// `realtime:` — channel history, recovery on reconnect, presence and socket rotation.
///
/// Why it is config: Cloud Run cuts every WebSocket at `scaling.request_timeout`, so a reconnect
/// is routine; how much a channel keeps (and for how long) decides whether a reconnecting
/// client can be told "nothing was lost" instead of reloading.
package struct RealtimeConfig: Sendable, Equatable {
    package var history: HistoryConfig
    /// A user's `leave` is sent only after their last connection has been gone this long.
    package var presenceDebounce: TimeSpan
    /// Each socket is closed with 1001 this long before `scaling.request_timeout`.
    package var rotateBeforeTimeout: TimeSpan

    /// How long before `requestTimeout` to rotate: the configured value when it is below the
    /// timeout (validation rejects a written one that is not), else a twelfth of the timeout
    /// (the 5m default under Cloud Run's 300s default timeout → 25s).
    package func rotateBefore(requestTimeout: TimeSpan) -> TimeSpan {
        rotateBeforeTimeout < requestTimeout ? rotateBeforeTimeout : TimeSpan(milliseconds: requestTimeout.milliseconds / 12)
    }

    /// The documented defaults (what an absent `realtime:` section means).
    package static let defaults = RealtimeConfig(
        history: HistoryConfig(size: 500, ttl: .hours(1), maxBytes: .mebibytes(1)),
        presenceDebounce: .seconds(10), rotateBeforeTimeout: .minutes(5))
}

/// `realtime.history:` — the per-channel window a reconnecting client can recover from.
package struct HistoryConfig: Sendable, Equatable {
    /// Messages kept per channel; 0 turns history (and so recovery) off.
    package var size: Int
    /// Messages are dropped this long after the channel's last publish.
    package var ttl: TimeSpan
    /// Bound on the stored bytes per channel (memory store).
    package var maxBytes: ByteSize
}
