@testable import PilotoConfig
import Testing

/// `backends:`, proxy route keys and the identity key: decoded values, defaults that depend on
/// other keys, and the serve-only refusal of `identity: signed` without a key.
@Suite struct BackendConfigTests {
    static let head = """
        service: {name: app, domain: app.example.com, image: r-docker.pkg.dev/p/r/app:1}

        """

    static func load(_ body: String, purpose: LoadPurpose = .check, variables: [String: String] = [:]) throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.load(
            yaml: head + body, sourceName: "t.yaml", baseDirectory: "/srv/app", variables: variables, purpose: purpose)
    }

    static let key = "0123456789abcdef0123456789abcdef-dev"

    @Test func backendsKeepFileOrderAndEveryField() throws {
        let config = try Self.load("""
            backends:
              zeta:
                port: 8000
                run: [uvicorn, app.main:app, --port, "8000"]
                dir: backend
                health: /healthz
                env: {Z: "1", A: "2"}
              alpha:
                port: 8001
                image: r-docker.pkg.dev/p/r/api:1
                health: /ready
                cpu: 500m
                memory: 256Mi
                secrets: {DATABASE_URL: {secret: db-url, version: "3"}}
            routes:
              - {path: /health, handler: health}
              - {path: /api, handler: proxy, upstream: alpha}

            """).config
        #expect(config.backends.map(\.name) == ["zeta", "alpha"])
        let zeta = config.backends[0]
        #expect(zeta.run == ["uvicorn", "app.main:app", "--port", "8000"])
        #expect(zeta.dir == ConfigPath(asWritten: "backend", resolved: "/srv/app/backend"))
        #expect(zeta.env.map(\.name) == ["Z", "A"])
        #expect(zeta.isRun && !zeta.isSidecar)
        let alpha = config.backends[1]
        #expect(alpha.image == "r-docker.pkg.dev/p/r/api:1" && alpha.cpu == CPU(millicores: 500) && alpha.memory == .mebibytes(256))
        #expect(alpha.secrets == [SecretRef(envName: "DATABASE_URL", secret: "db-url", version: "3")])
        #expect(config.upstreamAddress(for: "alpha") == UpstreamAddress(host: "127.0.0.1", port: 8001, basePath: "", label: "alpha"))
    }

    @Test func proxyRouteKeysAndTheirDefaults() throws {
        let config = try Self.load("""
            routes:
              - {path: /health, handler: health}
              - {path: /a, handler: proxy, upstream: "http://127.0.0.1:9000/base/"}
              - path: /b
                handler: proxy
                upstream: "http://127.0.0.1:9001"
                strip_prefix: true
                connect_timeout: 500ms
                timeout: 5s
                idle_timeout: 1m
                hold: 3s
                retry: "off"
                max_body: 8MiB
                websocket: true
                identity: headers

            """).config
        guard case .proxy(let a) = config.routes[1].handler, case .proxy(let b) = config.routes[2].handler else {
            Issue.record("not proxy routes")
            return
        }
        #expect(a == ProxyRoute(upstream: "http://127.0.0.1:9000/base/"))
        #expect(config.upstreamAddress(for: a.upstream)?.basePath == "/base")
        #expect(b == ProxyRoute(
            upstream: "http://127.0.0.1:9001", stripPrefix: true, connectTimeout: TimeSpan(milliseconds: 500),
            timeout: .seconds(5), idleTimeout: .minutes(1), hold: .seconds(3), retry: .off, maxBody: .mebibytes(8),
            websocket: true, identity: .headers))
        #expect(config.server.trustedHops == 1)
        #expect(config.largestBodyLimit == .mebibytes(8))
        #expect(config.bodyLimit(for: config.routes[1]) == .mebibytes(1))
    }

    @Test(arguments: [
        ("", "", ProxyIdentity.off),
        ("", "  - {path: /auth, handler: auth}\n", .headers),
        ("sessions: {identity_key: \"\(key)\"}\n", "", .signed),
    ])
    func identityDefaultFollowsKeyAndSessions(sessions: String, extraRoute: String, expected: ProxyIdentity) throws {
        let config = try Self.load(sessions + """
            routes:
              - {path: /health, handler: health}
            \(extraRoute)  - {path: /api, handler: proxy, upstream: "http://127.0.0.1:9000"}

            """).config
        guard case .proxy(let proxy) = config.routes.last?.handler else {
            Issue.record("no proxy route")
            return
        }
        #expect(proxy.identity == expected)
    }

    @Test func signedWithoutKeyWarnsForValidateAndStopsServe() throws {
        let body = """
            routes:
              - {path: /health, handler: health}
              - {path: /api, handler: proxy, upstream: "http://127.0.0.1:9000", identity: signed}

            """
        let checked = try Self.load(body)
        #expect(checked.warnings.contains { $0.severity == .warning && $0.message.hasPrefix("identity: signed needs") })
        #expect(throws: ConfigError.self) { try Self.load(body, purpose: .serve) }
        do {
            _ = try Self.load(body, purpose: .serve)
        } catch {
            #expect(error.rendered.contains("t.yaml:4:79: error:"))
            #expect(error.rendered.contains("error: identity: signed needs sessions.identity_key"))
        }
    }

    @Test func identityKeyVariableIsRecordedAndTheKeyNeverPrinted() throws {
        let config = try Self.load("""
            sessions: {identity_key: "${PILOTO_IDENTITY_KEY:-\(Self.key)}"}
            routes: [{path: /health, handler: health}]

            """).config
        #expect(config.sessions.identityKey == Self.key)
        #expect(config.sessions.identityKeyVariable == "PILOTO_IDENTITY_KEY")
        let literal = try Self.load("sessions: {identity_key: \"\(Self.key)\"}\nroutes: [{path: /health, handler: health}]\n").config
        #expect(literal.sessions.identityKeyVariable == nil)
        do {
            _ = try Self.load(
                "sessions: {identity_key: \"${K}\"}\nroutes: [{path: /health, handler: health}]\n",
                variables: ["K": "short-secret-value"])
            Issue.record("a short key loaded")
        } catch {
            #expect(error.rendered.contains("identity_key is 18 bytes"))
            #expect(!error.rendered.contains("short-secret-value"))
        }
    }

    @Test func runChildGetsItsEnvThenTheAssertionKeyAndAudience() throws {
        let config = try Self.load("""
            sessions: {identity_key: "\(Self.key)"}
            backends:
              api: {port: 8000, run: [uvicorn, app.main:app], env: {LOG_LEVEL: debug}}
              other: {port: 8001, run: [worker], env: {PILOTO_SERVICE_NAME: custom}}
              quiet: {port: 8002, run: [quiet]}
            routes:
              - {path: /health, handler: health}
              - {path: /api, handler: proxy, upstream: api}
              - {path: /other, handler: proxy, upstream: other, identity: signed}
              - {path: /quiet, handler: proxy, upstream: quiet, identity: "off"}

            """).config
        #expect(config.childEnvironment(for: config.backends[0]) == [
            EnvVar(name: "LOG_LEVEL", value: "debug"), EnvVar(name: "PILOTO_SERVICE_NAME", value: "app"),
            EnvVar(name: "PILOTO_IDENTITY_KEY", value: Self.key),
        ])
        #expect(config.childEnvironment(for: config.backends[1]) == [
            EnvVar(name: "PILOTO_SERVICE_NAME", value: "custom"), EnvVar(name: "PILOTO_IDENTITY_KEY", value: Self.key),
        ])
        #expect(config.childEnvironment(for: config.backends[2]).isEmpty)
    }
}
