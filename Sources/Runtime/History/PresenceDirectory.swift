/// Who is in a channel, cluster-wide: the seam between the channel hub and where presence lives.
///
/// Why a seam: with the memory store presence is this instance's own (`PresenceDebounce` on a
/// timer); with `sessions.store: redis` it is a hash of connections and a sorted set of expiries
/// in Redis, shared by every instance, so `hello.members` is the cluster-wide truth and a user's
/// `join`/`leave` is sent once per user, not per connection or per instance. The hub never knows
/// which one it has.
///
/// Events are already debounced (`realtime.presence_debounce`) and de-duplicated cluster-wide:
/// the observer delivers each one to the channel's *local* members and never re-publishes it.
/// Every call returns at once; answers come on `completion` on an arbitrary thread.
package protocol PresenceDirectory: Sendable {
    /// A connection (`connection`: unique per instance and socket) of `user` opened on `channel`.
    func connect(channel: String, user: String, connection: String, now: Int64)
    /// That connection closed (the user's `leave` follows after the debounce, if it was the last).
    func disconnect(channel: String, user: String, connection: String, now: Int64)
    /// The channel's members now, cluster-wide, by `since` then user (deterministic).
    func members(channel: String, completion: @escaping @Sendable ([PresenceMember]) -> Void)
    /// Where debounced `join`/`leave` events go (set once, before the first `connect`).
    func setObserver(_ observer: @escaping @Sendable (_ channel: String, _ event: PresenceEvent) -> Void)
}
