import Foundation
import PilotoConfig
import PilotoRuntime
import Testing
@testable import PilotoCLI
import PilotoTestKit

/// `DashboardWiring`: what `piloto serve` installs for `handler: dashboard` routes.
struct DashboardWiringTests {
    /// Never finds a session: enough to tell "installed and checking" from "not installed".
    final class EmptyStore: SessionStore {
        func create(login: String, completion: @escaping @Sendable (Result<Session, SessionStoreError>) -> Void) {
            completion(.failure(.unavailable("test")))
        }
        func find(id: String, completion: @escaping @Sendable (Result<Session?, SessionStoreError>) -> Void) {
            completion(.success(nil))
        }
        func destroy(id: String, completion: @escaping @Sendable (Result<Void, SessionStoreError>) -> Void) {
            completion(.success(()))
        }
        var degradedReason: String? { nil }
    }

    static func config() throws -> PilotoConfig {
        let yaml = """
            service:
              name: demo
              domain: app.example.com
              image: southamerica-east1-docker.pkg.dev/demo/piloto/demo:1
            routes:
              - path: /api/health
                handler: health
              - path: /ops/painel
                handler: dashboard
                auth: required

            """
        return try ConfigLoader.load(yaml: yaml, sourceName: "piloto.yaml", baseDirectory: NSTemporaryDirectory()).config
    }

    /// Boots an (unstarted) server wired like `serve` for dashboards; returns the dashboard route's
    /// responder, or the boot error.
    static func boot(_ config: PilotoConfig, sessions: (any SessionStore)?) -> Result<(any Responder)?, ServerError> {
        var built: (any Responder)?
        do {
            _ = try Server(config: config, host: "127.0.0.1", port: 0, logger: Logger(sink: CapturingSink())) { link in
                let dashboard = DashboardWiring.responder(link: link, sessions: sessions)
                return ApplicationResponders(dashboard: { route in
                    built = dashboard(route)
                    return built
                })
            }
            return .success(built)
        } catch {
            return .failure(error)
        }
    }

    @Test func theDashboardRouteGetsAResponderForItsPrefix() throws {
        let responder = try Self.boot(try Self.config(), sessions: EmptyStore()).get()
        let dashboard = try #require(responder as? DashboardResponder)
        #expect(dashboard.prefix == "/ops/painel")
    }

    /// No session store: nothing may publish traffic figures, so the boot stops naming the route.
    @Test func withoutASessionStore_theBootStops() throws {
        guard case .failure(let error) = Self.boot(try Self.config(), sessions: nil) else {
            Issue.record("a dashboard without sessions booted")
            return
        }
        #expect(error == .router(.unwired(route: "/ops/painel", handler: "dashboard")))
    }
}
