/// A member as `hello.members` lists it: the login and when their first connection appeared.
package struct PresenceMember: Sendable, Equatable {
    package var user: String
    package var sinceMilliseconds: Int64
}

/// A presence change to broadcast (`join`/`leave` are per user, never per connection).
package enum PresenceEvent: Sendable, Equatable {
    case join(PresenceMember)
    case leave(user: String)
}

/// Per-channel presence counted per user, with a debounced leave.
///
/// Why per user: n connections of one user cost one `join`, so a mass reconnect costs O(n)
/// deliveries, not n². Why debounced: a redeploy cuts every socket; the reconnect arrives
/// within seconds, and a leave-then-join would flash everyone out and back. A user's `leave`
/// is sent only after their last connection has been gone `debounceMilliseconds`; a reconnect
/// inside that window sends nothing and keeps the original `since`. Pure: time is passed in
/// and the owner calls `expire(now:)` at `nextDeadline`.
package struct PresenceDebounce: Sendable {
    package let debounceMilliseconds: Int64
    private var connections: [String: Int] = [:]
    private var since: [String: Int64] = [:]
    private var pendingLeave: [String: Int64] = [:]

    package init(debounceMilliseconds: Int64) { self.debounceMilliseconds = max(0, debounceMilliseconds) }

    /// A connection of `user` appeared: `join` only when the user was not listed.
    package mutating func connect(_ user: String, now: Int64) -> [PresenceEvent] {
        var events = expire(now: now)
        connections[user, default: 0] += 1
        if pendingLeave.removeValue(forKey: user) != nil { return events }
        if connections[user] == 1 && since[user] == nil {
            since[user] = now
            events.append(.join(PresenceMember(user: user, sinceMilliseconds: now)))
        }
        return events
    }

    /// A connection of `user` went away: the leave is scheduled, not sent (unless debounce is 0).
    package mutating func disconnect(_ user: String, now: Int64) -> [PresenceEvent] {
        var events = expire(now: now)
        guard let count = connections[user], count > 0 else { return events }
        if count > 1 {
            connections[user] = count - 1
            return events
        }
        connections[user] = nil
        pendingLeave[user] = now + debounceMilliseconds
        events += expire(now: now)
        return events
    }

    /// Leaves whose debounce has run out, earliest first (ties by user: deterministic).
    package mutating func expire(now: Int64) -> [PresenceEvent] {
        let due = pendingLeave.filter { $0.value <= now }.sorted { ($0.value, $0.key) < ($1.value, $1.key) }
        for (user, _) in due {
            pendingLeave[user] = nil
            since[user] = nil
        }
        return due.map { .leave(user: $0.key) }
    }

    /// When `expire(now:)` next has something to do.
    package var nextDeadline: Int64? { pendingLeave.values.min() }

    /// Everyone listed (including users inside their debounce window), by `since` then user.
    package var members: [PresenceMember] {
        since.map { PresenceMember(user: $0.key, sinceMilliseconds: $0.value) }
            .sorted { ($0.sinceMilliseconds, $0.user) < ($1.sinceMilliseconds, $1.user) }
    }

    package func connectionCount(of user: String) -> Int { connections[user] ?? 0 }

    /// Nobody listed and no leave pending: the owner may forget the channel.
    package var isEmpty: Bool { since.isEmpty && pendingLeave.isEmpty && connections.isEmpty }
}
