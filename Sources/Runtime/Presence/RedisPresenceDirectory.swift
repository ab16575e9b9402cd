import Synchronization

/// Cluster-wide presence in Redis (`sessions.store: redis`): the hub of every instance sees the
/// same members and the same `join`/`leave` events, each event once per instance.
///
/// - State lives in Redis, per channel, changed only by the atomic scripts of
///   `RedisPresenceScripts` (connections with expiries, a per-user count, `since`, pending leaves).
/// - Each instance keeps its own open connections here and re-asserts them every `refresh`
///   (25 s) with an expiry `ttl` (60 s) ahead; a connection of an instance that died is not
///   refreshed, expires, and is swept by whichever instance runs a script on the channel next.
///   The refresh is the connect script itself, so after a Redis restart or a long partition every
///   live connection is counted again without any special recovery path.
/// - Events: the scripts `PUBLISH` each `join`/`leave` once to one cluster-wide pub/sub channel
///   (`Settings.eventChannel`); every instance subscribes to it and hands each event to the hub, which
///   delivers it to its local members. n joins cost n publishes and n deliveries per member's
///   socket, never n² (the per-user count makes a user's second connection silent). Events arrive
///   in the order Redis ran the scripts, the same order on every instance.
/// - Timers: after each script the instance arms one sweep per channel for the earliest pending
///   leave (and, while it has connections there, the earliest expiry), so a debounced `leave` is
///   published on time even when nobody else touches the channel.
///
/// Redis unreachable: calls fail and are counted (`failedCalls`); `members` answers with this
/// instance's own connections; the next refresh puts everything back.
package final class RedisPresenceDirectory: PresenceDirectory {
    /// Intervals; the defaults are Centrifugo's (research/realtime-recovery.md §4).
    package struct Settings: Sendable {
        package var debounceMilliseconds: Int64 = 10_000
        package var refreshMilliseconds: Int64 = 25_000
        package var ttlMilliseconds: Int64 = 60_000
        /// The pub/sub channel carrying every instance's `join`/`leave` events.
        package var eventChannel = "piloto:presence"

        package init(debounceMilliseconds: Int64 = 10_000) { self.debounceMilliseconds = max(0, debounceMilliseconds) }

        /// Keys outlive the last refresh by one more TTL and the debounce, then Redis drops them.
        var keyTTLMilliseconds: Int64 { 2 * ttlMilliseconds + debounceMilliseconds }
    }

    private struct LocalConnection {
        var user: String
        var since: Int64
    }

    private struct State {
        /// This instance's open connections: channel → connection id → user.
        var channels: [String: [String: LocalConnection]] = [:]
        /// The deadline a sweep timer is scheduled for, per channel.
        var armed: [String: Int64] = [:]
        var observer: (@Sendable (String, PresenceEvent) -> Void)?
        var failedCalls = 0
        var closed = false
    }

    /// This instance's name in the connection entries (`<instance> <user>`), for operators.
    package let instance: String
    private let client: RedisClient
    private let settings: Settings
    private let timers: any PresenceTimers
    private let state = Mutex(State())
    private let subscriberBox = Mutex<RedisSubscriber?>(nil)

    /// - Parameters:
    ///   - client: the shared command connection (scripts);
    ///   - url/options: for the subscriber connection this directory opens on `settings.eventChannel`
    ///     (on the client's loop).
    package init(
        client: RedisClient, url: RedisURL, options: RedisClientOptions = RedisClientOptions(),
        settings: Settings = Settings(), timers: any PresenceTimers = DispatchPresenceTimers(),
        instance: String = RedisRandom.hex(byteCount: 8)
    ) {
        self.client = client
        self.settings = settings
        self.timers = timers
        self.instance = instance
        let subscriber = RedisSubscriber(url: url, loop: client.loop, options: options) { [weak self] _, payload in
            self?.received(payload)
        }
        subscriber.subscribe(settings.eventChannel)
        subscriberBox.withLock { $0 = subscriber }
        scheduleRefresh()
    }

    deinit { close() }

    /// Stops the refresh and the subscriber; the connections expire from Redis after `ttl`, like an
    /// instance that died (a draining server disconnects them first).
    package func close() {
        state.withLock { $0.closed = true }
        subscriberBox.withLock { $0?.close() }
    }

    /// Script calls that got no usable reply (Redis down, timeout).
    package var failedCalls: Int { state.withLock { $0.failedCalls } }
    /// The event subscription is up.
    package var isSubscriberConnected: Bool { subscriberBox.withLock { $0?.isConnected ?? false } }

    package func setObserver(_ observer: @escaping @Sendable (_ channel: String, _ event: PresenceEvent) -> Void) {
        state.withLock { $0.observer = observer }
    }

    package func connect(channel: String, user: String, connection: String, now: Int64) {
        state.withLock { $0.channels[channel, default: [:]][connection] = LocalConnection(user: user, since: now) }
        register(channel: channel, connection: connection, user: user, now: now)
    }

    package func disconnect(channel: String, user: String, connection: String, now: Int64) {
        state.withLock { s in
            s.channels[channel]?[connection] = nil
            if s.channels[channel]?.isEmpty == true { s.channels[channel] = nil }
        }
        run(RedisPresenceScripts.disconnect, channel: channel, now: now, extra: [connection]) { _ in }
    }

    package func members(channel: String, completion: @escaping @Sendable ([PresenceMember]) -> Void) {
        run(RedisPresenceScripts.members, channel: channel, now: timers.nowMilliseconds(), extra: []) { [weak self] listed in
            guard let listed else {
                completion(self?.localMembers(channel) ?? [])
                return
            }
            completion(Self.members(from: listed))
        }
    }

    /// `HGETALL`'s flat `user, since, …` as members, by since then user.
    static func members(from listed: [RESPValue]) -> [PresenceMember] {
        var members: [PresenceMember] = []
        var index = 0
        while index + 1 < listed.count {
            if let user = listed[index].text, let since = listed[index + 1].text.flatMap({ Int64($0) }) {
                members.append(PresenceMember(user: user, sinceMilliseconds: since))
            }
            index += 2
        }
        return members.sorted { ($0.sinceMilliseconds, $0.user) < ($1.sinceMilliseconds, $1.user) }
    }

    /// This instance's own users of `channel` (the answer while Redis is unreachable).
    private func localMembers(_ channel: String) -> [PresenceMember] {
        let connections = state.withLock { $0.channels[channel] ?? [:] }
        var since: [String: Int64] = [:]
        for connection in connections.values { since[connection.user] = min(since[connection.user] ?? .max, connection.since) }
        return since.map { PresenceMember(user: $0.key, sinceMilliseconds: $0.value) }
            .sorted { ($0.sinceMilliseconds, $0.user) < ($1.sinceMilliseconds, $1.user) }
    }

    private func register(channel: String, connection: String, user: String, now: Int64) {
        let extra = [connection, user, instance, String(now + settings.ttlMilliseconds), String(settings.keyTTLMilliseconds)]
        run(RedisPresenceScripts.connect, channel: channel, now: now, extra: extra) { _ in }
    }

    /// Runs a presence script; `completion` gets what follows the two deadlines, nil on failure.
    /// Always `EVAL`: a connect must run before the `members` the hub sends right after it, which
    /// the `EVALSHA` fallback after a Redis restart cannot promise (`RedisScript`).
    private func run(
        _ script: RedisScript, channel: String, now: Int64, extra: [String],
        completion: @escaping @Sendable ([RESPValue]?) -> Void
    ) {
        let arguments = [String(now), String(settings.debounceMilliseconds), channel, settings.eventChannel] + extra
        script.evaluate(on: client, keys: RedisPresenceScripts.keys(channel: channel), arguments: arguments) { [weak self] result in
            guard case .success(.array(let items?)) = result, items.count >= 2,
                  case .integer(let nextLeave) = items[0], case .integer(let nextExpiry) = items[1]
            else {
                self?.state.withLock { $0.failedCalls += 1 }
                completion(nil)
                return
            }
            self?.armSweep(channel, nextLeave: nextLeave, nextExpiry: nextExpiry)
            completion(Array(items.dropFirst(2)))
        }
    }

    /// Schedules one sweep of `channel` for its next due leave (or, while this instance has
    /// connections there, its next expiry), unless an earlier one is already armed.
    private func armSweep(_ channel: String, nextLeave: Int64, nextExpiry: Int64) {
        let deadline: Int64? = state.withLock { s in
            var candidates: [Int64] = []
            if nextLeave >= 0 { candidates.append(nextLeave) }
            if nextExpiry >= 0 && s.channels[channel] != nil { candidates.append(nextExpiry) }
            guard !s.closed, let next = candidates.min() else { return nil }
            if let armed = s.armed[channel], armed <= next { return nil }
            s.armed[channel] = next
            return next
        }
        guard let deadline else { return }
        timers.schedule(at: deadline) { [weak self] in self?.sweep(channel, armedAt: deadline) }
    }

    private func sweep(_ channel: String, armedAt: Int64) {
        let go = state.withLock { s -> Bool in
            if s.armed[channel] == armedAt { s.armed[channel] = nil }
            return !s.closed
        }
        guard go else { return }
        run(RedisPresenceScripts.sweep, channel: channel, now: timers.nowMilliseconds(), extra: []) { _ in }
    }

    private func scheduleRefresh() {
        timers.schedule(at: timers.nowMilliseconds() + settings.refreshMilliseconds) { [weak self] in self?.refresh() }
    }

    /// Re-asserts every local connection (in channel, then connection order), then reschedules.
    private func refresh() {
        let (closed, channels) = state.withLock { ($0.closed, $0.channels) }
        guard !closed else { return }
        let now = timers.nowMilliseconds()
        for channel in channels.keys.sorted() {
            let connections = channels[channel] ?? [:]
            for id in connections.keys.sorted() {
                if let connection = connections[id] { register(channel: channel, connection: id, user: connection.user, now: now) }
            }
        }
        scheduleRefresh()
    }

    /// `j <channel> <since> <user>` or `l <channel> <user>` from the event channel.
    private func received(_ payload: [UInt8]) {
        guard let (channel, event) = Self.parseEvent(payload) else { return }
        let observer = state.withLock { $0.observer }
        observer?(channel, event)
    }

    static func parseEvent(_ payload: [UInt8]) -> (String, PresenceEvent)? {
        let text = String(decoding: payload, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: text.hasPrefix("j ") ? 3 : 2, omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("j", 4):
            guard let since = Int64(parts[2]), !parts[3].isEmpty else { return nil }
            return (String(parts[1]), .join(PresenceMember(user: String(parts[3]), sinceMilliseconds: since)))
        case ("l", 3):
            guard !parts[2].isEmpty else { return nil }
            return (String(parts[1]), .leave(user: String(parts[2])))
        default:
            return nil
        }
    }
}
