import PilotoConfig

/// Builds the responders of every `handler: websocket` route of a config, sharing one
/// `ChannelHub` (all `mode: channels` routes share one channel namespace) whose deliveries go
/// through the server's loops.
package enum WebSocketResponders {
    /// - Parameters:
    ///   - sessions: where `auth: required` routes look up the session cookie.
    ///   - bus: carries channel messages to other instances (`LocalChannelBus` for one instance).
    ///   - devMode: `piloto serve --dev` (loopback origins allowed).
    ///   - tune: adjusts every route's `WebSocketConfiguration` (tests shorten timers).
    /// - Returns: responders keyed by route path, for `Server(makeResponders:)`.
    package static func make(
        link: ServerLink, sessions: any SessionStore, bus: any ChannelBus = LocalChannelBus(), devMode: Bool,
        tune: (inout WebSocketConfiguration) -> Void = { _ in }
    ) -> [String: any Responder] {
        // The hub keeps the link alive (nothing else does once the server is built); the link holds
        // the server weakly, so there is no cycle.
        let hub = ChannelHub(bus: bus) { frame, handles in link.deliver(frame, toEach: handles) }
        var responders: [String: any Responder] = [:]
        for route in link.config.routes {
            guard case .websocket(let options) = route.handler else { continue }
            responders[route.path] = WebSocketResponder(
                route: route, options: options, config: link.config, sessions: sessions, hub: hub,
                gauge: link.metrics.webSockets, devMode: devMode, tune: tune)
        }
        return responders
    }
}
