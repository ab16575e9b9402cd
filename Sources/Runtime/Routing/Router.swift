import PilotoConfig
import Synchronization

/// Why the routes could not be built at boot.
package enum RouterError: Error, Equatable, Sendable {
    case staticRootMissing(route: String, root: String, hint: String?)
    case staticRootUnreadable(route: String, root: String)
    /// A route kind whose builder (`ApplicationResponders`) gave no responder.
    case unwired(route: String, handler: String)

    /// One line for the boot log / stderr.
    package var message: String {
        switch self {
        case .staticRootMissing(let route, let root, let hint):
            "route \(route): static root '\(root)' does not exist" + (hint.map { "; build it with: \($0)" } ?? "")
        case .staticRootUnreadable(let route, let root):
            "route \(route): static root '\(root)' cannot be read"
        case .unwired(let route, let handler):
            "route \(route): handler '\(handler)' has nothing to answer it in this server"
        }
    }
}

/// Routes from the config, in order; the first prefix match wins (`Route.matches`). Built once at
/// boot by `RouteAssembly` (one responder per route, static roots checked, responses
/// precomputed; the files themselves are read by `files.loadAtLowPriority()` once the server is
/// bound), then read-only and shared by every loop. The router itself only matches and applies
/// what every route shares: the body limit, the CSRF check and `auth: required` on kinds that
/// have no session.
package final class Router: Sendable {
    package struct Entry: Sendable {
        let route: Route
        let responder: any Responder
        /// Unsafe methods need a same-origin `Origin`/`Sec-Fetch-Site` (`CSRFPolicy`).
        let csrfProtected: Bool
        /// Largest body this route takes: `server.limits.body_bytes`, or the proxy's own `max_body`
        /// (the parser accepts the largest of all, so every other route checks here).
        let maxBody: Int
        /// The responder checks the session cookie itself (auth, dashboard, websocket, proxy). On
        /// piloto's own kinds `auth: required` cannot be checked, so it fails closed with 401.
        let checksSessions: Bool

        package init(route: Route, responder: any Responder, checksSessions: Bool, maxBody: Int) {
            self.route = route
            self.responder = responder
            self.checksSessions = checksSessions
            self.maxBody = maxBody
            csrfProtected = CSRFPolicy.protects(routePath: route.path)
        }
    }

    let entries: [Entry]
    /// The static and SPA roots' files: `Server.start` reads them once the loops accept.
    package let files: StaticRoots
    package let state: ServerState
    package let metrics: MetricsRegistry
    package let logger: Logger?
    private let notFound: PrebuiltResponse
    private let csrf: CSRFPolicy

    /// Route patterns in order, for metric labels.
    package var patterns: [String] { entries.map(\.route.path) }

    /// - Parameter notFound: the answer for a path no route matches (the JSON 404 with the
    ///   configured response headers).
    /// - Parameter devMode: `serve --dev`; also accepts loopback `http` origins (`CSRFPolicy`).
    package init(
        entries: [Entry], files: StaticRoots, notFound: PrebuiltResponse, serviceOrigin: String, state: ServerState, metrics: MetricsRegistry,
        logger: Logger?, devMode: Bool = false
    ) {
        self.entries = entries
        self.files = files
        self.notFound = notFound
        self.state = state
        self.metrics = metrics
        self.logger = logger
        csrf = CSRFPolicy(serviceOrigin: serviceOrigin, devMode: devMode)
    }

    /// The route index for a path (`patterns.count` means unmatched).
    /// Each route's path is tested in place (`Route.path(_:fallsUnder:)`): iterating the entries,
    /// or calling `entries[i].route.matches`, copied the whole `Route` (a retain per string) on
    /// every request.
    package func match(_ path: String) -> Int {
        for index in entries.indices where Route.path(path, fallsUnder: entries[index].route.path) { return index }
        return entries.count
    }

    /// Answers one request; `route` is the index from `match`.
    package func respond(to request: HTTPRequest, route: Int) throws(HTTPError) -> RouteResponse {
        guard route < entries.count else { return .prebuilt(notFound, includeBody: !request.head.isHead) }
        // Fields read in place (`entries[route].x`), not a local copy of the entry: a copy retains
        // every string of its `Route`, on every request.
        let maxBody = entries[route].maxBody
        guard request.body.count <= maxBody else {
            throw HTTPError(.contentTooLarge, "request body larger than \(maxBody) bytes")
        }
        if entries[route].csrfProtected && !request.isRead && !CSRFPolicy.isSafe(request.method), let reason = csrf.refusal(request) {
            logger?.log(.warning, "csrf: \(reason)", fields: [("path", .string(request.path)), ("method", .string(request.method))])
            throw HTTPError(.forbidden, reason)
        }
        // Sessions are checked by the responders that have a store; elsewhere fail closed rather
        // than serve publicly.
        guard !entries[route].route.authRequired || entries[route].checksSessions else {
            throw HTTPError(.unauthorized, "authentication required")
        }
        return try entries[route].responder.respond(to: request)
    }
}

/// The router is the core's responder: it labels the request with its route for the observer.
extension Router: HTTPResponder {
    /// Proxied request bodies stream to the upstream as they arrive (memory stays flat for a big
    /// upload); every other route gets its body whole, within `server.limits.body_bytes`.
    package func streamsRequestBody(_ head: HTTPRequestHead, path: String) -> Bool {
        let route = match(path)
        guard route < entries.count, case .proxy = entries[route].route.handler else { return false }
        return true
    }

    package func respond(to request: HTTPRequest, context: inout RequestContext) throws(HTTPError) -> RouteResponse {
        let route = match(request.path)
        if route < entries.count { context.route = route }
        return try respond(to: request, route: route)
    }
}
