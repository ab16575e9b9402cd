/// Typed, defaulted sections → the `PilotoConfig` model, read through `PilotoSchema`'s table.
///
/// Names, types and defaults live only in the `KeySpec` tables; every line here says which model
/// field a key fills (`KeyReader` checks the name exists, the Swift type matches the spec's type
/// and fills the spec's default). A mistake is a `SchemaDefect` that fails every load, and
/// `DecoderCoverageTests` fails when a spec is never read.
///
/// **Adding a key** (e.g. `server.keepalive_requests`):
/// 1. one `KeySpec` in the section's table in `PilotoSchema.swift` (name, type, presence with the
///    default as YAML text, summary) — the schema, docs, unknown-key hints and overlays follow;
/// 2. one model field (`ServerConfig.keepaliveRequests: Int`; `Optional` exactly when the spec is
///    `.optional`; a choice is a `String` enum with `ConfigChoice` conformance in `KeyReader.swift`);
/// 3. one read here: `keepaliveRequests: try s.read("keepalive_requests")`. Never `?? default`.
///
/// **Adding a section**: a `[KeySpec]` table and its `KeySpec(.section(table), .implied)` (or
/// `.optional`) entry in its parent; a model struct; a `func name(_ s: KeyReader) throws(SchemaDefect)`
/// here, called with `try root.section("name")` (or `optionalSection`, which gives nil when absent).
/// A route handler: a case of `RouteHandler` and of `RouteHandler.Kind`, and its branch in `route`
/// (the `switch` is exhaustive over `Kind`). Then regenerate the schema and docs (see README).
package struct ModelBuilder {
    let sourceName: String
    let baseDirectory: String
    /// Which schema paths this builder read (for the coverage test).
    package let log = KeyReadLog()

    /// The model, and each decoded route's index in the file's `routes:` list (for positions).
    func build(
        _ typed: TypedSection, environment: String?, environmentNames: [String]
    ) throws(SchemaDefect) -> (config: PilotoConfig, routeIndices: [Int]) {
        let root = KeyReader(specs: PilotoSchema.root, values: typed, path: "", log: log)
        // Overlays are merged into the document before typing; their names come from the checker.
        try root.decodedElsewhere("environments")
        var routes: [(index: Int, route: Route)] = []
        var unwrittenIdentity: [Int] = []  // proxy routes whose `identity:` default depends on the rest
        for item in try root.routes("routes") {
            guard let route = try route(item.reader) else { continue }
            if route.handler.kind == .proxy && item.reader.values["identity"] == nil { unwrittenIdentity.append(routes.count) }
            routes.append((item.index, route))
        }
        var secrets: [SecretRef] = []
        for entry in try root.sectionEntries("secrets") {
            secrets.append(SecretRef(envName: entry.name, secret: try entry.reader.read("secret"), version: try entry.reader.read("version")))
        }
        var config = PilotoConfig(
            sourceName: sourceName, environment: environment,
            service: try service(root.section("service")),
            scaling: try scaling(root.section("scaling")),
            build: try build(root.section("build")),
            server: try server(root.section("server")),
            cookies: CookiesConfig(session: try cookie(root.section("cookies").section("session"))),
            sessions: try sessions(root.section("sessions")),
            routes: routes.map(\.route),
            env: try root.entries("env", as: String.self).map { EnvVar(name: $0.name, value: $0.value) }.sorted { $0.name < $1.name },
            secrets: secrets.sorted { $0.envName < $1.envName },
            monitoring: try monitoring(root.section("monitoring")),
            network: try root.optionalSection("network").map { (s) throws(SchemaDefect) in try network(s) },
            environmentNames: environmentNames,
            realtime: try realtime(root.section("realtime")))
        try addEdge(root, to: &config)  // ModelBuilder+Edge.swift
        try addBackends(root, to: &config, unwrittenIdentity: unwrittenIdentity)  // ModelBuilder+Backends.swift
        return (config, routes.map(\.index))
    }

    /// A path as written plus resolved against the config file's folder.
    func path(_ written: String) -> ConfigPath {
        ConfigPath(asWritten: written, resolved: PathResolution.resolve(written, against: baseDirectory))
    }

    func service(_ s: KeyReader) throws(SchemaDefect) -> ServiceConfig {
        ServiceConfig(
            name: try s.read("name"), domain: try s.read("domain"), project: try s.read("project"),
            region: try s.read("region"), image: try s.read("image"),
            // The default depends on edge.mode: resolved in addEdge (ModelBuilder+Edge.swift).
            ingress: try s.read("ingress", as: ServiceConfig.Ingress?.self) ?? .all)
    }

    func scaling(_ s: KeyReader) throws(SchemaDefect) -> ScalingConfig {
        ScalingConfig(
            minInstances: try s.read("min_instances"), maxInstances: try s.read("max_instances"),
            concurrency: try s.read("concurrency"), cpu: try s.read("cpu"), memory: try s.read("memory"),
            cpuThrottling: try s.read("cpu_throttling"), startupCPUBoost: try s.read("startup_cpu_boost"),
            requestTimeout: try s.read("request_timeout"), sessionAffinity: try s.read("session_affinity"),
            executionEnvironment: try s.read("execution_environment"))
    }

    func build(_ s: KeyReader) throws(SchemaDefect) -> BuildConfig {
        var frontend: FrontendBuild?
        if let f = try s.optionalSection("frontend") {
            frontend = FrontendBuild(
                path: path(try f.read("path")), node: try f.read("node"), install: try f.read("install"),
                build: try f.read("build"), output: try f.read("output"))
        }
        return BuildConfig(
            swift: try s.read("swift"), frontend: frontend,
            piloto: try s.optionalSection("piloto").map { (p) throws(SchemaDefect) in try pilotoSource(p) })
    }

    func server(_ s: KeyReader) throws(SchemaDefect) -> ServerConfig {
        let l = try s.section("limits")
        let limits = ServerLimits(
            headerBytes: try l.read("header_bytes"), bodyBytes: try l.read("body_bytes"),
            headerTimeout: try l.read("header_timeout"), idleTimeout: try l.read("idle_timeout"),
            maxConnections: try l.read("max_connections"), bodyTimeout: try l.read("body_timeout"),
            maxHeaderCount: try l.read("max_header_count"))
        return ServerConfig(
            port: try s.read("port"), shutdownGrace: try s.read("shutdown_grace"), accessLog: try s.read("access_log"),
            limits: limits, headers: try s.entries("headers", as: String.self).map { HeaderField(name: $0.name, value: $0.value) },
            workers: try s.read("workers"))
    }

    func cookie(_ s: KeyReader) throws(SchemaDefect) -> SessionCookie {
        SessionCookie(
            name: try s.read("name"), httpOnly: try s.read("http_only"), secure: try s.read("secure"),
            sameSite: try s.read("same_site"), maxAge: try s.read("max_age"), path: try s.read("path"),
            domain: try s.read("domain"))
    }

    func sessions(_ s: KeyReader) throws(SchemaDefect) -> SessionsConfig {
        SessionsConfig(
            store: try s.read("store"), redisURL: try s.read("redis_url"), ttl: try s.read("ttl"),
            usersFile: try s.read("users_file", as: String?.self).map(path), maxSessions: try s.read("max_sessions"))
    }

    /// nil when a key the route cannot exist without was rejected (already reported).
    func route(_ s: KeyReader) throws(SchemaDefect) -> Route? {
        guard let routePath = try s.read("path", as: String?.self),
            let kind = try s.read("handler", as: RouteHandler.Kind?.self)
        else { return nil }
        let handler: RouteHandler
        switch kind {
        case .health: handler = .health
        case .auth: handler = .auth
        case .dashboard: handler = .dashboard
        case .metrics: handler = .metrics(MetricsRoute(allowRemote: try s.read("allow_remote")))
        case .websocket:
            handler = .websocket(WebSocketRoute(
                mode: try s.read("mode"), maxMessage: try s.read("max_message"), origins: try s.read("origins")))
        case .staticFiles:
            guard let root = try s.read("root", as: String?.self) else { return nil }
            handler = .staticFiles(StaticRoute(root: path(root), cache: try s.read("cache")))
        case .spa:
            guard let root = try s.read("root", as: String?.self) else { return nil }
            handler = .spa(SPARoute(root: path(root), index: try s.read("index")))
        case .proxy:
            guard let proxy = try proxyRoute(s) else { return nil }  // ModelBuilder+Backends.swift
            handler = .proxy(proxy)
        }
        return Route(path: routePath, handler: handler, authRequired: try s.read("auth", as: String.self) == "required")
    }

    func monitoring(_ s: KeyReader) throws(SchemaDefect) -> MonitoringConfig {
        let a = try s.section("alerts")
        let t = try s.section("triggers")
        return MonitoringConfig(
            countryHeader: try s.read("country_header"),
            alerts: AlertThresholds(
                latencyP99: try a.read("latency_p99"), cpu: try a.read("cpu"), memory: try a.read("memory"),
                errorRate: try a.read("error_rate"), duration: try a.read("for")),
            notificationChannels: try s.read("notification_channels"),
            triggers: Triggers(
                concurrentUsers: try t.read("concurrent_users"), latencyUS: try t.read("latency_us"), cpu: try t.read("cpu"),
                requestsPerSecond: try t.read("requests_per_second"), monthlyCostUSD: try t.read("monthly_cost_usd")))
    }

    func network(_ s: KeyReader) throws(SchemaDefect) -> NetworkConfig {
        NetworkConfig(
            vpc: try s.read("vpc"), subnet: try s.read("subnet"), connector: try s.read("connector"),
            egress: try s.read("egress"))
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
        // Appended piece by piece: `joined(separator:)` on `[Substring]` runs the unspecialized
        // generic (metadata and conformance lookups at every cold start).
        guard !parts.isEmpty else { return "/" }
        var out = ""
        out.reserveCapacity(joined.utf8.count)
        for part in parts {
            out.append("/")
            out.append(contentsOf: part)
        }
        return out
    }
}

extension ModelBuilder {
    /// The schema paths (`KeyReader.schemaPaths` form) decoding `yaml` reads, and every path of the
    /// table, for the test that each spec is decoded. `yaml` must type-check cleanly.
    package static func keyPathsRead(decoding yaml: String) throws -> (read: Set<String>, schema: [String]) {
        let (outcome, parseDiagnostics) = YAMLParser.parseDocument(yaml, file: "coverage.yaml")
        guard case .document(.mapping(let document)?) = outcome, parseDiagnostics.isEmpty else {
            throw ConfigError(diagnostics: parseDiagnostics, rendered: "not a clean mapping")
        }
        var checker = SchemaChecker(file: "coverage.yaml")
        let typed = checker.checkRoot(document, partial: false)
        guard checker.diagnostics.isEmpty else {
            throw ConfigError(diagnostics: checker.diagnostics, rendered: "\(checker.diagnostics.map(\.message))")
        }
        let builder = ModelBuilder(sourceName: "coverage.yaml", baseDirectory: "/")
        _ = try builder.build(typed, environment: nil, environmentNames: checker.environmentNames)
        return (builder.log.paths, KeyReader.schemaPaths(PilotoSchema.root))
    }
}
