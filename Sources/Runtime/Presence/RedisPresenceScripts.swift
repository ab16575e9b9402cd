/// The Lua scripts behind `RedisPresenceDirectory`: every change to a channel's presence is one
/// atomic script, so any number of instances may connect, disconnect and sweep at once and each
/// `join`/`leave` is published exactly once.
///
/// KEYS (one `{ch:NAME}` hash tag, so one cluster slot), for channel NAME:
///
/// | key | type | content |
/// |---|---|---|
/// | `piloto:{ch:NAME}:pres` | HASH | connection id → `<instance> <user>` |
/// | `…:pres:exp` | ZSET | connection id → expiry (unix ms; refreshed every 25 s, 60 s ahead) |
/// | `…:pres:users` | HASH | user → open connections, cluster-wide |
/// | `…:pres:since` | HASH | user → since (unix ms): everyone listed, pending leaves included |
/// | `…:pres:gone` | ZSET | user → when their debounced `leave` is due (unix ms) |
///
/// Every script first *sweeps*: connections whose expiry passed (their instance died or lost
/// Redis) are removed and counted down like a disconnect, with the leave due `debounce` after
/// their expiry; then every leave that is due is published and the user unlisted. A user's count
/// going 0→1 while a leave is pending cancels it silently (a reconnect inside the window); 0→1
/// otherwise lists the user and publishes `join`.
///
/// Events go to one pub/sub channel for the whole cluster (ARGV `pubsub`), as
/// `j <channel> <since> <user>` and `l <channel> <user>` (channel names have no spaces; the user
/// is the rest of the line). Every script returns `{next_leave, next_expiry, …}` (-1: none), the
/// deadlines the caller arms its sweep timer for.
enum RedisPresenceScripts {
    /// Shared by every script. ARGV[1] now, ARGV[2] debounce ms, ARGV[3] channel, ARGV[4] pubsub.
    private static let prelude = """
        local pres, exp, users, since, gone = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
        local now, debounce = tonumber(ARGV[1]), tonumber(ARGV[2])
        local channel, pubsub = ARGV[3], ARGV[4]
        local function last_gone(user, at)
          if redis.call('HINCRBY', users, user, -1) <= 0 then
            redis.call('HDEL', users, user)
            redis.call('ZADD', gone, at + debounce, user)
          end
        end
        local function sweep()
          local dead = redis.call('ZRANGEBYSCORE', exp, '-inf', now, 'WITHSCORES')
          for i = 1, #dead, 2 do
            local conn = dead[i]
            local info = redis.call('HGET', pres, conn)
            redis.call('ZREM', exp, conn)
            if info then
              redis.call('HDEL', pres, conn)
              last_gone(string.sub(info, string.find(info, ' ', 1, true) + 1), tonumber(dead[i + 1]))
            end
          end
          local due = redis.call('ZRANGEBYSCORE', gone, '-inf', now)
          for _, user in ipairs(due) do
            redis.call('ZREM', gone, user)
            redis.call('HDEL', since, user)
            redis.call('PUBLISH', pubsub, 'l ' .. channel .. ' ' .. user)
          end
        end
        local function first_score(key)
          local r = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
          if #r == 0 then return -1 end
          return tonumber(r[2])
        end
        local function deadlines()
          return {first_score(gone), first_score(exp)}
        end
        """

    /// ARGV[5] connection, ARGV[6] user, ARGV[7] instance, ARGV[8] expiry, ARGV[9] key ttl ms.
    /// Also the refresh: an existing connection only gets its new expiry; one the sweep removed
    /// meanwhile (Redis lost it, or this instance was cut off too long) is counted again.
    static let connect = RedisScript(prelude + """

        sweep()
        local conn, user = ARGV[5], ARGV[6]
        if redis.call('HSET', pres, conn, ARGV[7] .. ' ' .. user) == 1 then
          if redis.call('HINCRBY', users, user, 1) == 1 then
            if redis.call('ZREM', gone, user) == 0 and redis.call('HEXISTS', since, user) == 0 then
              redis.call('HSET', since, user, ARGV[1])
              redis.call('PUBLISH', pubsub, 'j ' .. channel .. ' ' .. ARGV[1] .. ' ' .. user)
            end
          end
        end
        redis.call('ZADD', exp, ARGV[8], conn)
        for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[9]) end
        return deadlines()
        """)

    /// ARGV[5] connection. The user comes from the stored entry, so a wrong caller cannot skew counts.
    static let disconnect = RedisScript(prelude + """

        local conn = ARGV[5]
        local info = redis.call('HGET', pres, conn)
        if info then
          redis.call('HDEL', pres, conn)
          redis.call('ZREM', exp, conn)
          last_gone(string.sub(info, string.find(info, ' ', 1, true) + 1), now)
        end
        sweep()
        return deadlines()
        """)

    /// Sweeps and returns `{next_leave, next_expiry, user1, since1, user2, since2, …}`.
    static let members = RedisScript(prelude + """

        sweep()
        local out = deadlines()
        local listed = redis.call('HGETALL', since)
        for i = 1, #listed do out[#out + 1] = listed[i] end
        return out
        """)

    /// Sweeps only (the timer for a due leave or an expiry).
    static let sweep = RedisScript(prelude + """

        sweep()
        return deadlines()
        """)

    /// The five keys of `channel`.
    static func keys(channel: String) -> [String] {
        let base = "piloto:{ch:\(channel)}:pres"
        return [base, base + ":exp", base + ":users", base + ":since", base + ":gone"]
    }
}
