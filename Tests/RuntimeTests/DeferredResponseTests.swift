import Dispatch
import Foundation
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime

/// Handlers that answer later, from another thread, without blocking the loop.
struct DeferredResponseTests {
    /// Answers `/slow/<n>` with "slow-<n>" after a short wait on a background queue; `/slow/never`
    /// never answers.
    final class SlowResponder: Responder {
        /// Signalled on every dispatch, so a test can wait until the loop took the request.
        let called = DispatchSemaphore(value: 0)

        func respond(to request: HTTPRequest) -> RouteResponse {
            defer { called.signal() }
            let promise = ResponsePromise()
            let name = request.path.split(separator: "/").last.map(String.init) ?? ""
            guard name != "never" else { return .deferred(promise) }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) {
                promise.complete(.response(.json(.ok, "\"slow-\(name)\"")))
                promise.complete(.response(.json(.ok, "\"ignored\"")))  // only the first counts
            }
            return .deferred(promise)
        }
    }

    private func start(_ site: SiteFixture, idle: Int64 = 60_000, responder: SlowResponder = SlowResponder()) throws
        -> (Server, Int)
    {
        try Server.startedForTest(
            site: site,
            first: Route(path: "/slow", handler: .proxy(ProxyRoute(upstream: "http://127.0.0.1:1", timeout: .seconds(1))),
                         authRequired: false),
            responder: responder, limits: .fixture(idleTimeout: TimeSpan(milliseconds: idle)))
    }

    @Test func pipelined_deferredAndImmediate_stayInOrder_loopNotBlocked() throws {
        let site = try SiteFixture()
        let (server, port) = try start(site)
        defer { server.stopForTest() }
        let client = try RawClient(port: port)
        client.send(
            "GET /slow/1 HTTP/1.1\r\nHost: t\r\n\r\nGET /api/health HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /slow/2 HTTP/1.1\r\nHost: t\r\n\r\n")
        // Meanwhile another client is served by the same (single) loop.
        let other = try RawClient(port: port)
        other.send("GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(other.readResponse()?.status == 200)
        #expect(client.readResponse()?.body == "\"slow-1\"")
        #expect(client.readResponse()?.body == #"{"status":"ok"}"#)
        #expect(client.readResponse()?.body == "\"slow-2\"")
    }

    @Test func neverAnswered_gets503_afterIdleTimeout() throws {
        let site = try SiteFixture()
        let (server, port) = try start(site, idle: 300)
        defer { server.stopForTest() }
        let client = try RawClient(port: port)
        client.send("GET /slow/never HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try #require(client.readResponse())
        #expect(response.status == 503)
        #expect(response.headers["connection"] == "close")
        #expect(client.closedByServer())
    }

    @Test func drain_waitsForDeferredAnswer() throws {
        let site = try SiteFixture()
        let responder = SlowResponder()
        let (server, port) = try start(site, responder: responder)
        let client = try RawClient(port: port)
        client.send("GET /slow/3 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(responder.called.wait(timeout: .now() + 5) == .success)
        server.beginShutdown()
        let response = try #require(client.readResponse())
        #expect(response.body == "\"slow-3\"")
        #expect(response.headers["connection"] == "close")
        #expect(server.waitUntilStopped(timeoutMilliseconds: 5000))
    }
}
