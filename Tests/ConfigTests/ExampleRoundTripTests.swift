import Foundation
import Testing
@testable import PilotoConfig

/// The example file is a contract: every key must decode into exactly this value.
struct ExampleRoundTripTests {
    static func expectedExample(base: String) -> PilotoConfig {
        var config = PilotoConfig(
            sourceName: "piloto.yaml", environment: nil,
            service: ServiceConfig(
                name: "piloto-vendas-app", domain: "app.pilotodevendas.ia", project: "piloto-vendas",
                region: "southamerica-east1",
                image: "southamerica-east1-docker.pkg.dev/piloto-vendas/piloto/piloto-vendas-app:dev", ingress: .all),
            scaling: ScalingConfig(
                minInstances: 0, maxInstances: 3, concurrency: 80, cpu: .cores(1), memory: .mebibytes(512),
                cpuThrottling: true, startupCPUBoost: true, requestTimeout: .minutes(60), sessionAffinity: true,
                executionEnvironment: .gen2),
            build: BuildConfig(
                swift: "6.1",
                frontend: FrontendBuild(
                    path: ConfigPath(asWritten: "frontend", resolved: base + "/frontend"), node: "20", install: "npm ci",
                    build: "npm run build", output: "dist")),
            server: ServerConfig(
                port: 8080, shutdownGrace: .seconds(8), accessLog: false,
                limits: ServerLimits(
                    headerBytes: .kibibytes(32), bodyBytes: .mebibytes(1), headerTimeout: .seconds(10),
                    idleTimeout: .seconds(60), maxConnections: 1000, bodyTimeout: .seconds(30), maxHeaderCount: 100),
                headers: [
                    HeaderField(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains"),
                    HeaderField(
                        name: "Content-Security-Policy",
                        value: "default-src 'self'; connect-src 'self' wss://app.pilotodevendas.ia"),
                    HeaderField(name: "X-Content-Type-Options", value: "nosniff"),
                    HeaderField(name: "Referrer-Policy", value: "strict-origin-when-cross-origin"),
                ],
                workers: 0),
            cookies: CookiesConfig(
                session: SessionCookie(
                    name: "session_id", httpOnly: true, secure: true, sameSite: .lax, maxAge: .days(7), path: "/",
                    domain: nil)),
            sessions: SessionsConfig(
                store: .memory, redisURL: "redis://127.0.0.1:6379", ttl: .days(7),
                usersFile: ConfigPath(asWritten: "users.txt", resolved: base + "/users.txt"), maxSessions: 10_000),
            routes: [
                Route(path: "/api/health", handler: .health, authRequired: false),
                Route(path: "/api/auth", handler: .auth, authRequired: false),
                Route(path: "/api/dashboard", handler: .dashboard, authRequired: true),
                Route(
                    path: "/ws/echo",
                    handler: .websocket(WebSocketRoute(mode: .echo, maxMessage: .mebibytes(1), origins: [])),
                    authRequired: false),
                Route(
                    path: "/ws",
                    handler: .websocket(WebSocketRoute(mode: .channels, maxMessage: .kibibytes(64), origins: [])),
                    authRequired: true),
                Route(
                    path: "/assets",
                    handler: .staticFiles(StaticRoute(
                        root: ConfigPath(asWritten: "frontend/dist/assets", resolved: base + "/frontend/dist/assets"),
                        cache: .immutable)),
                    authRequired: false),
                Route(
                    path: "/",
                    handler: .spa(SPARoute(
                        root: ConfigPath(asWritten: "frontend/dist", resolved: base + "/frontend/dist"), index: "index.html")),
                    authRequired: false),
            ],
            env: [EnvVar(name: "LOG_LEVEL", value: "info")],
            secrets: [SecretRef(envName: "DATABASE_URL", secret: "db-url", version: "1")],
            monitoring: MonitoringConfig(
                countryHeader: "X-Client-Region",
                alerts: AlertThresholds(
                    latencyP99: TimeSpan(milliseconds: 1000), cpu: .percent(70), memory: .percent(80),
                    errorRate: .percent(1), duration: .minutes(5)),
                notificationChannels: [],
                triggers: Triggers(
                    concurrentUsers: 200, latencyUS: TimeSpan(milliseconds: 500), cpu: .percent(70),
                    requestsPerSecond: 1000, monthlyCostUSD: 500)),
            network: nil, environmentNames: ["staging"])
        config.service.ingress = .internalAndCloudLoadBalancing
        config.monitoring.rttHeader = "X-Client-RTT-Ms"
        config.edge = EdgeConfig(
            mode: .loadBalancer, cdn: false,
            requestHeaders: [
                HeaderField(name: "X-Client-Region", value: "{client_region}"),
                HeaderField(name: "X-Client-RTT-Ms", value: "{client_rtt_msec}"),
            ], httpToHTTPS: true)
        config.cost = CostUsage(
            requestsPerMonth: 3_000_000, meanRequestSeconds: 0.05, websocketHours: 220, peakWebSockets: 20, egressGiB: 5,
            cdnEgressGiB: [.northAmerica: 2, .southAmerica: 10, .europe: 0, .asiaPacific: 0], logGiB: 2)
        return config
    }

    @Test func example_decodesEveryKey_intoExpectedConfig() throws {
        let text = try Fixtures.text("valid/piloto.example.yaml")
        let loaded = try ConfigLoader.load(yaml: text, sourceName: "piloto.yaml", baseDirectory: "/srv/app")
        #expect(loaded.config == Self.expectedExample(base: "/srv/app"))
        #expect(!loaded.warnings.contains { $0.severity == .error })
    }

    @Test func repoConfig_decodes_withMetricsRoute() throws {
        let text = try String(contentsOfFile: Fixtures.repoRoot + "/piloto.yaml", encoding: .utf8)
        // As the image loads it: /app holds no Package.swift, so `.serve` skips that build check.
        let loaded = try ConfigLoader.load(yaml: text, sourceName: "piloto.yaml", baseDirectory: "/app", purpose: .serve)
        var expected = Self.expectedExample(base: "/app")
        expected.build.piloto = PilotoSource(path: ConfigPath(asWritten: ".", resolved: "/app"))
        expected.scaling.maxInstances = 1  // memory sessions: one instance, so no split-session warning
        expected.routes.insert(
            Route(path: "/api/metrics", handler: .metrics(MetricsRoute(allowRemote: false)), authRequired: false), at: 3)
        // The demo's FastAPI backend (issue 11): run by piloto, built into the image, behind a signed identity.
        expected.routes.insert(
            Route(path: "/api/clientes", handler: .proxy(ProxyRoute(upstream: "api", identity: .signed)), authRequired: true), at: 4)
        expected.build.backend = BackendBuild(
            path: ConfigPath(asWritten: "backend", resolved: "/app/backend"), python: "3.12",
            install: "pip install --no-cache-dir -r requirements.txt")
        expected.sessions.identityKey = "dev-only-identity-key-not-for-production"
        expected.sessions.identityKeyVariable = "PILOTO_IDENTITY_KEY"
        expected.secrets.append(SecretRef(envName: "PILOTO_IDENTITY_KEY", secret: "identity-key", version: "1"))
        expected.backends = [
            Backend(
                name: "api", port: 8000, run: ["uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", "8000"],
                dir: ConfigPath(asWritten: "backend", resolved: "/app/backend"), health: "/healthz")
        ]
        #expect(loaded.config == expected)
    }

    @Test func example_stagingOverlay_replacesOnlyOverriddenKeys() throws {
        let text = try Fixtures.text("valid/piloto.example.yaml")
        let loaded = try ConfigLoader.load(
            yaml: text, sourceName: "piloto.yaml", baseDirectory: "/srv/app", environment: "staging")
        var expected = Self.expectedExample(base: "/srv/app")
        expected.environment = "staging"
        expected.service.name = "piloto-vendas-staging"
        expected.service.domain = "staging.pilotodevendas.ia"
        expected.scaling.maxInstances = 1
        #expect(loaded.config == expected)
    }

    @Test func example_variables_replaceDefaults() throws {
        let text = try Fixtures.text("valid/piloto.example.yaml")
        let loaded = try ConfigLoader.load(
            yaml: text, sourceName: "piloto.yaml", baseDirectory: "/srv/app",
            variables: ["GCP_PROJECT": "acme-prod", "IMAGE_TAG": "1.4.2", "REDIS_URL": "redis://10.0.0.3:6379/0"])
        #expect(loaded.config.service.project == "acme-prod")
        #expect(loaded.config.service.image == "southamerica-east1-docker.pkg.dev/acme-prod/piloto/piloto-vendas-app:1.4.2")
        #expect(loaded.config.sessions.redisURL == "redis://10.0.0.3:6379/0")
    }
}
