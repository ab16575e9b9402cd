/// One entry of `routes:`: a path prefix and what serves it. The first matching prefix wins.
package struct Route: Sendable, Equatable {
    /// Path prefix, starting with `/`, no trailing slash (except `/` itself).
    package var path: String
    package var handler: RouteHandler
    /// `auth: required` — a valid session cookie is needed (401 otherwise).
    package var authRequired: Bool

    /// True when `requestPath` falls under this route's prefix on a segment boundary
    /// (`/api` matches `/api` and `/api/x`, not `/apix`; `/` matches every absolute path).
    /// Compares UTF-8 bytes: paths are normalized before routing, and `String.hasPrefix` would pay
    /// for Unicode canonical equivalence on every request. The router runs this for every route
    /// before the one that wins, on every request, so both strings are read from their contiguous
    /// storage (every native String has one), not through the generic `starts(with:)`.
    package func matches(_ requestPath: String) -> Bool { Self.path(requestPath, fallsUnder: path) }

    /// The same rule on a route's path alone: the router's per-request loop tests
    /// `entries[i].route.path` in place, where calling `matches` copied the whole `Route` first.
    package static func path(_ requestPath: String, fallsUnder path: String) -> Bool {
        let fast = path.utf8.withContiguousStorageIfAvailable { prefix in
            requestPath.utf8.withContiguousStorageIfAvailable { Self.path($0, fallsUnder: prefix) }
        }
        if let fast, let result = fast { return result }
        return Array(path.utf8).withUnsafeBufferPointer { prefix in
            Array(requestPath.utf8).withUnsafeBufferPointer { Self.path($0, fallsUnder: prefix) }
        }
    }

    private static func path(_ request: UnsafeBufferPointer<UInt8>, fallsUnder prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        if prefix.count == 1 && prefix[0] == UInt8(ascii: "/") { return request.first == UInt8(ascii: "/") }
        guard request.count >= prefix.count, request.prefix(prefix.count).elementsEqual(prefix) else { return false }
        return request.count == prefix.count || request[prefix.count] == UInt8(ascii: "/")
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
}

/// `handler: websocket` options.
package struct WebSocketRoute: Sendable, Equatable {
    package var mode: Mode
    /// Largest message after joining fragments; beyond → close 1009. Default 1MiB.
    package var maxMessage: ByteSize
    /// Extra allowed `Origin` values besides `https://<service.domain>`, in file order.
    package var origins: [String]

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
}

/// `handler: proxy` options: forward to the team's backend over HTTP/1.1 (docs/proxy.md).
package struct ProxyRoute: Sendable, Equatable {
    /// As written: a `backends:` name or `http://host:port[/base]`.
    package var upstream: String
    /// Forward the path without the route prefix (`/api/clientes/7` → `/7`); default false.
    package var stripPrefix: Bool = false
    /// Connecting to the upstream; each attempt (a refused one is retried until `hold`).
    package var connectTimeout: TimeSpan = .seconds(2)
    /// Request sent → first response byte; past it → 504.
    package var timeout: TimeSpan = .seconds(60)
    /// Silence on an open response body or tunnel; past it the connection is closed.
    package var idleTimeout: TimeSpan = .seconds(300)
    /// How long refused connects are retried (a backend restarting) before 502.
    package var hold: TimeSpan = .seconds(10)
    package var retry: ProxyRetry = .safe
    /// Request body limit on this route (413); nil: `server.limits.body_bytes`.
    package var maxBody: ByteSize?
    /// Forward `Upgrade: websocket` (Origin policy and auth still apply).
    package var websocket: Bool = false
    /// How the logged-in user is told to the backend. The decoder resolves the default
    /// (`signed` when `sessions.identity_key` is set, else `headers` when sessions exist, else `off`).
    package var identity: ProxyIdentity = .off
}

/// `retry:` on a proxy route.
package enum ProxyRetry: String, Sendable, Equatable, CaseIterable {
    /// Replay only what is safe: never reached the upstream, GET/HEAD/OPTIONS without a body, or
    /// carrying `Idempotency-Key`. A POST is never executed twice.
    case safe
    case off
}

/// `identity:` on a proxy route.
package enum ProxyIdentity: String, Sendable, Equatable, CaseIterable {
    /// No identity header.
    case off
    /// `X-Piloto-User: <login>` (only for a backend nobody else can reach).
    case headers
    /// `X-Piloto-Assertion: <JWT>`, HS256 with `sessions.identity_key`.
    case signed
}
