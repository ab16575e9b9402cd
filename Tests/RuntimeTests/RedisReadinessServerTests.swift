import Foundation
import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// A whole server whose session store is Redis, with Redis killed and restarted underneath it.
@Suite struct RedisReadinessServerTests {
    @Test func readinessSaysDegradedWhileStaticFilesStillServe() async throws {
        let redis = try RedisServerProcess()
        let client = RedisClient(url: redis.url, loop: ClientLoop.shared, options: .fast)
        defer { client.close() }
        let store = RedisSessionStore(client: client, ttlMilliseconds: 60_000)
        let site = try SiteFixture()
        let logs = CapturingSink()
        let config = PilotoConfig.fixture(routes: site.routes())
        let server = try Server(config: config, host: "127.0.0.1", port: 0, logger: Logger(sink: logs, project: nil)) { link in
            link.state.addDegradedSource { store.degradedReason }
            return .none
        }
        try server.start()
        defer {
            server.beginShutdown()
            server.waitUntilStopped(timeoutMilliseconds: 5000)
        }
        let port = try #require(server.boundPort)
        func get(_ target: String) throws -> (status: Int, headers: [String: String], body: String, raw: String)? {
            let raw = try RawClient(port: port)
            raw.send("GET \(target) HTTP/1.1\r\nHost: t\r\nAccept: text/html\r\n\r\n")
            return raw.readResponse()
        }

        #expect(await eventually { (try? get("/api/health/ready"))??.body == #"{"status":"ready"}"# })

        redis.kill()
        #expect(await eventually { (try? get("/api/health/ready"))??.body.contains("degraded") == true })
        let degraded = try #require(try get("/api/health/ready"))
        #expect(degraded.status == 200)  // Cloud Run keeps routing: the static site still works
        #expect(degraded.body.hasPrefix(#"{"status":"degraded","reason":"redis unavailable: "#))
        #expect(degraded.headers["cache-control"] == "no-store")
        #expect(try get("/")?.status == 200)
        #expect(try get("/assets/site.css")?.body == "body{}")

        try redis.start()
        #expect(await eventually { (try? get("/api/health/ready"))??.body == #"{"status":"ready"}"# })
    }
}
