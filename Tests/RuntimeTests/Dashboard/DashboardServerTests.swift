import Foundation
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime

/// The dashboard through the server's router, parser and serializer, in-process (no socket):
/// figures against known traffic, the session check, the page's assets, HEAD and 405. One test
/// runs over TCP; the page against a real listening server in Chromium is `DashboardBrowserTests`.
struct DashboardServerTests {
    static let cookie = String(repeating: "ab", count: 32)

    static func object(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test func metrics_reportKnownTraffic_byRouteCountryAndTriggers() throws {
        let site = try SiteFixture()
        let store = StubSessionStore(sessions: [StubSessionStore.live(id: Self.cookie)])
        // Low thresholds where the value is surely above them, huge ones where it surely is not.
        let triggers = Triggers(
            concurrentUsers: 0, latencyUS: TimeSpan(milliseconds: 0), cpu: nil, requestsPerSecond: 0,
            monthlyCostUSD: 1_000_000)
        let server = try DashboardServer(site: site, store: store, triggers: triggers)
        for region in ["US", "us", "US", "BR", "br"] {
            #expect(try server.get("/assets/site.css", extra: "X-Client-Region: \(region)\r\n")?.status == 200)
        }
        #expect(try server.get("/api/health")?.status == 200)
        #expect(try server.get("/missing.js")?.status == 404)
        #expect(try server.get("/api/dashboard/nope", cookie: Self.cookie)?.status == 404)

        let response = try #require(try server.get("/api/dashboard/metrics", cookie: Self.cookie))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["cache-control"] == "no-store")
        let doc = try Self.object(response.body)

        let requests = try #require(doc["requests"] as? [String: Any])
        #expect(requests["total"] as? Int == 8)
        #expect(requests["client_errors"] as? Int == 2)
        #expect(requests["server_errors"] as? Int == 0)
        #expect(requests["client_error_percent"] as? Double == 25)
        #expect((requests["per_second"] as? Double ?? 0) > 0)

        let routes = try #require(doc["routes"] as? [[String: Any]])
        #expect(routes.map { $0["route"] as? String } == ["/api/health", "/api/dashboard", "/metrics", "/assets", "/", "unmatched"])
        let assets = try #require(routes.first { $0["route"] as? String == "/assets" })
        #expect(assets["requests"] as? Int == 5)
        let assetLatency = try #require(assets["latency_ms"] as? [String: Any])
        #expect(assetLatency["count"] as? Int == 5)
        #expect(assetLatency["p99"] is Double)
        let spa = try #require(routes.first { $0["route"] as? String == "/" })
        #expect(spa["client_errors"] as? Int == 1)
        let dashboard = try #require(routes.first { $0["route"] as? String == "/api/dashboard" })
        #expect(dashboard["client_errors"] as? Int == 1)

        let countries = try #require(doc["countries"] as? [[String: Any]])
        #expect(countries.map { $0["country"] as? String } == ["BR", "US"])
        #expect(countries.map { $0["requests"] as? Int } == [2, 3])

        let overall = try #require(doc["latency_ms"] as? [String: Any])
        #expect(overall["count"] as? Int == 8)
        for key in ["p50", "p95", "p99"] { #expect(overall[key] is Double) }

        let process = try #require(doc["process"] as? [String: Any])
        #expect((process["rss_bytes"] as? Int ?? 0) > 0)
        #expect(process["memory_limit_bytes"] as? Int == 512 << 20)
        #expect(process["cpu_percent_of_limit"] is Double)
        #expect((doc["cost_estimate"] as? [String: Any])?["is_estimate"] as? Bool == true)
        #expect(doc["draining"] as? Bool == false)

        let list = try #require(doc["triggers"] as? [[String: Any]])
        #expect(list.map { $0["name"] as? String } == ["concurrent_users", "latency_us", "cpu", "requests_per_second", "monthly_cost_usd"])
        func trigger(_ name: String) -> [String: Any] { list.first { $0["name"] as? String == name } ?? [:] }
        #expect(trigger("concurrent_users")["crossed"] as? Bool == true)
        #expect((trigger("concurrent_users")["value"] as? Double ?? 0) >= 1)
        #expect(trigger("latency_us")["crossed"] as? Bool == true)
        #expect(trigger("latency_us")["note"] as? String == "p99 of server time, country US (no RTT measured: not what users feel)")
        #expect(trigger("cpu")["threshold"] is NSNull)
        #expect(trigger("cpu")["crossed"] as? Bool == false)
        #expect(trigger("requests_per_second")["crossed"] as? Bool == true)
        #expect(trigger("monthly_cost_usd")["crossed"] as? Bool == false)
        #expect(trigger("monthly_cost_usd")["threshold"] as? Double == 1_000_000)

        // Deterministic key order: the top-level keys appear in the documented order.
        let keys = ["\"generated_at_unix_ms\"", "\"uptime_seconds\"", "\"requests\"", "\"latency_ms\"", "\"routes\"",
                    "\"countries\"", "\"websockets\"", "\"process\"", "\"cost_estimate\"", "\"triggers\""]
        let positions = keys.map { response.body.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil })
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
    }

    @Test func noSession_is401_htmlForThePage_jsonElsewhere() throws {
        let site = try SiteFixture()
        let server = try DashboardServer(site: site, store: StubSessionStore(sessions: [StubSessionStore.live(id: Self.cookie)]))
        let page = try #require(try server.get("/api/dashboard"))
        #expect(page.status == 401)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains(#"href="/""#))
        for path in ["/api/dashboard/metrics", "/api/dashboard/dashboard.js"] {
            let unknown = try #require(try server.get(path, cookie: "not-a-session"))
            #expect(unknown.status == 401)
            #expect(unknown.headers["content-type"] == "application/json")
            #expect(!unknown.body.contains("\"requests\""))
        }
        // An expired session is no session.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let old = String(repeating: "cd", count: 32)  // well formed, so the store is asked
        let expired = Session(id: old, login: "x", createdAt: now - 10_000, expiresAt: now - 1)
        let stale = try DashboardServer(site: site, store: StubSessionStore(sessions: [expired]))
        #expect(try stale.get("/api/dashboard/metrics", cookie: old)?.status == 401)
        // An absurdly long cookie never reaches the store and is refused.
        #expect(try server.get("/api/dashboard/metrics", cookie: String(repeating: "a", count: 300))?.status == 401)
    }

    /// Over TCP, so the dashboard keeps one real-client test that runs by default.
    @Test func storeUnavailable_is503WithRetryAfter() throws {
        let site = try SiteFixture()
        let server = try DashboardServer(
            site: site, store: StubSessionStore(failure: .unavailable("redis down")), listening: true)
        let response = try #require(try server.get("/api/dashboard/metrics", cookie: Self.cookie))
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "5")
    }

    @Test func pageScriptAndStyle_servedWithTypesAndNoCache_noInlineCode() throws {
        let site = try SiteFixture()
        let server = try DashboardServer(site: site, store: StubSessionStore(sessions: [StubSessionStore.live(id: Self.cookie)]))
        let expected = [
            ("/api/dashboard", "text/html; charset=utf-8"), ("/api/dashboard/", "text/html; charset=utf-8"),
            ("/api/dashboard/dashboard.js", "text/javascript; charset=utf-8"),
            ("/api/dashboard/dashboard.css", "text/css; charset=utf-8"),
        ]
        for (path, type) in expected {
            let response = try #require(try server.get(path, cookie: Self.cookie))
            #expect(response.status == 200, "\(path)")
            #expect(response.headers["content-type"] == type, "\(path)")
            #expect(response.headers["cache-control"] == "no-cache", "\(path)")
            #expect(response.headers["x-content-type-options"] == "nosniff", "\(path)")
        }
        let page = try #require(try server.get("/api/dashboard", cookie: Self.cookie)).body
        #expect(page.contains(#"<script src="/api/dashboard/dashboard.js" defer></script>"#))
        #expect(page.contains(#"href="/api/dashboard/dashboard.css""#))
        #expect(page.contains(#"data-metrics-url="/api/dashboard/metrics""#))
        // CSP `default-src 'self'`: every script has a src and nothing is styled inline.
        #expect(page.components(separatedBy: "<script").count == 2)
        #expect(!page.contains("style="))
        #expect(!page.contains("<style"))
        for id in ["rps", "lat-p50", "lat-p95", "lat-p99", "err-5xx", "err-4xx", "ws-active", "ws-mean", "cpu", "mem",
                   "uptime", "cost", "triggers", "countries", "routes"] {
            #expect(page.contains("id=\"\(id)\""), "\(id)")
        }
    }

    @Test func head_hasNoBody_otherMethods405() throws {
        let site = try SiteFixture()
        let server = try DashboardServer(site: site, store: StubSessionStore(sessions: [StubSessionStore.live(id: Self.cookie)]))
        let get = try #require(try server.get("/api/dashboard/dashboard.css", cookie: Self.cookie))
        let responses = try server.responses(
            "HEAD /api/dashboard/dashboard.css HTTP/1.1\r\nHost: t\r\nCookie: session_id=\(Self.cookie)\r\n\r\n"
                + "GET /api/health HTTP/1.1\r\nHost: t\r\n\r\n", heads: [true])
        let head = try #require(responses.first)
        #expect(head.status == 200)
        #expect(head.headers["content-length"] == get.headers["content-length"])
        // The next response on the same connection starts right after the head: no body was sent.
        #expect(responses.count == 2)
        #expect(responses.last?.status == 200)

        for method in ["POST", "DELETE", "PUT"] {
            let refused = try #require(try server.get("/api/dashboard/metrics", method: method, cookie: Self.cookie,
                                                      extra: "Content-Length: 0\r\n"))
            #expect(refused.status == 405)
            #expect(refused.headers["allow"] == "GET, HEAD")
        }
    }
}
