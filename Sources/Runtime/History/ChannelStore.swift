/// What a store answers a joining (or reconnecting) member: the stream's position, the recovery
/// decision, and the entries owed (the missed ones, or the `last=k` backfill), oldest first.
package struct ChannelRead: Sendable, Equatable {
    package var epoch: String
    package var top: Int64
    package var outcome: RecoveryOutcome
    package var entries: [HistoryEntry]
}

/// A stored message arriving live: from this instance's publish (memory) or from pub/sub (Redis).
package struct LiveMessage: Sendable, Equatable {
    package var channel: String
    package var epoch: String
    package var entry: HistoryEntry
}

/// How a client publish ended.
package enum PublishOutcome: Sendable, Equatable {
    /// Stored; `ack` (when the client gave an id) goes to the sender. The message itself reaches
    /// everyone, the sender included, through the store's live path.
    case stored(ack: String?)
    /// The id was seen within 5 minutes: the same ack again, nothing stored.
    case duplicate(ack: String)
    /// Not stored (Redis unreachable): no ack, so the client resends with the same id.
    case failed
}

/// How a gap fill (or a position check) ended.
package enum FetchOutcome: Sendable, Equatable {
    /// The entries after the asked offset, oldest first, up to the top (possibly starting later
    /// than asked when the oldest were trimmed: the hub announces that with `reset`).
    case entries([HistoryEntry], top: Int64)
    /// The stream now runs under another epoch (Redis lost it, or restarted from a snapshot).
    case epochChanged(epoch: String, top: Int64)
    case unavailable
}

/// Where channel messages are stored and how they come back live: the seam between `ChannelHub`
/// and the memory store (one instance) or Redis (a capped stream per channel and pub/sub).
///
/// Why a seam: the hub's delivery by offset (deliver, drop, fill a gap, reset) and its race-free
/// join are the same for both; only where offsets are assigned and how a live copy travels differ.
/// Every call returns at once; completions and live messages come on an arbitrary thread, and
/// a store may call them while holding its own lock (lock order: store, then hub), so the hub
/// never calls a store while holding its own lock.
package protocol ChannelStore: Sendable {
    /// Where live messages go (every stored message, once per instance, in offset order as far as
    /// the store can tell); `resync` asks the hub to check each channel's position (after a
    /// pub/sub reconnect, and periodically). Set once, before the first `subscribe`.
    func setReceivers(live: @escaping @Sendable (LiveMessage) -> Void, resync: @escaping @Sendable () -> Void)
    /// The channel has local members (first one joined) / has none any more.
    func subscribe(_ channel: String)
    func unsubscribe(_ channel: String)
    /// The position, the recovery decision for `request`, and what to replay.
    func read(channel: String, request: RecoveryRequest, completion: @escaping @Sendable (ChannelRead?) -> Void)
    /// Entries after `after` under `epoch` (the gap fill, and the periodic position check).
    func fetch(channel: String, epoch: String, after: Int64, completion: @escaping @Sendable (FetchOutcome) -> Void)
    /// Stores a client publish; `atMilliseconds` is the wall clock for `at`.
    func publish(
        channel: String, request: PublishRequest, from login: String, atMilliseconds: Int64,
        completion: @escaping @Sendable (PublishOutcome) -> Void)
}
