import PilotoConfig
import Synchronization

/// Why the router could not be built at boot.
package enum RouterError: Error, Equatable, Sendable {
    case staticRootMissing(route: String, root: String, hint: String?)
    case staticRootUnreadable(route: String, root: String)

    /// One line for the boot log / stderr.
    package var message: String {
        switch self {
        case .staticRootMissing(let route, let root, let hint):
            "route \(route): static root '\(root)' does not exist" + (hint.map { "; build it with: \($0)" } ?? "")
        case .staticRootUnreadable(let route, let root):
            "route \(route): static root '\(root)' cannot be read"
        }
    }
}

/// Routes from the config, in order; the first prefix match wins (`Route.matches`). Built once at
/// boot (static roots checked, responses precomputed; the files themselves are read by
/// `files.load()` once the server is bound), then read-only and shared by every loop.
package final class Router: Sendable {
    enum Handler: Sendable {
        case health(liveness: String, readiness: String)
        case metrics(allowRemote: Bool)
        /// Root `root` of `files` (`StaticRoots`), read just after the bind.
        case files(root: Int, prefix: String, spaIndex: String?)
        case custom(any Responder)
        case notImplemented(String)
    }

    struct Entry: Sendable {
        let route: Route
        let handler: Handler
        /// Unsafe methods need a same-origin `Origin`/`Sec-Fetch-Site` (`CSRFPolicy`).
        let csrfProtected: Bool
        /// Largest body this route takes: `server.limits.body_bytes`, or the proxy's own `max_body`
        /// (the parser accepts the largest of all, so every other route checks here).
        let maxBody: Int
    }

    let entries: [Entry]
    /// The static and SPA roots' files (`Server.start` loads them once the loops accept).
    package let files: StaticRoots
    package let state: ServerState
    package let metrics: MetricsRegistry
    package let logger: Logger?
    private let health: HealthResponder
    private let notFound: PrebuiltResponse
    private let csrf: CSRFPolicy
    /// The `run:` backends' status: readiness is `starting` until each was healthy once.
    private let backends: BackendDirectory

    /// Route patterns in order, for metric labels.
    package var patterns: [String] { entries.map(\.route.path) }

    /// - Parameter responders: handlers for routes the runtime does not implement itself (websocket,
    ///   auth, dashboard, proxy), keyed by route path; built-in handlers cannot be replaced.
    /// - Parameter devMode: `serve --dev`; also accepts loopback `http` origins (`CSRFPolicy`).
    package init(
        config: PilotoConfig, state: ServerState, metrics: MetricsRegistry? = nil, loopCount: Int = 1,
        logger: Logger?, responders: [String: any Responder] = [:], devMode: Bool = false,
        backends: BackendDirectory = .empty
    ) throws(RouterError) {
        let extra = config.server.headers.map { ($0.name, $0.value) }
        var entries: [Entry] = []
        var roots: [StaticRoots.Root] = []
        for route in config.routes {
            let handler: Handler
            switch route.handler {
            case .health:
                let ready = route.path == "/" ? "/ready" : route.path + "/ready"
                handler = .health(liveness: route.path, readiness: ready)
            case .metrics(let options):
                handler = .metrics(allowRemote: options.allowRemote)
            case .staticFiles(let options):
                try Self.check(route, options.root, config: config)
                roots.append(StaticRoots.Root(path: options.root.resolved, cache: options.cache, index: nil))
                handler = .files(root: roots.count - 1, prefix: route.path, spaIndex: nil)
            case .spa(let options):
                try Self.check(route, options.root, config: config)
                roots.append(StaticRoots.Root(path: options.root.resolved, cache: .noCache, index: options.index))
                handler = .files(root: roots.count - 1, prefix: route.path, spaIndex: options.index)
            case .auth, .dashboard, .websocket, .proxy:
                if let responder = responders[route.path] {
                    handler = .custom(responder)
                } else {
                    handler = .notImplemented(route.handler.keyword)
                }
            }
            entries.append(Entry(
                route: route, handler: handler, csrfProtected: CSRFPolicy.protects(routePath: route.path),
                maxBody: Int(clamping: config.bodyLimit(for: route).bytes)))
        }
        self.entries = entries
        files = StaticRoots(roots: roots, extraHeaders: extra, logger: logger)
        self.state = state
        self.backends = backends
        csrf = CSRFPolicy(serviceOrigin: config.service.origin, devMode: devMode)
        health = HealthResponder(extraHeaders: extra)
        let notFoundBody = HTTPError(.notFound).response
        notFound = .fixed(
            .notFound, headers: [("Content-Type", "application/json")],
            body: { if case .bytes(let b) = notFoundBody.body { b } else { [] } }(), extraHeaders: extra)
        self.logger = logger
        self.metrics = metrics ?? MetricsRegistry(routePatterns: entries.map(\.route.path), loopCount: loopCount)
    }

    /// A static or SPA root that is missing or cannot be listed stops the boot, before the bind.
    private static func check(_ route: Route, _ root: ConfigPath, config: PilotoConfig) throws(RouterError) {
        do {
            try StaticRoots.check(root.resolved)
        } catch .rootMissing {
            throw .staticRootMissing(route: route.path, root: root.asWritten, hint: buildHint(config))
        } catch {
            throw .staticRootUnreadable(route: route.path, root: root.asWritten)
        }
    }

    /// The command that builds the frontend, e.g. `npm --prefix frontend run build`.
    package static func buildHint(_ config: PilotoConfig) -> String? {
        guard let frontend = config.build.frontend else { return nil }
        let build = frontend.build
        if build.hasPrefix("npm ") { return "npm --prefix \(frontend.path.asWritten) " + build.dropFirst(4) }
        return "(cd \(frontend.path.asWritten) && \(build))"
    }

    /// The route index for a path (`patterns.count` means unmatched).
    package func match(_ path: String) -> Int {
        for (index, entry) in entries.enumerated() where entry.route.matches(path) { return index }
        return entries.count
    }

    /// Answers one request; `route` is the index from `match`.
    package func respond(to request: HTTPRequest, route: Int) throws(HTTPError) -> RouteResponse {
        let includeBody = !request.head.isHead
        guard route < entries.count else { return .prebuilt(notFound, includeBody: includeBody) }
        let isRead = request.method == "GET" || request.method == "HEAD"
        let entry = entries[route]
        guard request.body.count <= entry.maxBody else {
            throw HTTPError(.contentTooLarge, "request body larger than \(entry.maxBody) bytes")
        }
        if entry.csrfProtected && !isRead && !CSRFPolicy.isSafe(request.method), let reason = csrf.refusal(request) {
            logger?.log(.warning, "csrf: \(reason)", fields: [("path", .string(request.path)), ("method", .string(request.method))])
            throw HTTPError(.forbidden, reason)
        }
        if entry.route.authRequired {
            // Sessions live outside this module: a route that needs them is answered by its custom
            // responder, which checks the cookie. Without one, fail closed rather than serve publicly.
            guard case .custom = entry.handler else {
                throw HTTPError(.unauthorized, "authentication required")
            }
        }
        switch entry.handler {
        case .health(let liveness, let readiness):
            guard request.path == liveness || request.path == readiness else {
                return .prebuilt(notFound, includeBody: includeBody)
            }
            guard isRead else { throw Self.readOnly }
            return request.path == liveness
                ? health.liveness(includeBody: includeBody)
                : health.readiness(
                    draining: state.draining, startingReason: backends.startingReason, degradedReason: state.degradedReason,
                    includeBody: includeBody)
        case .metrics(let allowRemote):
            // Metrics reveal traffic: only loopback (a sidecar or `kubectl port-forward`) unless configured.
            guard allowRemote || request.remote.isLoopback else { throw HTTPError(.notFound) }
            guard isRead else { throw Self.readOnly }
            let text = PrometheusExporter.render(
                metrics.snapshot(), droppedLogLines: logger?.dropped ?? 0, draining: state.draining)
                + ProxyPrometheus.render(metrics.proxyUpstreams.withLock { $0 })
            var h = HTTPHeaders()
            h.add("Content-Type", PrometheusExporter.contentType)
            h.add("Cache-Control", "no-store")
            return .response(HTTPResponse(status: .ok, headers: h, body: .bytes(Array(text.utf8))))
        case .files(let root, let prefix, let spaIndex):
            guard isRead else { throw Self.readOnly }
            return SPAResponder.respond(to: request, store: files.store(root), prefix: prefix, index: spaIndex)
        case .custom(let responder):
            return try responder.respond(to: request)
        case .notImplemented(let keyword):
            throw HTTPError(.notImplemented, "handler '\(keyword)' is not available in this build")
        }
    }

    /// RFC 9110 §15.5.6: a 405 lists the allowed methods.
    private static let readOnly = HTTPError.methodNotAllowed(allow: "GET, HEAD")
}

/// The router is the core's responder: it labels the request with its route for the observer.
extension Router: HTTPResponder {
    /// Proxied request bodies stream to the upstream as they arrive (memory stays flat for a big
    /// upload); every other route gets its body whole, within `server.limits.body_bytes`.
    package func streamsRequestBody(_ head: HTTPRequestHead, path: String) -> Bool {
        let route = match(path)
        guard route < entries.count, case .proxy = entries[route].route.handler, case .custom = entries[route].handler else {
            return false
        }
        return true
    }

    package func respond(to request: HTTPRequest, context: inout RequestContext) throws(HTTPError) -> RouteResponse {
        let route = match(request.path)
        if route < entries.count { context.route = route }
        return try respond(to: request, route: route)
    }
}
