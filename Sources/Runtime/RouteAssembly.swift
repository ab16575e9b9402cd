import PilotoConfig

/// Builds the router from the config: one exhaustive `switch` over the route handler kinds gives
/// every route its responder. piloto's own kinds (health, metrics, static, SPA) are built here
/// from `Features/`; the application's kinds come from `ApplicationResponders`. Kept out of
/// `Routing/` so that the router knows responders only, never the features behind them.
package enum RouteAssembly {
    /// - Throws: a static root that is missing or unreadable, or a route kind left unwired.
    static func router(
        config: PilotoConfig, state: ServerState, metrics: MetricsRegistry, logger: Logger?,
        application: ApplicationResponders, devMode: Bool, backends: BackendDirectory
    ) throws(RouterError) -> Router {
        let extra = config.server.headers.map { ($0.name, $0.value) }
        let notFoundBody = HTTPError(.notFound).response
        let notFound = PrebuiltResponse.fixed(
            .notFound, headers: [("Content-Type", "application/json")],
            body: { if case .bytes(let b) = notFoundBody.body { b } else { [] } }(), extraHeaders: extra)
        let health = HealthResponder(extraHeaders: extra)
        // The static and SPA roots: checked here, before the bind (a missing root stops the boot);
        // their files are read by `Server.start` right after it (`StaticRoots`).
        var roots: [StaticRoots.Root] = []
        for route in config.routes {
            switch route.handler {
            case .staticFiles(let options):
                try check(route, options.root, config: config)
                roots.append(StaticRoots.Root(path: options.root.resolved, cache: options.cache, index: nil))
            case .spa(let options):
                try check(route, options.root, config: config)
                roots.append(StaticRoots.Root(path: options.root.resolved, cache: .noCache, index: options.index))
            case .health, .metrics, .auth, .dashboard, .websocket, .proxy:
                break
            }
        }
        let files = StaticRoots(roots: roots, extraHeaders: extra, logger: logger)
        var nextRoot = 0
        var entries: [Router.Entry] = []
        for route in config.routes {
            let responder: (any Responder)?
            let checksSessions: Bool
            switch route.handler {
            case .health:
                responder = HealthRouteResponder(routePath: route.path, health: health, state: state, backends: backends, notFound: notFound)
                checksSessions = false
            case .metrics(let options):
                responder = MetricsResponder(allowRemote: options.allowRemote, metrics: metrics, state: state, logger: logger)
                checksSessions = false
            case .staticFiles:
                responder = StaticRouteResponder(files: files, root: nextRoot, prefix: route.path, spaIndex: nil)
                nextRoot += 1
                checksSessions = false
            case .spa(let options):
                responder = StaticRouteResponder(files: files, root: nextRoot, prefix: route.path, spaIndex: options.index)
                nextRoot += 1
                checksSessions = false
            case .auth:
                responder = application.auth(route)
                checksSessions = true
            case .dashboard:
                responder = application.dashboard(route)
                checksSessions = true
            case .websocket(let options):
                responder = application.websocket(route, options)
                checksSessions = true
            case .proxy(let options):
                responder = application.proxy(route, options)
                checksSessions = true
            }
            guard let responder else { throw .unwired(route: route.path, handler: route.handler.keyword) }
            entries.append(Router.Entry(
                route: route, responder: responder, checksSessions: checksSessions,
                maxBody: Int(clamping: config.bodyLimit(for: route).bytes)))
        }
        return Router(
            entries: entries, files: files, notFound: notFound, serviceOrigin: config.service.origin, state: state, metrics: metrics,
            logger: logger, devMode: devMode)
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
}
