import Foundation
@testable import PilotoConfig
import Testing
@testable import PilotoRuntime

/// Latency as the client feels it: the load balancer's `{client_rtt_msec}` header parsed
/// strictly, recorded per country beside server time, exported to Prometheus and the dashboard,
/// and used by the `latency_us` trigger.
struct FeltLatencyTests {
    @Test func rttHeader_acceptsWholeMillisecondsUpToAMinute() {
        #expect(ClientRTT.milliseconds("120") == 120)
        #expect(ClientRTT.milliseconds(" 45\t") == 45)
        #expect(ClientRTT.milliseconds("0") == 0)
        #expect(ClientRTT.milliseconds("007") == 7)
        #expect(ClientRTT.milliseconds("60000") == 60_000)
        for bad in ["60001", "999999", "1234567", "99999999999999999999", "-5", "+5", "12.5", "1e3", "0x10", "", " ",
                    "abc", "12 ms", "١٢", "１２", "12\u{0}"] {
            #expect(ClientRTT.milliseconds(bad) == nil, "\(bad.debugDescription)")
        }
        #expect(ClientRTT.milliseconds(nil) == nil)
    }

    @Test func recording_feltIsRTTPlusServerTime_perCountry() {
        let registry = MetricsRegistry(routePatterns: ["/"], loopCount: 2)
        registry.loops[0].record(route: 0, country: "US", status: 200, nanos: 4_000_000, rttNanos: 150_000_000)
        registry.loops[1].record(route: 0, country: "US", status: 200, nanos: 6_000_000, rttNanos: 170_000_000)
        registry.loops[1].record(route: 0, country: "BR", status: 200, nanos: 5_000_000, rttNanos: nil)
        let snapshot = registry.snapshot()
        #expect(snapshot.countries.map(\.0) == ["BR", "US"])
        #expect(snapshot.clientRTT.map(\.0) == ["US"], "BR sent no RTT: no RTT or felt series")
        #expect(snapshot.felt.map(\.0) == ["US"])
        let felt = snapshot.felt[0].1
        #expect(felt.count == 2)
        #expect(felt.sumNanos == 154_000_000 + 176_000_000)
        #expect(snapshot.clientRTT[0].1.sumNanos == 320_000_000)
        #expect(snapshot.countries[1].1.sumNanos == 10_000_000, "server time is unchanged by the RTT")
        let p99 = felt.quantileNanos(0.99) ?? 0
        #expect(p99 > 100_000_000 && p99 <= 250_000_000)
    }

    @Test func recording_foldsRTTIntoOtherWithTheServerTime() {
        let registry = MetricsRegistry(routePatterns: ["/"], loopCount: 1)
        for a in UInt8(65)...UInt8(90) {
            for b in UInt8(65)...UInt8(67) {
                registry.loops[0].record(
                    route: 0, country: String(decoding: [a, b], as: UTF8.self), status: 200, nanos: 1, rttNanos: 1_000_000)
            }
        }
        let snapshot = registry.snapshot()
        #expect(snapshot.felt.map(\.0) == snapshot.countries.map(\.0))
        #expect(snapshot.felt.count <= MetricsRegistry.maxCountries + 1)
    }

    @Test func trigger_comparesTheUSFeltP99_andSaysSo() {
        var config = PilotoConfig.fixture(routes: [])
        config.monitoring.triggers = Triggers(
            concurrentUsers: nil, latencyUS: TimeSpan(milliseconds: 500), cpu: nil, requestsPerSecond: nil, monthlyCostUSD: nil)
        let registry = MetricsRegistry(routePatterns: ["/"], loopCount: 1)
        // Server time 40 ms is far below 500 ms; with a 480 ms round trip the US user waits > 500 ms.
        for _ in 0..<20 { registry.loops[0].record(route: 0, country: "US", status: 200, nanos: 40_000_000, rttNanos: 480_000_000) }
        let reading = DashboardReading(
            metrics: registry.snapshot(), webSockets: .init(active: 0, finished: 0, meanDurationMilliseconds: 0),
            rates: .init(windowNanos: 1_000_000_000, requestsPerSecond: 1, cpuCores: nil), residentBytes: nil,
            uptimeNanos: 60_000_000_000, draining: false, unixMilliseconds: 0)
        let trigger = DashboardTriggers.evaluate(reading, config: config, cost: DashboardCostEstimate(reading: reading, config: config))[1]
        #expect(trigger.name == "latency_us")
        #expect(trigger.note == "p99 as felt by US clients: RTT (monitoring.rtt_header) + server time")
        #expect((trigger.value ?? 0) > 500)
        #expect(trigger.crossed)
        let text = DashboardDocument.render(reading, config: config)
        #expect(text.contains(#""latency_us_ms":{"felt_p99":"#))
        #expect(text.contains(#""rtt_ms":{"count":20,"#) && text.contains(#""felt_ms":{"count":20,"#))
    }

    @Test func webSocketGauge_peakAndOpenTime_onAFakeClock() {
        final class FakeClock: MonotonicClock, @unchecked Sendable {
            var now: Int64 = 1_000
            func nowMilliseconds() -> Int64 { now }
        }
        let clock = FakeClock()
        let gauge = WebSocketGauge(clock: clock)
        gauge.opened()
        clock.now += 500
        gauge.opened()
        clock.now += 500
        gauge.closed(durationMilliseconds: 500)
        gauge.closed(durationMilliseconds: 1_000)
        clock.now += 10_000  // nothing open: not counted
        gauge.opened()
        clock.now += 250
        let snapshot = gauge.snapshot()
        #expect(snapshot.peak == 2)
        #expect(snapshot.active == 1)
        #expect(snapshot.occupiedMilliseconds == 1_000 + 250, "the open stretch so far counts too")
    }

    /// Through the server's router and observer (in-process): requests carrying the two headers,
    /// then `/metrics` as Prometheus text.
    @Test func server_exportsRTTAndFeltHistograms_andIgnoresBadValues() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes()))
        let sent: [(String, String)] = [("US", "150"), ("US", "170"), ("br", "12"), ("US", "abc"), ("US", "70000"), ("BR", "-1")]
        for (region, rtt) in sent {
            #expect(try server.get("/assets/site.css", ["X-Client-Region: \(region)", "X-Client-RTT-Ms: \(rtt)"])?.status == 200)
        }
        let body = try #require(try server.get("/metrics")).body
        #expect(body.contains(#"piloto_http_request_duration_by_country_seconds_count{country="US"} 4"#))
        #expect(body.contains(#"piloto_http_request_duration_by_country_seconds_count{country="BR"} 2"#))
        // Only the two valid US values and the one valid BR value count as RTTs.
        #expect(body.contains("# TYPE piloto_http_client_rtt_by_country_seconds histogram\n"))
        #expect(body.contains(#"piloto_http_client_rtt_by_country_seconds_count{country="US"} 2"#))
        #expect(body.contains(#"piloto_http_client_rtt_by_country_seconds_sum{country="US"} 0.32"# + "\n"))
        #expect(body.contains(#"piloto_http_client_rtt_by_country_seconds_count{country="BR"} 1"#))
        #expect(body.contains(#"piloto_http_client_rtt_by_country_seconds_bucket{country="US",le="0.1"} 0"#))
        #expect(body.contains(#"piloto_http_client_rtt_by_country_seconds_bucket{country="US",le="0.25"} 2"#))
        #expect(body.contains("# TYPE piloto_http_felt_latency_by_country_seconds histogram\n"))
        #expect(body.contains(#"piloto_http_felt_latency_by_country_seconds_count{country="US"} 2"#))
        #expect(body.contains(#"piloto_http_felt_latency_quantile_seconds{country="US",quantile="0.99"}"#))
        #expect(body.contains(#"piloto_http_client_rtt_quantile_seconds{country="BR",quantile="0.5"}"#))
        // Felt ≥ RTT: the US felt sum is 0.32 s plus the (positive) server time.
        let feltSum = body.split(separator: "\n").first { $0.hasPrefix(#"piloto_http_felt_latency_by_country_seconds_sum{country="US"}"#) }
        let seconds = feltSum.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        #expect(seconds > 0.32 && seconds < 1.32)
    }

    @Test func server_withoutRTTHeaderConfigured_recordsNoRTT() throws {
        let site = try SiteFixture()
        let server = try InProcessServer(.fixture(routes: site.routes(), rttHeader: nil))
        #expect(try server.get("/assets/site.css", ["X-Client-Region: US", "X-Client-RTT-Ms: 150"])?.status == 200)
        let body = try #require(try server.get("/metrics")).body
        #expect(body.contains(#"piloto_http_request_duration_by_country_seconds_count{country="US"} 1"#))
        #expect(!body.contains("piloto_http_client_rtt_by_country_seconds_count"))
    }
}
