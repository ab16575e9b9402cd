import PilotoConfig
import PilotoRuntime

/// `piloto serve`'s dashboard responders: one `DashboardResponder` per `handler: dashboard` route,
/// keyed by route path, checking sessions in `sessions`.
///
/// Without a session store (auth not wired in this build) no responder is added: the router then
/// answers the route's `auth: required` with 401, failing closed rather than publishing traffic
/// figures. A dashboard route without `auth: required` is still checked against sessions: the
/// figures reveal traffic, so the responder always asks for a session.
enum DashboardWiring {
    static func responders(link: ServerLink, sessions: (any SessionStore)?) -> [String: any Responder] {
        guard let sessions else { return [:] }
        var out: [String: any Responder] = [:]
        for route in link.config.routes {
            guard case .dashboard = route.handler else { continue }
            out[route.path] = DashboardResponder(link: link, prefix: route.path, sessions: sessions)
        }
        return out
    }
}
