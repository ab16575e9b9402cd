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

    /// The responders `makeResponders` would get, built against a real (unstarted) server's link.
    static func responders(_ config: PilotoConfig, sessions: (any SessionStore)?) throws -> [String: any Responder] {
        var built: [String: any Responder] = [:]
        _ = try Server(config: config, host: "127.0.0.1", port: 0, logger: Logger(sink: CapturingSink())) { link in
            built = DashboardWiring.responders(link: link, sessions: sessions)
            return built
        }
        return built
    }

    @Test func oneResponderPerDashboardRoute_atItsPath() throws {
        let responders = try Self.responders(try Self.config(), sessions: EmptyStore())
        #expect(responders.keys.sorted() == ["/ops/painel"])
        let dashboard = try #require(responders["/ops/painel"] as? DashboardResponder)
        #expect(dashboard.prefix == "/ops/painel")
    }

    @Test func withoutASessionStore_nothingIsInstalled_soTheRouterFailsClosed() throws {
        #expect(try Self.responders(try Self.config(), sessions: nil).isEmpty)
    }
}
