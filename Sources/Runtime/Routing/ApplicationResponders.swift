import PilotoConfig

/// The responders of the route kinds that need services built outside piloto's own features: the
/// session store and users file (`auth`), the dashboard's sources (`dashboard`), the channel hub
/// (`websocket`) and the upstream pools (`proxy`). Whoever assembles the server (`piloto serve`, a
/// test) supplies one builder per kind; `RouteAssembly`'s one switch over the handler kinds asks it
/// once per route of that kind, in config order.
///
/// A builder that returns nil leaves its route unwired, which stops the boot with a message naming
/// the route: there is no path-keyed merge that could let one responder shadow another and no 501
/// answered at request time.
package struct ApplicationResponders {
    package var auth: (Route) -> (any Responder)?
    package var dashboard: (Route) -> (any Responder)?
    package var websocket: (Route, WebSocketRoute) -> (any Responder)?
    package var proxy: (Route, ProxyRoute) -> (any Responder)?

    package init(
        auth: @escaping (Route) -> (any Responder)? = { _ in nil },
        dashboard: @escaping (Route) -> (any Responder)? = { _ in nil },
        websocket: @escaping (Route, WebSocketRoute) -> (any Responder)? = { _, _ in nil },
        proxy: @escaping (Route, ProxyRoute) -> (any Responder)? = { _, _ in nil }
    ) {
        self.auth = auth
        self.dashboard = dashboard
        self.websocket = websocket
        self.proxy = proxy
    }

    /// Nothing wired: for configs with only piloto's own kinds (static, SPA, health, metrics).
    package static var none: ApplicationResponders { ApplicationResponders() }
}
