import Foundation
import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// SIGTERM behaviour in-process (`beginShutdown`); the child-process variant is in CLITests.
struct ServerDrainTests {
    @Test func drain_readiness503_inFlightFinishes_idleClosed_listenerClosed() throws {
        let site = try SiteFixture()
        let config = PilotoConfig.fixture(routes: site.routes(), workers: 1)
        let logs = CapturingSink()
        let server = try Server(config: config, host: "127.0.0.1", port: 0, logger: Logger(sink: logs))
        try server.start()
        let port = try #require(server.boundPort)

        let idle = try RawClient(port: port)
        idle.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(idle.readResponse()?.status == 200)
        let inFlight = try RawClient(port: port)
        inFlight.send("GET /api/health/ready HTTP/1.1\r\nHost: t\r\n")  // head not finished yet
        let accepted = try RawClient(port: port)
        accepted.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(accepted.readResponse()?.status == 200)

        server.beginShutdown()
        #expect(server.isDraining)
        #expect(idle.closedByServer())
        // The in-flight request completes: readiness says 503, with Connection: close.
        inFlight.send("\r\n")
        let ready = try #require(inFlight.readResponse())
        #expect(ready.status == 503)
        #expect(ready.headers["connection"] == "close")
        #expect(inFlight.closedByServer())
        #expect(accepted.closedByServer())
        #expect(server.waitUntilStopped(timeoutMilliseconds: 5000))
        // The listener is gone: a new connection is refused.
        #expect(throws: SocketError.self) { _ = try RawClient(port: port) }
    }
}
