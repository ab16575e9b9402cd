import PilotoConfig
import PilotoRuntime

/// `piloto serve`'s dashboard responders: one `DashboardResponder` per `handler: dashboard` route,
/// keyed by route path, checking sessions in `sessions`.
///
/// Without a session store (auth not wired in this build) no responder is added: the router then
/// answers the route's `auth: required` with 401, failing closed rather than publishing traffic
/// figures. A dashboard route without `auth: required` is still checked against sessions: the
/// figures reveal traffic, so the responder always asks for a session.
///
/// With `sessions.store: redis` (`redis` given) this instance also publishes its figures to Redis
/// every 5 s (`DashboardCluster`), whether or not it has a dashboard route itself, and its
/// dashboards merge every live instance's.
enum DashboardWiring {
    static func responders(link: ServerLink, sessions: (any SessionStore)?, redis: RedisClient? = nil) -> [String: any Responder] {
        let source = DashboardSource(link: link)
        let cluster = redis.map { DashboardCluster(client: $0, source: source) }
        cluster?.start()
        guard let sessions else { return [:] }
        var out: [String: any Responder] = [:]
        for route in link.config.routes {
            guard case .dashboard = route.handler else { continue }
            out[route.path] = DashboardResponder(link: link, prefix: route.path, sessions: sessions, source: source, cluster: cluster)
        }
        return out
    }
}
