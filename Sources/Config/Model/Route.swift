/// One entry of `routes:`: a path prefix and what serves it. The first matching prefix wins.
package struct Route: Sendable, Equatable {
    /// Path prefix, starting with `/`, no trailing slash (except `/` itself).
    package var path: String
    package var handler: RouteHandler
    /// `auth: required` — a valid session cookie is needed (401 otherwise).
    package var authRequired: Bool

    package init(path: String, handler: RouteHandler, authRequired: Bool) {
        self.path = path
        self.handler = handler
        self.authRequired = authRequired
    }

    /// True when `requestPath` falls under this route's prefix on a segment boundary
    /// (`/api` matches `/api` and `/api/x`, not `/apix`).
    /// Compares UTF-8 bytes: paths are normalized before routing, and `String.hasPrefix` would pay
    /// for Unicode canonical equivalence on every request.
    package func matches(_ requestPath: String) -> Bool {
        let request = requestPath.utf8
        let prefix = path.utf8
        if prefix.count == 1 && prefix.first == UInt8(ascii: "/") { return request.first == UInt8(ascii: "/") }
        guard request.starts(with: prefix) else { return false }
        let rest = request.dropFirst(prefix.count)
        return rest.isEmpty || rest.first == UInt8(ascii: "/")
    }
}

/// What a route does (`handler:` plus the keys that handler takes).
package enum RouteHandler: Sendable, Equatable {
    /// Liveness at the path, readiness at `<path>/ready`.
    case health
    /// `POST <path>/login`, `POST <path>/logout`, `GET <path>/me`.
    case auth
    /// `GET <path>/metrics` JSON and the dashboard page.
    case dashboard
    /// Prometheus text exposition.
    case metrics(MetricsRoute)
    case websocket(WebSocketRoute)
    case staticFiles(StaticRoute)
    case spa(SPARoute)
    case proxy(ProxyRoute)

    /// Which handler, without its options: the one list of handler keywords (the schema's
    /// `handler:` choice, `handlers:` of route keys and the docs all derive from it).
    package enum Kind: String, Sendable, Equatable, CaseIterable {
        case health, auth, dashboard, metrics, websocket
        case staticFiles = "static"
        case spa, proxy
    }

    package var kind: Kind {
        switch self {
        case .health: .health
        case .auth: .auth
        case .dashboard: .dashboard
        case .metrics: .metrics
        case .websocket: .websocket
        case .staticFiles: .staticFiles
        case .spa: .spa
        case .proxy: .proxy
        }
    }

    /// The `handler:` keyword as written in YAML.
    package var keyword: String { kind.rawValue }
}

/// `handler: metrics` options.
package struct MetricsRoute: Sendable, Equatable {
    /// When false (default) only loopback clients get an answer; others get 404.
    package var allowRemote: Bool

    package init(allowRemote: Bool) { self.allowRemote = allowRemote }
}

/// `handler: websocket` options.
package struct WebSocketRoute: Sendable, Equatable {
    package var mode: Mode
    /// Largest message after joining fragments; beyond → close 1009. Default 1MiB.
    package var maxMessage: ByteSize
    /// Extra allowed `Origin` values besides `https://<service.domain>`, in file order.
    package var origins: [String]

    package init(mode: Mode, maxMessage: ByteSize, origins: [String]) {
        self.mode = mode
        self.maxMessage = maxMessage
        self.origins = origins
    }

    package enum Mode: String, Sendable, Equatable, CaseIterable {
        /// Every message comes straight back to its sender.
        case echo
        /// `<path>/<channel>` joins a channel; messages go to every member.
        case channels
    }
}

/// `handler: static` options.
package struct StaticRoute: Sendable, Equatable {
    package var root: ConfigPath
    package var cache: CachePolicy

    package init(root: ConfigPath, cache: CachePolicy) {
        self.root = root
        self.cache = cache
    }
}

/// `cache:` on a static route.
package enum CachePolicy: Sendable, Equatable {
    /// `public, max-age=31536000, immutable` — for content-hashed asset names.
    case immutable
    /// `no-cache` — revalidate every time (ETag makes that cheap).
    case noCache
    /// `public, max-age=N`.
    case maxAge(TimeSpan)

    /// The `Cache-Control` header value.
    package var headerValue: String {
        switch self {
        case .immutable: "public, max-age=31536000, immutable"
        case .noCache: "no-cache"
        case .maxAge(let span): "public, max-age=\(span.milliseconds / 1000)"
        }
    }
}

/// `handler: spa` options: files from `root`, `index.html` for page navigations only.
package struct SPARoute: Sendable, Equatable {
    package var root: ConfigPath
    /// The fallback document, default `index.html`.
    package var index: String

    package init(root: ConfigPath, index: String) {
        self.root = root
        self.index = index
    }
}

/// `handler: proxy` options: forward to an existing HTTP backend.
package struct ProxyRoute: Sendable, Equatable {
    /// `http://host:port[/base]`.
    package var upstream: String
    /// Upstream response timeout.
    package var timeout: TimeSpan

    package init(upstream: String, timeout: TimeSpan) {
        self.upstream = upstream
        self.timeout = timeout
    }
}
