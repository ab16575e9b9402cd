import Foundation
import PilotoConfig
import Testing
@testable import PilotoHTTPCore
@testable import PilotoRuntime
import PilotoTestKit

struct MetricsTests {
    @Test func histogram_quantilesFromBuckets() {
        var h = LatencyHistogram()
        for _ in 0..<90 { h.record(nanos: 400_000) }  // ≤ 0.5 ms
        for _ in 0..<10 { h.record(nanos: 40_000_000) }  // 25–50 ms
        #expect(h.count == 100)
        #expect((h.quantileNanos(0.5) ?? 0) <= 500_000)
        let p99 = h.quantileNanos(0.99) ?? 0
        #expect(p99 > 25_000_000 && p99 <= 50_000_000)
        #expect(LatencyHistogram().quantileNanos(0.5) == nil)
    }

    @Test func countryLabels_bounded() {
        #expect(CountryLabel.label("br") == "BR")
        #expect(CountryLabel.label(" US ") == "US")
        #expect(CountryLabel.label("<script>") == "other")
        #expect(CountryLabel.label(nil) == nil)
        let registry = MetricsRegistry(routePatterns: ["/"], loopCount: 1)
        for a in UInt8(65)...UInt8(90) {
            for b in UInt8(65)...UInt8(70) {
                registry.loops[0].record(route: 0, country: String(decoding: [a, b], as: UTF8.self), status: 200, nanos: 1)
            }
        }
        let countries = registry.snapshot().countries
        #expect(countries.count <= MetricsRegistry.maxCountries + 1)
        #expect(countries.contains { $0.0 == "other" })
    }

    @Test func seconds_formatting() {
        #expect(PrometheusExporter.seconds(1_234_000) == "0.001234")
        #expect(PrometheusExporter.seconds(2_000_000_000) == "2")
        #expect(PrometheusExporter.seconds(0) == "0")
    }

    @Test func metricsRoute_loopbackOnly_andCountsByRouteAndCountry() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        for region in ["br", "US", "zz-bad"] {
            #expect(try server.get("/assets/site.css", ["X-Client-Region: \(region)"])?.status == 200)
        }
        let response = try #require(try server.get("/metrics"))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == PrometheusExporter.contentType)
        #expect(response.body.contains(#"piloto_http_requests_total{route="/assets"} 3"#))
        #expect(response.body.contains(#"piloto_http_request_duration_by_country_seconds_count{country="BR"} 1"#))
        #expect(response.body.contains(#"piloto_http_request_duration_by_country_seconds_count{country="other"} 1"#))
        #expect(response.body.contains(#"piloto_http_request_duration_quantile_seconds{route="/assets",quantile="0.99"}"#))

        // A non-loopback client gets 404 (router-level, with a fake remote address).
        let router = server.server.router
        let head = HTTPRequestHead(
            method: "GET", target: "/metrics", version: .http11, headers: HTTPHeaders(), framing: .none, keepAlive: true,
            expectContinue: false)
        let remote = HTTPRequest(
            head: head, path: "/metrics", query: nil, body: [], remote: SocketAddress(ip: "203.0.113.9", isLoopback: false),
            startNanos: 0)
        #expect(throws: HTTPError(.notFound)) { try router.respond(to: remote, route: router.match("/metrics")) }
    }

    @Test func accessLog_cloudLoggingShape_withTrace() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes(), accessLog: true))
        let asset = try server.get(
            "/assets/site.css?v=1", ["User-Agent: tester", "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"])
        #expect(asset?.status == 200)
        #expect(try server.responses("GET / HTTP/1.1\r\nHost : t\r\n\r\n").first?.status == 400)
        server.server.logger.close()
        #expect(server.logs.lines.contains { $0.contains(#""message":"rejected request: 400 whitespaceBeforeColon""#) })
        let line = try #require(server.logs.lines.first { $0.contains("httpRequest") })
        #expect(line.hasPrefix(#"{"severity":"INFO","message":"GET /assets/site.css 200","#))
        #expect(line.contains(#""logging.googleapis.com/trace":"projects/demo-project/traces/4bf92f3577b34da6a3ce929d0e0e4736""#))
        #expect(line.contains(#""requestMethod":"GET","requestUrl":"/assets/site.css?v=1","status":200"#))
        #expect(line.contains(#""userAgent":"tester","remoteIp":"127.0.0.1""#))
        #expect(line.contains(#""protocol":"HTTP/1.1""#))
        #expect(line.contains(#""latency":"0."#))
    }

    @Test func traceContext_cloudHeader() {
        var h = HTTPHeaders()
        h.add("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1")
        #expect(TraceContext.traceField(headers: h, project: "p") == "projects/p/traces/105445aa7843bc8bf206b12000100000")
        #expect(TraceContext.traceField(headers: h, project: nil) == nil)
        #expect(TraceContext.traceField(headers: HTTPHeaders(), project: "p") == nil)
    }

    @Test func logger_dropsWhenFull_neverBlocks() {
        /// Blocks the logger's writer until the test lets it go: the queue fills for certain.
        final class Held: LogSink, @unchecked Sendable {
            let gate = DispatchSemaphore(value: 0)
            func write(_ line: String) { gate.wait() }
        }
        let sink = Held()
        let logger = Logger(sink: sink, capacity: 4)
        for i in 0..<100 { logger.log(.info, "line \(i)") }
        #expect(logger.dropped > 0)
        for _ in 0..<100 { sink.gate.signal() }
        logger.close()
    }
}
