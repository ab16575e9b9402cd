@testable import PilotoConfig

extension PilotoConfig {
    /// A complete config built by hand (the YAML loader lives on another branch until it lands).
    static func fixture(
        routes: [Route],
        limits: ServerLimits = .fixture(),
        headers: [HeaderField] = [HeaderField(name: "X-Content-Type-Options", value: "nosniff")],
        accessLog: Bool = false,
        workers: Int = 2,
        countryHeader: String? = "X-Client-Region",
        rttHeader: String? = "X-Client-RTT-Ms",
        shutdownGrace: TimeSpan = .seconds(5),
        project: String? = "demo-project"
    ) -> PilotoConfig {
        var config = PilotoConfig(
            sourceName: "piloto.yaml", environment: nil,
            service: ServiceConfig(
                name: "demo", domain: "app.example.com", project: project, region: "southamerica-east1",
                image: "x/y:1", ingress: .all),
            scaling: ScalingConfig(
                minInstances: 0, maxInstances: 3, concurrency: 80, cpu: .cores(1), memory: .mebibytes(512),
                cpuThrottling: true, startupCPUBoost: true, requestTimeout: .minutes(60), sessionAffinity: true,
                executionEnvironment: .gen2),
            build: BuildConfig(
                swift: "6.1",
                frontend: FrontendBuild(
                    path: ConfigPath(asWritten: "frontend", resolved: "/nonexistent/frontend"), node: "20",
                    install: "npm ci", build: "npm run build", output: "dist")),
            server: ServerConfig(
                port: 8080, shutdownGrace: shutdownGrace, accessLog: accessLog, limits: limits, headers: headers,
                workers: workers),
            cookies: CookiesConfig(
                session: SessionCookie(
                    name: "session_id", httpOnly: true, secure: true, sameSite: .lax, maxAge: .days(7), path: "/",
                    domain: nil)),
            sessions: SessionsConfig(
                store: .memory, redisURL: "redis://127.0.0.1:6379", ttl: .days(7), usersFile: nil, maxSessions: 10_000),
            routes: routes, env: [], secrets: [],
            monitoring: MonitoringConfig(
                countryHeader: countryHeader,
                alerts: AlertThresholds(latencyP99: nil, cpu: nil, memory: nil, errorRate: nil, duration: .minutes(5)),
                notificationChannels: [],
                triggers: Triggers(concurrentUsers: nil, latencyUS: nil, cpu: nil, requestsPerSecond: nil, monthlyCostUSD: nil)),
            network: nil, environmentNames: [])
        config.monitoring.rttHeader = rttHeader
        return config
    }
}

extension ServerLimits {
    static func fixture(
        headerBytes: Int64 = 8192, bodyBytes: Int64 = 65536, headerTimeout: TimeSpan = .seconds(10),
        idleTimeout: TimeSpan = .seconds(60), maxConnections: Int = 1000, bodyTimeout: TimeSpan = .seconds(10),
        maxHeaderCount: Int = 50
    ) -> ServerLimits {
        ServerLimits(
            headerBytes: ByteSize(bytes: headerBytes), bodyBytes: ByteSize(bytes: bodyBytes), headerTimeout: headerTimeout,
            idleTimeout: idleTimeout, maxConnections: maxConnections, bodyTimeout: bodyTimeout, maxHeaderCount: maxHeaderCount)
    }
}
