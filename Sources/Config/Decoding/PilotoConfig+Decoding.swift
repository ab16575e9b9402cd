/// Typed, defaulted sections → the `PilotoConfig` model.
///
/// Schema checking already filled every default and reported every type error, so the fallbacks
/// here only matter for values that were rejected (the load fails then anyway); they keep this
/// code total without force-unwraps.
struct ModelBuilder {
    let sourceName: String
    let baseDirectory: String

    func build(_ root: TypedSection, environment: String?, environmentNames: [String]) -> PilotoConfig {
        let routes = indexedRoutes(root).map(\.route)
        let env = (root.section("env")?.entries ?? []).compactMap { entry -> EnvVar? in
            guard case .string(let value) = entry.value else { return nil }
            return EnvVar(name: entry.name, value: value)
        }.sorted { $0.name < $1.name }
        let secrets = (root.section("secrets")?.entries ?? []).compactMap { entry -> SecretRef? in
            guard case .section(let s) = entry.value else { return nil }
            return SecretRef(envName: entry.name, secret: s.string("secret") ?? "", version: s.string("version") ?? "")
        }.sorted { $0.envName < $1.envName }
        var config = PilotoConfig(
            sourceName: sourceName, environment: environment,
            service: service(root.section("service") ?? TypedSection()),
            scaling: scaling(root.section("scaling") ?? TypedSection()),
            build: build(root.section("build") ?? TypedSection()),
            server: server(root.section("server") ?? TypedSection()),
            cookies: CookiesConfig(session: cookie(root.section("cookies")?.section("session") ?? TypedSection())),
            sessions: sessions(root.section("sessions") ?? TypedSection()),
            routes: routes, env: env, secrets: secrets,
            monitoring: monitoring(root.section("monitoring") ?? TypedSection()),
            network: root.section("network").map(network),
            environmentNames: environmentNames)
        addEdge(root, to: &config)  // ModelBuilder+Edge.swift
        return config
    }

    /// Decoded routes with their index in the file's `routes:` list (for positions).
    func indexedRoutes(_ root: TypedSection) -> [(index: Int, route: Route)] {
        (root.list("routes") ?? []).enumerated().compactMap { item -> (Int, Route)? in
            guard case .section(let s) = item.element, let route = route(s) else { return nil }
            return (item.offset, route)
        }
    }

    /// A path as written plus resolved against the config file's folder.
    func path(_ written: String) -> ConfigPath {
        ConfigPath(asWritten: written, resolved: PathResolution.resolve(written, against: baseDirectory))
    }

    func service(_ s: TypedSection) -> ServiceConfig {
        ServiceConfig(
            name: s.string("name") ?? "", domain: s.string("domain") ?? "", project: s.string("project"),
            region: s.string("region") ?? "southamerica-east1", image: s.string("image") ?? "",
            ingress: s.string("ingress").flatMap(ServiceConfig.Ingress.init(rawValue:)) ?? .all)
    }

    func scaling(_ s: TypedSection) -> ScalingConfig {
        ScalingConfig(
            minInstances: s.integer("min_instances") ?? 0, maxInstances: s.integer("max_instances") ?? 3,
            concurrency: s.integer("concurrency") ?? 80, cpu: s.cpu("cpu") ?? .cores(1),
            memory: s.byteSize("memory") ?? .mebibytes(512), cpuThrottling: s.boolean("cpu_throttling") ?? true,
            startupCPUBoost: s.boolean("startup_cpu_boost") ?? true,
            requestTimeout: s.duration("request_timeout") ?? .minutes(60),
            sessionAffinity: s.boolean("session_affinity") ?? true,
            executionEnvironment: s.string("execution_environment").flatMap(ScalingConfig.ExecutionEnvironment.init)
                ?? .gen2)
    }

    func build(_ s: TypedSection) -> BuildConfig {
        BuildConfig(
            swift: s.string("swift") ?? "6.1",
            frontend: s.section("frontend").map { f in
                FrontendBuild(
                    path: path(f.string("path") ?? "."), node: f.string("node") ?? "20",
                    install: f.string("install") ?? "npm ci", build: f.string("build") ?? "npm run build",
                    output: f.string("output") ?? "dist")
            })
    }

    func server(_ s: TypedSection) -> ServerConfig {
        let l = s.section("limits") ?? TypedSection()
        let limits = ServerLimits(
            headerBytes: l.byteSize("header_bytes") ?? .kibibytes(32), bodyBytes: l.byteSize("body_bytes") ?? .mebibytes(1),
            headerTimeout: l.duration("header_timeout") ?? .seconds(10), idleTimeout: l.duration("idle_timeout") ?? .seconds(60),
            maxConnections: l.integer("max_connections") ?? 1000, bodyTimeout: l.duration("body_timeout") ?? .seconds(30),
            maxHeaderCount: l.integer("max_header_count") ?? 100)
        let headers = (s.section("headers")?.entries ?? []).compactMap { entry -> HeaderField? in
            guard case .string(let value) = entry.value else { return nil }
            return HeaderField(name: entry.name, value: value)
        }
        return ServerConfig(
            port: s.integer("port") ?? 8080, shutdownGrace: s.duration("shutdown_grace") ?? .seconds(8),
            accessLog: s.boolean("access_log") ?? false, limits: limits, headers: headers, workers: s.integer("workers") ?? 0)
    }

    func cookie(_ s: TypedSection) -> SessionCookie {
        SessionCookie(
            name: s.string("name") ?? "session_id", httpOnly: s.boolean("http_only") ?? true,
            secure: s.boolean("secure") ?? true,
            sameSite: s.string("same_site").flatMap(SessionCookie.SameSite.init(rawValue:)) ?? .lax,
            maxAge: s.duration("max_age") ?? .days(7), path: s.string("path") ?? "/", domain: s.string("domain"))
    }

    func sessions(_ s: TypedSection) -> SessionsConfig {
        SessionsConfig(
            store: s.string("store").flatMap(SessionsConfig.Store.init(rawValue:)) ?? .memory,
            redisURL: s.string("redis_url") ?? "redis://127.0.0.1:6379", ttl: s.duration("ttl") ?? .days(7),
            usersFile: s.string("users_file").map(path), maxSessions: s.integer("max_sessions") ?? 10_000)
    }

    func route(_ s: TypedSection) -> Route? {
        guard let routePath = s.string("path"), let keyword = s.string("handler") else { return nil }
        let handler: RouteHandler
        switch keyword {
        case "health": handler = .health
        case "auth": handler = .auth
        case "dashboard": handler = .dashboard
        case "metrics": handler = .metrics(MetricsRoute(allowRemote: s.boolean("allow_remote") ?? false))
        case "websocket":
            handler = .websocket(WebSocketRoute(
                mode: s.string("mode").flatMap(WebSocketRoute.Mode.init(rawValue:)) ?? .channels,
                maxMessage: s.byteSize("max_message") ?? .mebibytes(1), origins: s.strings("origins")))
        case "static":
            guard let root = s.string("root") else { return nil }
            handler = .staticFiles(StaticRoute(root: path(root), cache: s.cache("cache") ?? .noCache))
        case "spa":
            guard let root = s.string("root") else { return nil }
            handler = .spa(SPARoute(root: path(root), index: s.string("index") ?? "index.html"))
        case "proxy":
            guard let upstream = s.string("upstream") else { return nil }
            handler = .proxy(ProxyRoute(upstream: upstream, timeout: s.duration("timeout") ?? .seconds(30)))
        default:
            return nil
        }
        return Route(path: routePath, handler: handler, authRequired: s.string("auth") == "required")
    }

    func monitoring(_ s: TypedSection) -> MonitoringConfig {
        let a = s.section("alerts") ?? TypedSection()
        let t = s.section("triggers") ?? TypedSection()
        return MonitoringConfig(
            countryHeader: s.string("country_header"),
            alerts: AlertThresholds(
                latencyP99: a.duration("latency_p99"), cpu: a.percentage("cpu"), memory: a.percentage("memory"),
                errorRate: a.percentage("error_rate"), duration: a.duration("for") ?? .minutes(5)),
            notificationChannels: s.strings("notification_channels"),
            triggers: Triggers(
                concurrentUsers: t.integer("concurrent_users"), latencyUS: t.duration("latency_us"), cpu: t.percentage("cpu"),
                requestsPerSecond: t.integer("requests_per_second"), monthlyCostUSD: t.integer("monthly_cost_usd")))
    }

    func network(_ s: TypedSection) -> NetworkConfig {
        NetworkConfig(
            vpc: s.string("vpc"), subnet: s.string("subnet"), connector: s.string("connector"),
            egress: s.string("egress").flatMap(NetworkConfig.Egress.init(rawValue:)) ?? .privateRangesOnly)
    }
}

/// Relative config paths resolve against the config file's folder; `.` and `..` are folded so the
/// runtime sees one canonical absolute path.
package enum PathResolution {
    package static func resolve(_ path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/") {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }
}
