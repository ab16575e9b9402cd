import PilotoConfig

/// Picks the presence directory at boot: `sessions.store: memory` → this instance's own
/// (`MemoryPresenceDirectory`); `redis` → the cluster's (`RedisPresenceDirectory`, on the shared
/// command client plus one subscriber connection of its own). Both debounce leaves by
/// `realtime.presence_debounce`.
package enum PresenceDirectories {
    /// - Parameters:
    ///   - redis: the command client and its URL with `sessions.store: redis`; nil: memory.
    ///   - options: for the Redis directory's subscriber connection.
    package static func make(
        config: PilotoConfig, redis: (client: RedisClient, url: RedisURL)?, options: RedisClientOptions = RedisClientOptions()
    ) -> any PresenceDirectory {
        let debounce = config.realtime.presenceDebounce.milliseconds
        guard config.sessions.store == .redis, let redis else {
            return MemoryPresenceDirectory(debounceMilliseconds: debounce)
        }
        return RedisPresenceDirectory(
            client: redis.client, url: redis.url, options: options,
            settings: RedisPresenceDirectory.Settings(debounceMilliseconds: debounce))
    }
}
