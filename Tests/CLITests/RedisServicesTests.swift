import Foundation
import Glibc
import PilotoConfig
import PilotoRuntime
import PilotoTestKit
import Testing
@testable import PilotoCLI

/// The `serve` builder for `sessions.store: redis`, against a real redis-server.
@Suite struct RedisServicesTests {
    private func config(store: String, url: String, maxInstances: Int = 1) throws -> LoadedConfig {
        let yaml = """
            service:
              name: tiny-app
              domain: tiny.example.com
              image: us-central1-docker.pkg.dev/tiny-project/apps/tiny-app:1.0.0
            scaling:
              max_instances: \(maxInstances)
            sessions:
              store: \(store)
              redis_url: "\(url)"
              ttl: 1h
            routes:
              - path: /healthz
                handler: health
              - path: /ws
                handler: websocket
                mode: channels
            """
        return try ConfigLoader.load(yaml: yaml, sourceName: "piloto.yaml", baseDirectory: NSTemporaryDirectory())
    }

    @Test func memoryStoreBuildsNothing() throws {
        let loaded = try config(store: "memory", url: "redis://127.0.0.1:6379")
        #expect(try RedisServices.url(config: loaded.config) == nil)
    }

    @Test func validateWarnsAboutMemoryStoreWithSeveralInstances() throws {
        let loaded = try config(store: "memory", url: "redis://127.0.0.1:6379", maxInstances: 3)
        #expect(loaded.warnings.contains { $0.message.contains("sessions.store: redis") })
        let redis = try config(store: "redis", url: "redis://127.0.0.1:6379", maxInstances: 3)
        #expect(!redis.warnings.contains { $0.message.contains("would split across instances") })
    }

    @Test func redisStoreBuildsAWorkingSessionStoreAndBus() async throws {
        let port = try freeLoopbackPort()
        let process = try RedisServerLaunch.start(port: port)  // returns once redis accepts connections
        defer {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let loaded = try config(store: "redis", url: "redis://127.0.0.1:\(port)/2")
        let url = try #require(try RedisServices.url(config: loaded.config))
        let services = RedisServices.make(config: loaded.config, url: url, loop: ClientLoop.shared, logger: Logger(project: nil))
        defer { services.close() }
        #expect(services.client.url.database == 2)
        let created = try await withCheckedContinuation { c in
            services.sessions.create(login: "vendedor") { c.resume(returning: $0) }
        }.get()
        #expect(created.expiresAt - created.createdAt == 3_600_000)
        #expect(services.sessions.degradedReason == nil)
    }

    @Test func tlsURLIsATypedBootError() throws {
        // validate rejects rediss:// already; the builder refuses it too, whatever calls it.
        var loaded = try config(store: "redis", url: "redis://127.0.0.1:6379")
        loaded.config.sessions.redisURL = "rediss://10.0.0.3:6378"
        do {
            _ = try RedisServices.url(config: loaded.config)
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("TLS is not supported"))
        }
    }

    private func freeLoopbackPort() throws -> Int {
        let fd = try Socket.listen(host: "127.0.0.1", port: 0)
        defer { close(fd) }
        return try #require(Socket.boundPort(fd))
    }
}
