import PilotoConfig

/// Answers the opening handshake of one `handler: websocket` route, in this order:
///
/// 1. the path: `mode: echo` serves exactly the route's path; `mode: channels` serves
///    `<route>/<channel>` (404 for anything else, 400 for a name outside `ChannelName`);
/// 2. RFC 6455 §4.2.1 (`WebSocketHandshake`): a malformed upgrade is 400, a method other than GET
///    405 with `Allow: GET`, a version other than 13 426 with `Sec-WebSocket-Version: 13` (§4.4);
/// 3. `Origin` (§10.2, cross-site WebSocket hijacking): `https://<service.domain>`, the route's
///    `origins:`, and loopback `http` origins in dev mode only, else 403;
/// 4. `auth: required`: the session cookie, looked up in the `SessionStore` (which may answer on
///    another thread, hence `.deferred`): no cookie or no live session → 401, store down → 503 with
///    `Retry-After: 5`.
///
/// Then `101 Switching Protocols` and a `WebSocketSession` on the connection's loop.
package final class WebSocketResponder: Responder {
    private let route: Route
    private let mode: WebSocketRoute.Mode
    private let origins: WebSocketOriginPolicy
    private let configuration: WebSocketConfiguration
    /// The same cookie rules, 401 and 503 + `Retry-After` as every other session-checked route.
    private let gate: AuthGate
    private let hub: ChannelHub
    private let gauge: WebSocketGauge
    private let rotation: SocketRotation

    /// - Parameters:
    ///   - route: a route whose handler is `.websocket`; `options` are its settings.
    ///   - hub: the instance's channel hub (used by `mode: channels` only).
    ///   - devMode: `piloto serve --dev`: loopback origins and requests without `Origin` are accepted.
    ///   - tune: adjusts the timers and limits derived from the config (tests shorten the 30 s ping).
    package init(
        route: Route, options: WebSocketRoute, config: PilotoConfig, sessions: any SessionStore, hub: ChannelHub,
        gauge: WebSocketGauge, devMode: Bool, tune: (inout WebSocketConfiguration) -> Void = { _ in }
    ) {
        self.route = route
        mode = options.mode
        origins = WebSocketOriginPolicy(
            serviceOrigin: config.service.origin, routeOrigins: options.origins, devMode: devMode)
        var configuration = WebSocketConfiguration(route: options, requestTimeout: config.scaling.requestTimeout)
        tune(&configuration)
        self.configuration = configuration
        gate = AuthGate(store: sessions, cookieName: config.cookies.session.name)
        self.hub = hub
        self.gauge = gauge
        rotation = SocketRotation(config: config)
    }

    package func respond(to request: HTTPRequest) -> RouteResponse {
        var channel: String?
        switch mode {
        case .echo:
            guard request.path == route.path else { return UpgradeRefusal.notFound.response }
        case .channels:
            switch ChannelName.parse(path: request.path, routePath: route.path) {
            case .channel(let name): channel = name
            case .notAChannel: return UpgradeRefusal.notAChannel(routePath: route.path).response
            case .invalidName: return UpgradeRefusal.invalidChannelName.response
            }
        }
        let accepted: WebSocketHandshake.Accepted
        do {
            accepted = try WebSocketHandshake.accept(request, origins: origins)
        } catch {
            return UpgradeRefusal.handshake(error).response
        }
        guard route.authRequired else {
            return upgrade(accepted, login: ChannelEnvelope.anonymous, channel: channel, query: request.query)
        }
        let promise = ResponsePromise()
        gate.check(request) { [self, channel] outcome in
            switch outcome {
            case .session(let session):
                promise.complete(upgrade(accepted, login: session.login, channel: channel, query: request.query))
            case .denied(let response): promise.complete(response)
            }
        }
        return .deferred(promise)
    }

    private func upgrade(
        _ accepted: WebSocketHandshake.Accepted, login: String, channel: String?, query: String?
    ) -> RouteResponse {
        // RFC 6455 §4.2.2 step 5: no Sec-WebSocket-Protocol, no Sec-WebSocket-Extensions.
        var headers = HTTPHeaders()
        headers.add("Upgrade", "websocket")
        headers.add("Connection", "Upgrade")
        headers.add("Sec-WebSocket-Accept", accepted.acceptValue)
        let role: WebSocketSession.Role =
            channel.map { .member(hub, channel: $0, login: login) } ?? .echo
        var configuration = self.configuration
        if let lifetime = configuration.maxLifetime {
            // The rotation point, unless the configured lifetime (tests tune it) is shorter.
            configuration.maxLifetime = min(lifetime, .milliseconds(rotation.nextDelayMilliseconds()))
        }
        return .upgrade(
            HTTPResponse(status: .switchingProtocols, headers: headers),
            WebSocketUpgrader(
                configuration: configuration, role: role, gauge: gauge,
                recovery: RecoveryRequest.parse(query: query.map { Substring($0) })))
    }
}

/// Creates the session once the `101` is queued; carries what the handshake decided.
struct WebSocketUpgrader: ConnectionUpgrader {
    let configuration: WebSocketConfiguration
    let role: WebSocketSession.Role
    let gauge: WebSocketGauge
    /// `?epoch=&offset=&last=` of the upgrade request.
    let recovery: RecoveryRequest

    func makeConnection(for request: HTTPRequest, handle: ConnectionHandle) -> any UpgradedConnection {
        let session = WebSocketSession(
            configuration: configuration, role: role, handle: handle, gauge: gauge,
            now: SystemClock().nowMilliseconds())
        // Joined after the session exists: `hello` reaches the newcomer through its mailbox, behind
        // the 101 already queued, and before any other frame of the channel.
        if case .member(let hub, let channel, let login) = role {
            hub.join(channel, handle: handle, login: login, request: recovery)
        }
        return session
    }
}
