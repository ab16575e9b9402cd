import Synchronization

/// Counts failed logins per key (a client address, or a login name) in fixed windows, so password
/// guessing is slowed whether an attacker tries many passwords on one account or one password on
/// many accounts from one address (OWASP Authentication Cheat Sheet, "Protect against automated
/// attacks").
///
/// - A key is blocked once it reaches `limit` failures within `windowMilliseconds` of its first
///   failure; the block ends when that window does (`retryAfterSeconds` says when).
/// - Memory is bounded: at most `capacity` keys. When full, keys whose window is over are dropped,
///   then the oldest windows, so a flood of random keys cannot grow the table.
package final class LoginRateLimiter: Sendable {
    private struct Entry {
        var failures: Int
        var windowStart: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    package let limit: Int
    package let windowMilliseconds: Int64
    private let capacity: Int
    private let clock: any WallClock

    package init(limit: Int = 5, windowMilliseconds: Int64 = 60_000, capacity: Int = 10_000, clock: any WallClock) {
        self.limit = max(1, limit)
        self.windowMilliseconds = max(1, windowMilliseconds)
        self.capacity = max(1, capacity)
        self.clock = clock
    }

    /// Seconds until `key` may try again (at least 1), or nil when it is not blocked.
    package func retryAfterSeconds(_ key: String) -> Int? {
        let now = clock.nowUnixMilliseconds()
        return entries.withLock { table in
            guard let entry = table[key] else { return nil }
            let end = entry.windowStart + windowMilliseconds
            guard now < end else {
                table[key] = nil
                return nil
            }
            guard entry.failures >= limit else { return nil }
            return Int(max(1, (end - now + 999) / 1000))
        }
    }

    /// Records one failed attempt for `key`.
    package func recordFailure(_ key: String) {
        let now = clock.nowUnixMilliseconds()
        entries.withLock { table in
            if var entry = table[key], now < entry.windowStart + windowMilliseconds {
                entry.failures += 1
                table[key] = entry
                return
            }
            if table[key] == nil && table.count >= capacity { evict(&table, now: now) }
            table[key] = Entry(failures: 1, windowStart: now)
        }
    }

    /// Takes back one failure recorded for `key` in its current window (an attempt counted in
    /// advance that turned out to succeed).
    package func forgive(_ key: String) {
        let now = clock.nowUnixMilliseconds()
        entries.withLock { table in
            guard var entry = table[key], now < entry.windowStart + windowMilliseconds else { return }
            entry.failures -= 1
            table[key] = entry.failures > 0 ? entry : nil
        }
    }

    /// Forgets `key` (a successful login clears its login's count).
    package func reset(_ key: String) {
        entries.withLock { _ = $0.removeValue(forKey: key) }
    }

    /// Keys currently tracked (tests of the memory bound).
    package var trackedKeys: Int { entries.withLock { $0.count } }

    /// Drops finished windows; if that frees nothing, drops the oldest quarter (at least one), so
    /// the next evictions are not needed right away. O(n), only when the table is full.
    private func evict(_ table: inout [String: Entry], now: Int64) {
        table = table.filter { now < $0.value.windowStart + windowMilliseconds }
        guard table.count >= capacity else { return }
        let drop = max(1, capacity / 4)
        let oldest = table.sorted { ($0.value.windowStart, $0.key) < ($1.value.windowStart, $1.key) }.prefix(drop)
        for (key, _) in oldest { table[key] = nil }
    }
}
