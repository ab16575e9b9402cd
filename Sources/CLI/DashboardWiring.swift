import PilotoConfig
import PilotoRuntime

/// `piloto serve`'s dashboard responders: a `DashboardResponder` for each `handler: dashboard` route,
/// checking sessions in `sessions`.
///
/// Without a session store nothing is built, so the boot stops naming the route rather than
/// publishing traffic figures. A dashboard route without `auth: required` is still checked against
/// sessions: the figures reveal traffic, so the responder always asks for a session.
///
/// With `sessions.store: redis` (`redis` given) this instance also publishes its figures to Redis
/// every 5 s (`DashboardCluster`), whether or not it has a dashboard route itself, and its
/// dashboards merge every live instance's.
enum DashboardWiring {
    static func responder(
        link: ServerLink, sessions: (any SessionStore)?, redis: RedisClient? = nil
    ) -> (Route) -> (any Responder)? {
        let source = DashboardSource(link: link)
        let cluster = redis.map { DashboardCluster(client: $0, source: source) }
        cluster?.start()
        guard let sessions else { return { _ in nil } }
        return { route in DashboardResponder(link: link, prefix: route.path, sessions: sessions, source: source, cluster: cluster) }
    }
}
