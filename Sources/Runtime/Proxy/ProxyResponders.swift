import PilotoConfig
import PilotoHTTPCore
import Synchronization

/// Builds the responders of every `handler: proxy` route of a config: one plan per route, one
/// pool and one set of counters per distinct upstream, shared by the routes that name it.
package enum ProxyResponders {
    /// - Parameters:
    ///   - sessions: where the session cookie is looked up (`auth: required`, identity); nil: no sessions.
    ///   - devMode: `serve --dev`: loopback origins for WebSockets, `X-Forwarded-Proto: http`.
    /// - Returns: the builder of a `handler: proxy` route's responder (for
    ///   `ApplicationResponders.proxy`; nil for an upstream the config does not name), and the
    ///   upstreams (for metrics and readiness).
    package static func make(
        link: ServerLink, sessions: (any SessionStore)?, devMode: Bool, clock: @escaping @Sendable () -> Int64 = {
            Int64(SystemClock.epochSeconds())
        }
    ) -> (responder: (Route, ProxyRoute) -> (any Responder)?, upstreams: ProxyUpstreams) {
        let config = link.config
        var labels: [String] = []
        var addresses: [UpstreamAddress] = []
        for route in config.routes {
            guard case .proxy(let proxy) = route.handler, let address = config.upstreamAddress(for: proxy.upstream),
                !addresses.contains(address)
            else { continue }
            addresses.append(address)
            labels.append(address.label)
        }
        let metrics = labels.map { ProxyUpstreamMetrics(label: $0) }
        let upstreams = ProxyUpstreams(metrics: metrics, loopCount: link.loopCount, concurrency: config.scaling.concurrency)
        link.metrics.proxyUpstreams.withLock { $0 = metrics }
        let gate = sessions.map { AuthGate(store: $0, cookieName: config.cookies.session.name) }
        let responder = { (route: Route, proxy: ProxyRoute) -> (any Responder)? in
            guard let address = config.upstreamAddress(for: proxy.upstream), let index = addresses.firstIndex(of: address)
            else { return nil }
            let resolved: ConnectAddress?
            do {
                resolved = try ConnectAddress.resolve(host: address.host, port: address.port)
            } catch {
                link.logger.log(.error, "proxy \(route.path): upstream \(address.host) does not resolve; the route answers 502")
                resolved = nil
            }
            let plan = ProxyPlan(
                upstream: index, address: resolved, basePath: address.basePath, routePrefix: route.path,
                stripPrefix: proxy.stripPrefix, connectTimeout: proxy.connectTimeout.milliseconds,
                timeout: proxy.timeout.milliseconds, idleTimeout: proxy.idleTimeout.milliseconds,
                hold: proxy.hold.milliseconds, retry: proxy.retry,
                maxBody: Int(clamping: (proxy.maxBody ?? config.server.limits.bodyBytes).bytes),
                websocket: proxy.websocket, tunnelMaxAge: config.scaling.requestTimeout.milliseconds,
                serverHeaders: config.server.headers.map { ($0.name, $0.value) }, metrics: metrics[index],
                upstreams: upstreams)
            let builder = ProxyRequestBuilder(
                routePrefix: route.path, stripPrefix: proxy.stripPrefix, basePath: address.basePath, retry: proxy.retry,
                identity: proxy.identity, identityKey: config.sessions.identityKey.map { Array($0.utf8) },
                audience: config.service.name, trustedHops: config.server.trustedHops,
                forwardedProto: devMode ? "http" : "https", clock: clock)
            return ProxyResponder(
                plan: plan, builder: builder, gate: gate, authRequired: route.authRequired,
                origins: WebSocketOriginPolicy(serviceOrigin: config.service.origin, devMode: devMode))
        }
        return (responder, upstreams)
    }
}
