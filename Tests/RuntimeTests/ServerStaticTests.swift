import Foundation
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime
import PilotoTestKit

/// Whole-server tests on 127.0.0.1:0 with raw sockets and curl.
struct ServerStaticTests {
    private func start(_ site: SiteFixture, accessLog: Bool = false) throws -> RunningServer {
        try RunningServer(.fixture(routes: site.routes(), accessLog: accessLog))
    }

    private func get(_ server: RunningServer, _ target: String, _ headers: [String] = [], method: String = "GET") throws
        -> (status: Int, headers: [String: String], body: String, raw: String)?
    {
        let client = try RawClient(port: server.port)
        client.send("\(method) \(target) HTTP/1.1\r\nHost: t\r\n" + headers.map { $0 + "\r\n" }.joined() + "\r\n")
        return client.readResponse(head: method == "HEAD")
    }

    @Test func health_livenessAndReadiness_withServerHeadersAndDate() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let live = try #require(try get(server, "/api/health"))
        #expect(live.status == 200)
        #expect(live.body == #"{"status":"ok"}"#)
        #expect(live.headers["x-content-type-options"] == "nosniff")
        #expect(live.headers["date"]?.hasSuffix(" GMT") == true)
        let ready = try #require(try get(server, "/api/health/ready"))
        #expect(ready.status == 200)
        #expect(try get(server, "/api/health/other")?.status == 404)
        #expect(try get(server, "/api/health", method: "POST")?.headers["allow"] == "GET, HEAD")
    }

    @Test func spaFallback_onlyForNavigations() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let page = try #require(try get(server, "/dashboard/today", ["Accept: text/html,application/xhtml+xml"]))
        #expect(page.status == 200)
        #expect(page.body.contains("<title>app</title>"))
        #expect(page.headers["cache-control"] == "no-cache")
        #expect(try get(server, "/dashboard", ["Sec-Fetch-Mode: navigate"])?.status == 200)
        // A missing hashed asset is a 404, never index.html.
        #expect(try get(server, "/assets/app-9999.js", ["Accept: text/html"])?.status == 404)
        #expect(try get(server, "/missing.js", ["Accept: text/html"])?.status == 404)
        // Not a navigation (an API-style fetch): the JSON 404.
        let api = try #require(try get(server, "/dashboard", ["Accept: application/json"]))
        #expect(api.status == 404)
        #expect(api.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(try get(server, "/")?.body.contains("<title>app</title>") == true)
    }

    /// curl (`*/*`), uptime checks and link-preview fetchers (no Accept, `text/*`) get the page;
    /// only an Accept that excludes HTML gets the 404; a missing asset stays a 404 for everyone.
    @Test func spaFallback_forNonBrowsers_unlessAcceptExcludesHTML() throws {
        let site = try SiteFixture()
        let server = try start(site)
        for headers in [["Accept: */*"], [], ["Accept: text/*"], ["Accept: image/webp, */*;q=0.8"],
                        ["Accept: application/json", "Accept: TEXT/HTML"]] {
            let page = try #require(try get(server, "/dashboard/clientes/42", headers), "\(headers)")
            #expect(page.status == 200, "\(headers)")
            #expect(page.body.contains("<title>app</title>"), "\(headers)")
        }
        let head = try #require(try get(server, "/dashboard/clientes/42", ["Accept: */*"], method: "HEAD"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        for headers in [["Accept: application/json"], ["Accept: image/png, application/xml"], ["Accept: text/html;q=0"],
                        ["Accept: */*;q=0"]] {
            #expect(try get(server, "/dashboard/clientes/42", headers)?.status == 404, "\(headers)")
        }
        #expect(try get(server, "/assets/app-9999.js", ["Accept: */*"])?.status == 404)
        #expect(try get(server, "/assets/app-9999.js")?.status == 404)
        #expect(try get(server, "/dashboard/clientes/42", ["Accept: */*"], method: "POST")?.status != 200)
    }

    @Test func asset_immutableCache_etag_304() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let first = try #require(try get(server, "/assets/app-1a2b.js"))
        #expect(first.status == 200)
        #expect(first.body == site.jsBody)
        #expect(first.headers["cache-control"] == "public, max-age=31536000, immutable")
        #expect(first.headers["content-type"] == "text/javascript; charset=utf-8")
        #expect(first.headers["vary"] == "Accept-Encoding")
        #expect(first.headers["last-modified"] != nil)
        let etag = try #require(first.headers["etag"])
        let again = try #require(try get(server, "/assets/app-1a2b.js", ["If-None-Match: \"nope\", \(etag)"]))
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(again.headers["etag"] == etag)
        #expect(try get(server, "/assets/app-1a2b.js", ["If-None-Match: \"other\""])?.status == 200)
        let modified = try #require(first.headers["last-modified"])
        #expect(try get(server, "/assets/app-1a2b.js", ["If-Modified-Since: \(modified)"])?.status == 304)
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        #expect(try get(server, "/assets/app-1a2b.js", ["If-None-Match: \"x\"", "If-Modified-Since: \(modified)"])?.status == 200)
    }

    @Test func range_206_and_416() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let part = try #require(try get(server, "/assets/app-1a2b.js", ["Range: bytes=0-6"]))
        #expect(part.status == 206)
        #expect(part.body == "console")
        #expect(part.headers["content-range"] == "bytes 0-6/\(site.jsBody.utf8.count)")
        let suffix = try #require(try get(server, "/assets/app-1a2b.js", ["Range: bytes=-3"]))
        #expect(suffix.body == ");\n")
        let bad = try #require(try get(server, "/assets/app-1a2b.js", ["Range: bytes=999999-"]))
        #expect(bad.status == 416)
        #expect(bad.headers["content-range"] == "bytes */\(site.jsBody.utf8.count)")
    }

    @Test func precompressed_byAcceptEncoding() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let br = try #require(try get(server, "/assets/app-1a2b.js", ["Accept-Encoding: gzip, deflate, br"]))
        #expect(br.body == "brotli-bytes")
        #expect(br.headers["content-encoding"] == "br")
        #expect(br.headers["vary"] == "Accept-Encoding")
        let gz = try #require(try get(server, "/assets/app-1a2b.js", ["Accept-Encoding: gzip, br;q=0"]))
        #expect(gz.body == "gzipped-bytes")
        #expect(gz.headers["content-encoding"] == "gzip")
        #expect(gz.headers["etag"] != br.headers["etag"])
        let plain = try #require(try get(server, "/assets/app-1a2b.js", ["Accept-Encoding: identity"]))
        #expect(plain.headers["content-encoding"] == nil)
    }

    @Test func head_noBody_sameLength() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let client = try RawClient(port: server.port)
        client.send("HEAD /assets/site.css HTTP/1.1\r\nHost: t\r\n\r\nGET /assets/site.css HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try #require(client.readResponse(head: true))
        #expect(head.headers["content-length"] == "6")
        #expect(head.body.isEmpty)
        let get = try #require(client.readResponse())
        #expect(get.body == "body{}")  // would be garbled if HEAD had sent a body
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt", "/leak.txt", "/assets/../../secret.txt", "/./.././secret.txt",
        "/..%5csecret.txt", "http://t/../secret.txt",
    ])
    func traversal_neverLeaksSecret(_ target: String) throws {
        let site = try SiteFixture()
        let server = try start(site)
        let response = try #require(try get(server, target, ["Accept: text/html"]))
        #expect(!response.raw.contains("TOP-SECRET"))
        #expect(response.status == 404 || response.status == 400 || response.body.contains("<title>app</title>"))
    }

    @Test func nulByteInTarget_is400() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let response = try #require(try get(server, "/index.html%00.js"))
        #expect(response.status == 400)
        #expect(response.headers["connection"] == "close")
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

    @Test func authRequiredRoute_withoutSessionResponder_failsClosed() throws {
        let site = try SiteFixture()
        var routes = site.routes()
        routes.insert(
            Route(
                path: "/private",
                handler: .staticFiles(StaticRoute(root: ConfigPath(asWritten: "dist", resolved: site.root), cache: .noCache)),
                authRequired: true),
            at: 0)
        let server = try RunningServer(.fixture(routes: routes))
        let response = try #require(try get(server, "/private/index.html"))
        #expect(response.status == 401)
        #expect(!response.body.contains("<title>"))
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

    @Test func readOnlyRoutes_answer405WithAllow() throws {
        let site = try SiteFixture()
        let server = try start(site)
        let post = try #require(try get(server, "/assets/site.css", method: "POST"))
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
    }
}
