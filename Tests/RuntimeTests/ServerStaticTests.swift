import Foundation
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// The server over real sockets: pipelining and back-pressure on TCP, curl as a real client, and
/// what stops the boot. What each route answers is tested in-process (`FeatureRoutesTests`).
struct ServerStaticTests {
    private func start(_ site: SiteFixture) throws -> RunningServer {
        try RunningServer(.fixture(routes: site.routes()))
    }

    @Test func pipelining_responsesInOrder() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let client = try RawClient(port: server.port)
        client.send(
            "GET /assets/site.css HTTP/1.1\r\nHost: t\r\n\r\nGET /api/health HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /nope.js HTTP/1.1\r\nHost: t\r\n\r\nGET /assets/app-1a2b.js HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        #expect(client.readResponse()?.body == "body{}")
        #expect(client.readResponse()?.body == #"{"status":"ok"}"#)
        #expect(client.readResponse()?.status == 404)
        let last = try #require(client.readResponse())
        #expect(last.body == site.jsBody)
        #expect(last.headers["connection"] == "close")
        #expect(client.closedByServer())
    }

    /// Far more pipelined output than the back-pressure threshold: the server pauses, resumes as
    /// the client reads, and every response arrives whole and in order.
    @Test func pipelining_backPressure_allResponsesInOrder() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let client = try RawClient(port: server.port, receiveBuffer: 4096)
        let count = 6000  // ≈ 14 MB of responses: more than the kernel buffers, so the server must pause
        var batch = ""
        for i in 0..<count {
            batch += i % 2 == 0 ? "GET /assets/app-1a2b.js HTTP/1.1\r\nHost: t\r\n\r\n" : "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n"
        }
        // Send from another thread: once the server pauses reading, the sender blocks until we read.
        let requests = batch
        let sender = Thread { client.send(requests) }
        sender.start()
        for i in 0..<count {
            let response = try #require(client.readResponse(), "response \(i)")
            #expect(response.body == (i % 2 == 0 ? site.jsBody : #"{"status":"ok"}"#), "response \(i)")
        }
        #expect(server.server.router.metrics.snapshot().backpressurePauses > 0)
    }

    @Test func curl_interop_keepAliveAndCompressed() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let base = "http://127.0.0.1:\(server.port)"
        let (code, out) = try curl([
            "-w", "%{http_code} ", "-o", "/dev/null", "\(base)/api/health", "-o", "/dev/null", "\(base)/assets/site.css",
            "-o", "/dev/null", "\(base)/x.js",
        ])
        #expect(code == 0)
        #expect(out == "200 200 404 ")
        let (_, headers) = try curl(["-D", "-", "-o", "/dev/null", "-H", "Accept-Encoding: br", "\(base)/assets/app-1a2b.js"])
        #expect(headers.lowercased().contains("content-encoding: br"))
    }

    @Test func missingRoot_failsBeforeBinding_withBuildHint() throws {
        let site = try SiteFixture()
        var routes = site.routes()
        let spa = try #require(routes.firstIndex { $0.path == "/" })
        routes[spa] = Route(
            path: "/", handler: .spa(SPARoute(root: ConfigPath(asWritten: "frontend/dist", resolved: "/nonexistent/dist"), index: "index.html")),
            authRequired: false)
        do {
            _ = try Server(config: .fixture(routes: routes), port: 0, logger: Logger(sink: CapturingSink()))
            Issue.record("server built without its root")
        } catch {
            #expect(error == .router(.staticRootMissing(route: "/", root: "frontend/dist", hint: "npm --prefix frontend run build")))
            #expect(error.message.contains("npm --prefix frontend run build"))
        }
    }

    /// A route kind nothing answers stops the boot naming the route, before any socket is bound;
    /// it is never a 501 at request time.
    @Test func unwiredRoute_stopsTheBoot() throws {
        let site = try SiteFixture()
        let config = PilotoConfig.fixture(routes: site.routes() + [Route(path: "/api/auth", handler: .auth, authRequired: false)])
        #expect(throws: ServerError.router(.unwired(route: "/api/auth", handler: "auth"))) {
            _ = try Server(config: config, host: "127.0.0.1", port: 0, logger: Logger(sink: CapturingSink()))
        }
    }
}
