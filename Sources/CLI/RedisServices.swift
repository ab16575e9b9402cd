import PilotoConfig
import PilotoRuntime
import Synchronization

/// What `sessions.store: redis` runs on: one command connection (sessions, channel history,
/// presence and dashboard scripts) and two subscriber connections (inside the channel store and
/// the presence directory), all three on one of the server's event loops (no Redis thread).
struct RedisServices: Sendable {
    let client: RedisClient
    let sessions: RedisSessionStore
    /// Channel history and live delivery, for the channel hub (`WebSocketResponders.make(store:)`).
    let channels: RedisChannelStore
    /// Cluster-wide presence, for the channel hub (`WebSocketResponders.make(presence:)`).
    let presence: any PresenceDirectory

    /// Readiness reports the store's degraded state (200 + reason, see `HealthResponder`). Call it
    /// from `makeResponders`, where the `ServerLink` exists.
    func registerHealth(on link: ServerLink) {
        let sessions = self.sessions
        link.state.addDegradedSource { sessions.degradedReason }
    }

    /// Stops every connection: after the server has drained (requests in flight needed Redis) and
    /// before its loops end (the closing work runs on the loop; `Server.drainThenStop(closeClients:)`).
    func close() {
        (presence as? RedisPresenceDirectory)?.close()
        channels.close()
        client.close()
    }
}

/// Why the Redis services could not be built; `message` is one line for stderr and the boot log.
enum RedisServicesError: Error {
    case url(RedisURLError)

    var message: String {
        switch self {
        case .url(let error): "sessions.redis_url: \(error.message)"
        }
    }
}

extension RedisServices {
    /// `sessions.redis_url`, parsed before the server is built; nil when `sessions.store` is
    /// `memory` (then there are no Redis services).
    static func url(config: PilotoConfig) throws(RedisServicesError) -> RedisURL? {
        guard config.sessions.store == .redis else { return nil }
        do {
            return try RedisURL(parsing: config.sessions.redisURL)
        } catch {
            throw .url(error)
        }
    }

    /// Never waits for Redis: the server boots and serves static files while the client connects
    /// (and reconnects) in the background, on `loop` (one of `ServerLink.loops`; nothing happens
    /// before that loop runs).
    ///
    /// The session TTL is `sessions.ttl`, fixed at login (the cookie's Max-Age should match).
    static func make(config: PilotoConfig, url: RedisURL, loop: LoopHandle, logger: Logger) -> RedisServices {
        let redacted = url.redacted
        var options = RedisClientOptions()
        // Log transitions between up and down, not every reconnect attempt during an outage.
        let wasUp = Atomic<Int>(-1)  // -1 unknown, 0 down, 1 up
        options.onStateChange = { state in
            switch state {
            case .connected:
                if wasUp.exchange(1, ordering: .relaxed) != 1 {
                    logger.log(.info, "redis connected", fields: [("redis", .string(redacted))])
                }
            case .disconnected(let reason):
                if wasUp.exchange(0, ordering: .relaxed) != 0 {
                    logger.log(.warning, "redis unavailable: \(reason)", fields: [("redis", .string(redacted))])
                }
            case .connecting, .closed:
                break
            }
        }
        let client = RedisClient(url: url, loop: loop, options: options)
        let subscriberOptions = RedisClientOptions()
        let channels = RedisChannelStore(
            client: client, url: url, options: subscriberOptions,
            settings: RedisChannelStore.Settings(limits: WebSocketResponders.historyLimits(config.realtime.history)))
        let sessions = RedisSessionStore(client: client, ttlMilliseconds: config.sessions.ttl.milliseconds)
        let presence = PresenceDirectories.make(config: config, redis: (client, url), options: subscriberOptions)
        logger.log(
            .info, "sessions in redis",
            fields: [("redis", .string(redacted)), ("ttl_ms", .int(config.sessions.ttl.milliseconds))])
        return RedisServices(client: client, sessions: sessions, channels: channels, presence: presence)
    }
}
