import Synchronization

/// Presence for one instance (`sessions.store: memory`): a `PresenceDebounce` per channel and a
/// timer for each channel's next debounced leave.
///
/// The debounce is pure; this type adds the lock, the timer and ordered delivery. A channel's
/// timer is armed for its earliest pending leave only (`armedAt`); when it fires, due leaves are
/// sent and the timer is armed again for the next one, so at most one timer per channel is
/// outstanding whatever the number of disconnects. A channel with nobody listed is dropped.
package final class MemoryPresenceDirectory: PresenceDirectory {
    private struct Channel {
        var debounce: PresenceDebounce
        /// The deadline a timer is already scheduled for (nil: none).
        var armedAt: Int64?
    }

    private let debounceMilliseconds: Int64
    private let timers: any PresenceTimers
    private let channels = Mutex<[String: Channel]>([:])
    private let outbox = PresenceOutbox()

    /// - Parameters:
    ///   - debounceMilliseconds: `realtime.presence_debounce`.
    ///   - timers: wall clock and timers (`DispatchPresenceTimers` in the server).
    package init(debounceMilliseconds: Int64, timers: any PresenceTimers = DispatchPresenceTimers()) {
        self.debounceMilliseconds = max(0, debounceMilliseconds)
        self.timers = timers
    }

    package func setObserver(_ observer: @escaping @Sendable (_ channel: String, _ event: PresenceEvent) -> Void) {
        outbox.setObserver(observer)
    }

    package func connect(channel: String, user: String, connection: String, now: Int64) {
        update(channel, now: now) { $0.connect(user, now: now) }
    }

    package func disconnect(channel: String, user: String, connection: String, now: Int64) {
        update(channel, now: now) { $0.disconnect(user, now: now) }
    }

    package func members(channel: String, completion: @escaping @Sendable ([PresenceMember]) -> Void) {
        let members = channels.withLock { $0[channel]?.debounce.members ?? [] }
        completion(members)
    }

    /// Open connections of `user` on `channel` (tests).
    package func connectionCount(channel: String, user: String) -> Int {
        channels.withLock { $0[channel]?.debounce.connectionCount(of: user) ?? 0 }
    }

    /// Channels with anyone listed (inside the debounce window included).
    package var channelCount: Int { channels.withLock { $0.count } }

    private func update(_ name: String, now: Int64, _ change: (inout PresenceDebounce) -> [PresenceEvent]) {
        let arm: Int64? = channels.withLock { table in
            var channel = table.removeValue(forKey: name) ?? Channel(debounce: PresenceDebounce(debounceMilliseconds: debounceMilliseconds))
            outbox.enqueue(name, change(&channel.debounce))
            let arm = Self.rearm(&channel)
            if !channel.debounce.isEmpty { table[name] = channel }
            return arm
        }
        outbox.drain()
        if let arm { schedule(name, at: arm) }
    }

    /// The deadline to schedule a timer for, when the channel's next leave is earlier than the
    /// timer already armed (or none is).
    private static func rearm(_ channel: inout Channel) -> Int64? {
        guard let next = channel.debounce.nextDeadline else { return nil }
        if let armed = channel.armedAt, armed <= next { return nil }
        channel.armedAt = next
        return next
    }

    private func schedule(_ name: String, at deadline: Int64) {
        timers.schedule(at: deadline) { [weak self] in self?.fire(name, deadline: deadline) }
    }

    private func fire(_ name: String, deadline: Int64) {
        let now = timers.nowMilliseconds()
        let arm: Int64? = channels.withLock { table in
            guard var channel = table.removeValue(forKey: name) else { return nil }
            if channel.armedAt == deadline { channel.armedAt = nil }
            outbox.enqueue(name, channel.debounce.expire(now: now))
            let arm = Self.rearm(&channel)
            if !channel.debounce.isEmpty { table[name] = channel }
            return arm
        }
        outbox.drain()
        if let arm { schedule(name, at: arm) }
    }
}
