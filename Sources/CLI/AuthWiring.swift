import PilotoConfig
import PilotoRuntime

/// Sessions and auth for `piloto serve`: the session store `sessions.store` asks for, and an
/// `AuthResponder` for every `handler: auth` route. Kept apart from `ServeCommand` so other wiring
/// (WebSockets, Redis) merges cleanly.
enum AuthWiring {
    /// The configured session store, or nil when it cannot be built in this build.
    /// - Parameter redis: the Redis services `RedisServices.make` built for `store: redis`.
    static func makeSessionStore(config: PilotoConfig, redis: RedisServices?, logger: Logger) -> (any SessionStore)? {
        switch config.sessions.store {
        case .memory:
            return MemorySessionStore(
                ttlMilliseconds: config.sessions.ttl.milliseconds, maxSessions: config.sessions.maxSessions)
        case .redis:
            guard let redis else {
                logger.log(.error, "sessions.store: redis has no Redis services; routes that need sessions cannot be built")
                return nil
            }
            return redis.sessions
        }
    }

    /// The builder of each auth route's `AuthResponder` (for `ApplicationResponders.auth`); the
    /// routes share the store, the users file and the rate limits' hashing pool. The users file is
    /// polled every 2 s and re-read on SIGHUP. Without a store it builds nothing (the boot stops
    /// naming the route).
    ///
    /// Client addresses: on Cloud Run (`K_SERVICE` is set) the socket peer is Google's front end, so
    /// per-address login limits use the `X-Forwarded-For` element `server.trusted_hops` from the
    /// right (`ClientAddressPolicy`, `ClientIP.resolve`); elsewhere nobody in front is trusted.
    static func responders(
        link: ServerLink, store: (any SessionStore)?, environment: [String: String]
    ) -> (Route) -> (any Responder)? {
        let config = link.config
        guard let store, config.routes.contains(where: { $0.handler == .auth }) else { return { _ in nil } }
        if config.sessions.usersFile == nil {
            link.logger.log(.warning, "sessions.users_file is not set: every login will fail")
        }
        let users = UserDirectory(path: config.sessions.usersFile?.resolved, logger: link.logger)
        users.startWatching(intervalMilliseconds: 2000)
        users.reloadOnSIGHUP()
        let pool = HashingPool()
        let addresses = ClientAddressPolicy(trustedHops: environment["K_SERVICE"] != nil ? config.server.trustedHops : 0)
        return { route in
            AuthResponder(
                prefix: route.path, store: store, users: users, cookie: config.cookies.session, addresses: addresses,
                pool: pool, logger: link.logger)
        }
    }
}
