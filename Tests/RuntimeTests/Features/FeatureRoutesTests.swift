@testable import PilotoConfig
import Testing
@testable import PilotoRuntime

/// What the health, static and SPA routes answer, through the server's own router, parser and
/// serializer with no socket (`InProcessServer`). Over TCP they are covered by `ServerStaticTests`.
struct FeatureRoutesTests {
    @Test func health_livenessAndReadiness_withServerHeadersAndDate() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let live = try #require(try server.get("/api/health"))
        #expect(live.status == 200)
        #expect(live.body == #"{"status":"ok"}"#)
        #expect(live.headers["x-content-type-options"] == "nosniff")
        #expect(live.headers["date"]?.hasSuffix(" GMT") == true)
        let ready = try #require(try server.get("/api/health/ready"))
        #expect(ready.status == 200)
        #expect(try server.get("/api/health/other")?.status == 404)
        #expect(try server.get("/api/health", method: "POST")?.headers["allow"] == "GET, HEAD")
    }

    @Test func spaFallback_onlyForNavigations() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let page = try #require(try server.get("/dashboard/today", ["Accept: text/html,application/xhtml+xml"]))
        #expect(page.status == 200)
        #expect(page.body.contains("<title>app</title>"))
        #expect(page.headers["cache-control"] == "no-cache")
        #expect(try server.get("/dashboard", ["Sec-Fetch-Mode: navigate"])?.status == 200)
        // A missing hashed asset is a 404, never index.html.
        #expect(try server.get("/assets/app-9999.js", ["Accept: text/html"])?.status == 404)
        #expect(try server.get("/missing.js", ["Accept: text/html"])?.status == 404)
        // Not a navigation (an API-style fetch): the JSON 404.
        let api = try #require(try server.get("/dashboard", ["Accept: application/json"]))
        #expect(api.status == 404)
        #expect(api.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(try server.get("/")?.body.contains("<title>app</title>") == true)
    }

    /// curl (`*/*`), uptime checks and link-preview fetchers (no Accept, `text/*`) get the page;
    /// only an Accept that excludes HTML gets the 404; a missing asset stays a 404 for everyone.
    @Test func spaFallback_forNonBrowsers_unlessAcceptExcludesHTML() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        for headers in [["Accept: */*"], [], ["Accept: text/*"], ["Accept: image/webp, */*;q=0.8"],
                        ["Accept: application/json", "Accept: TEXT/HTML"]] {
            let page = try #require(try server.get("/dashboard/clientes/42", headers), "\(headers)")
            #expect(page.status == 200, "\(headers)")
            #expect(page.body.contains("<title>app</title>"), "\(headers)")
        }
        let head = try #require(try server.get("/dashboard/clientes/42", ["Accept: */*"], method: "HEAD"))
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        for headers in [["Accept: application/json"], ["Accept: image/png, application/xml"], ["Accept: text/html;q=0"],
                        ["Accept: */*;q=0"]] {
            #expect(try server.get("/dashboard/clientes/42", headers)?.status == 404, "\(headers)")
        }
        #expect(try server.get("/assets/app-9999.js", ["Accept: */*"])?.status == 404)
        #expect(try server.get("/assets/app-9999.js")?.status == 404)
        #expect(try server.get("/dashboard/clientes/42", ["Accept: */*"], method: "POST")?.status != 200)
    }

    @Test func asset_immutableCache_etag_304() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let first = try #require(try server.get("/assets/app-1a2b.js"))
        #expect(first.status == 200)
        #expect(first.body == site.jsBody)
        #expect(first.headers["cache-control"] == "public, max-age=31536000, immutable")
        #expect(first.headers["content-type"] == "text/javascript; charset=utf-8")
        #expect(first.headers["vary"] == "Accept-Encoding")
        #expect(first.headers["last-modified"] != nil)
        let etag = try #require(first.headers["etag"])
        let again = try #require(try server.get("/assets/app-1a2b.js", ["If-None-Match: \"nope\", \(etag)"]))
        #expect(again.status == 304)
        #expect(again.body.isEmpty)
        #expect(again.headers["etag"] == etag)
        #expect(try server.get("/assets/app-1a2b.js", ["If-None-Match: \"other\""])?.status == 200)
        let modified = try #require(first.headers["last-modified"])
        #expect(try server.get("/assets/app-1a2b.js", ["If-Modified-Since: \(modified)"])?.status == 304)
        // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
        #expect(try server.get("/assets/app-1a2b.js", ["If-None-Match: \"x\"", "If-Modified-Since: \(modified)"])?.status == 200)
    }

    @Test func range_206_and_416() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let part = try #require(try server.get("/assets/app-1a2b.js", ["Range: bytes=0-6"]))
        #expect(part.status == 206)
        #expect(part.body == "console")
        #expect(part.headers["content-range"] == "bytes 0-6/\(site.jsBody.utf8.count)")
        let suffix = try #require(try server.get("/assets/app-1a2b.js", ["Range: bytes=-3"]))
        #expect(suffix.body == ");\n")
        let bad = try #require(try server.get("/assets/app-1a2b.js", ["Range: bytes=999999-"]))
        #expect(bad.status == 416)
        #expect(bad.headers["content-range"] == "bytes */\(site.jsBody.utf8.count)")
    }

    @Test func precompressed_byAcceptEncoding() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let br = try #require(try server.get("/assets/app-1a2b.js", ["Accept-Encoding: gzip, deflate, br"]))
        #expect(br.body == "brotli-bytes")
        #expect(br.headers["content-encoding"] == "br")
        #expect(br.headers["vary"] == "Accept-Encoding")
        let gz = try #require(try server.get("/assets/app-1a2b.js", ["Accept-Encoding: gzip, br;q=0"]))
        #expect(gz.body == "gzipped-bytes")
        #expect(gz.headers["content-encoding"] == "gzip")
        #expect(gz.headers["etag"] != br.headers["etag"])
        let plain = try #require(try server.get("/assets/app-1a2b.js", ["Accept-Encoding: identity"]))
        #expect(plain.headers["content-encoding"] == nil)
    }

    @Test func head_noBody_sameLength() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let responses = try server.responses(
            "HEAD /assets/site.css HTTP/1.1\r\nHost: t\r\n\r\nGET /assets/site.css HTTP/1.1\r\nHost: t\r\n\r\n", heads: [true])
        #expect(responses.count == 2)
        let head = try #require(responses.first)
        #expect(head.headers["content-length"] == "6")
        #expect(head.body.isEmpty)
        let get = try #require(responses.last)
        #expect(get.body == "body{}")  // would be garbled if HEAD had sent a body
    }

    @Test(arguments: [
        "/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt", "/leak.txt", "/assets/../../secret.txt", "/./.././secret.txt",
        "/..%5csecret.txt", "http://t/../secret.txt",
    ])
    func traversal_neverLeaksSecret(_ target: String) throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let response = try #require(try server.get(target, ["Accept: text/html"]))
        #expect(!response.raw.contains("TOP-SECRET"))
        #expect(response.status == 404 || response.status == 400 || response.body.contains("<title>app</title>"))
    }

    @Test func nulByteInTarget_is400() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let response = try #require(try server.get("/index.html%00.js"))
        #expect(response.status == 400)
        #expect(response.headers["connection"] == "close")
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
        let server = try InProcessServer(.fixture(routes: routes))
        let response = try #require(try server.get("/private/index.html"))
        #expect(response.status == 401)
        #expect(!response.body.contains("<title>"))
    }

    @Test func readOnlyRoutes_answer405WithAllow() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let post = try #require(try server.get("/assets/site.css", method: "POST"))
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
    }
}
