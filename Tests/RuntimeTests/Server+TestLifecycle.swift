import PilotoConfig
@testable import PilotoRuntime
import PilotoTestKit

extension ApplicationResponders {
    /// `responder` for the route at `path`, whatever its kind; no other route is wired.
    static func only(_ path: String, _ responder: any Responder) -> ApplicationResponders {
        ApplicationResponders(
            auth: { $0.path == path ? responder : nil }, dashboard: { $0.path == path ? responder : nil },
            websocket: { route, _ in route.path == path ? responder : nil },
            proxy: { route, _ in route.path == path ? responder : nil })
    }
}

/// Start and stop of the servers the tests run: one place, so every test server drains the same way.
extension Server {
    /// A started server on 127.0.0.1:0 with `site`'s routes, `route` first and answered by `responder`.
    static func startedForTest(
        site: SiteFixture, first route: Route, responder: any Responder, limits: ServerLimits = .fixture(),
        workers: Int = 1
    ) throws -> (Server, Int) {
        var routes = site.routes()
        routes.insert(route, at: 0)
        let server = try Server(
            config: .fixture(routes: routes, limits: limits, workers: workers), host: "127.0.0.1", port: 0,
            logger: Logger(sink: CapturingSink()), makeResponders: { _ in .only(route.path, responder) })
        try server.start()
        return (server, server.boundPort ?? 0)
    }

    /// SIGTERM's path (drain), waited for up to 5 s; then the logger closed if the test owns it.
    func stopForTest(closingLogger: Bool = false) {
        beginShutdown()
        waitUntilStopped(timeoutMilliseconds: 5000)
        if closingLogger { logger.close() }
    }
}
