import FoundationEssentials
import PilotoConfig
import Synchronization

/// `handler: dashboard` (issue 5): under the route's path `<p>`,
/// - `GET <p>` and `GET <p>/` → the dashboard page (HTML),
/// - `GET <p>/dashboard.js`, `GET <p>/dashboard.css` → its script and style, separate responses
///   because the example's CSP (`default-src 'self'`) forbids inline scripts and styles,
/// - `GET <p>/metrics` → the figures as JSON (`DashboardDocument`), polled by the page every 2 s.
///
/// HEAD is answered like GET without the body; other methods get 405 with `Allow`. Every answer
/// needs a live session (the route is `auth: required`), looked up through `AuthGate` like every
/// other handler: no session → 401 (an HTML page with a link to `/` for the page itself, JSON
/// otherwise); the store unavailable → the gate's 503 with `Retry-After`. The page's assets are
/// behind the session too: simpler to reason about than a public exception, and a logged-out
/// browser has nothing to draw anyway.
package final class DashboardResponder: Responder {
    /// What a path under the route asks for.
    enum Target: Equatable {
        case page, metrics, script, style
    }

    package let prefix: String
    private let config: PilotoConfig
    private let source: DashboardSource
    private let cluster: DashboardCluster?
    private let gate: AuthGate
    private let page: [UInt8]

    /// - Parameters:
    ///   - prefix: the route's path (`/api/dashboard`).
    ///   - sessions: where the session cookie is looked up.
    ///   - source: this instance's figures (one per server, shared by every dashboard route).
    ///   - cluster: every live instance's figures through Redis; nil: this instance alone.
    package init(
        prefix: String, config: PilotoConfig, source: DashboardSource, sessions: any SessionStore,
        cluster: DashboardCluster? = nil
    ) {
        self.prefix = prefix
        self.config = config
        self.source = source
        self.cluster = cluster
        gate = AuthGate(store: sessions, cookieName: config.cookies.session.name)
        page = DashboardPage.bytes(prefix: prefix)
    }

    /// Built from the server's shared parts (the `makeResponders` closure of `Server`).
    package convenience init(
        link: ServerLink, prefix: String, sessions: any SessionStore, source: DashboardSource? = nil,
        cluster: DashboardCluster? = nil
    ) {
        self.init(
            prefix: prefix, config: link.config, source: source ?? DashboardSource(link: link), sessions: sessions,
            cluster: cluster)
    }

    package func respond(to request: HTTPRequest) -> RouteResponse {
        guard let target = target(for: request.path) else { return DashboardError.notFound.response }
        guard request.method == "GET" || request.method == "HEAD" else {
            return DashboardError.readOnly.response
        }
        let promise = ResponsePromise()
        let retry = gate.retryAfterSeconds
        gate.lookup(request) { [self] found in
            switch found {
            case .session(let session) where session.expiresAt > Self.nowUnixMilliseconds():
                if target == .metrics, let cluster {
                    cluster.reading { [self] reading in promise.complete(.response(metricsResponse(reading))) }
                } else {
                    promise.complete(.response(serve(target)))
                }
            case .session, .noSession:
                promise.complete(Self.unauthorized(target))
            case .storeFailed(let error):
                promise.complete(AuthGateError.storeFailed(error, retryAfterSeconds: retry).response)
            }
        }
        return .deferred(promise)
    }

    /// The target for a request path under `prefix`, nil for anything else (404).
    func target(for path: String) -> Target? {
        guard prefix == "/" || path.hasPrefix(prefix) else { return nil }
        let rest = prefix == "/" ? path.dropFirst() : path.dropFirst(prefix.count).drop(while: { $0 == "/" })
        let relative = String(rest)
        switch relative {
        case "": return .page
        case "metrics": return .metrics
        case "dashboard.js": return .script
        case "dashboard.css": return .style
        default: return nil
        }
    }

    private func serve(_ target: Target) -> HTTPResponse {
        switch target {
        case .page: return Self.body(page, type: "text/html; charset=utf-8", cache: "no-cache")
        case .script: return Self.body(DashboardAssets.script, type: "text/javascript; charset=utf-8", cache: "no-cache")
        case .style: return Self.body(DashboardAssets.style, type: "text/css; charset=utf-8", cache: "no-cache")
        case .metrics: return metricsResponse(source.aloneReading())
        }
    }

    private func metricsResponse(_ reading: DashboardReading) -> HTTPResponse {
        Self.body(Array(DashboardDocument.render(reading, config: config).utf8), type: "application/json", cache: "no-store")
    }

    /// This instance's reading (tests).
    func reading() -> DashboardReading { source.aloneReading() }

    private static func body(_ bytes: [UInt8], type: String, cache: String) -> HTTPResponse {
        var headers = HTTPHeaders()
        headers.add("Content-Type", type)
        headers.add("Cache-Control", cache)
        return HTTPResponse(status: .ok, headers: headers, body: .bytes(bytes))
    }

    /// Stores drop expired sessions themselves; checking again costs nothing and keeps a lagging
    /// store (clock skew between instances) from extending a session on the dashboard.
    private static func nowUnixMilliseconds() -> Int64 { SystemWallClock().nowUnixMilliseconds() }

    /// 401: for the page, a small HTML page pointing to the app's login at `/` (a person is
    /// reading it); for the JSON and assets, the API's usual JSON error (a script is).
    static func unauthorized(_ target: Target) -> RouteResponse {
        guard target == .page else { return DashboardError.loginRequired.response }
        var headers = HTTPHeaders()
        headers.add("Content-Type", "text/html; charset=utf-8")
        headers.add("Cache-Control", "no-store")
        let body = Array(DashboardPage.loginRequired.utf8)
        return .response(HTTPResponse(status: .unauthorized, headers: headers, body: .bytes(body)))
    }
}
