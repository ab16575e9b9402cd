import Foundation
@testable import PilotoConfig
import Synchronization
import Testing
@testable import PilotoRuntime

/// The dashboard's parts without a server: the sample ring, procfs parsing, number formatting, the
/// cost model and the trigger rules.
struct DashboardUnitTests {
    static let second: Int64 = 1_000_000_000

    @Test func sampler_rateOverTheLastTenSeconds() {
        let sampler = UsageSampler(boot: UsageSample(atNanos: 0, requests: 0, cpuNanos: 0))
        // 100 requests/s, polled every 2 s for 20 s.
        var last = UsageSampler.Rates(windowNanos: 0, requestsPerSecond: 0, cpuCores: nil)
        for step in 1...10 {
            let t = Int64(step) * 2 * Self.second
            last = sampler.record(UsageSample(atNanos: t, requests: 100 * Int64(step) * 2, cpuNanos: t / 4))
        }
        #expect(last.windowNanos == 10 * Self.second)
        #expect(last.requestsPerSecond == 100)
        #expect(last.cpuCores == 0.25)
        // The rate follows a change within the window: 10 requests/s for the next 10 s.
        for step in 1...5 {
            let t = (20 + Int64(step) * 2) * Self.second
            last = sampler.record(UsageSample(atNanos: t, requests: 2000 + 20 * Int64(step), cpuNanos: nil))
        }
        #expect(last.requestsPerSecond == 10)
        #expect(last.cpuCores == nil)
    }

    @Test func sampler_afterASilence_averagesOverTheLongerSpan_andSaysSo() {
        let sampler = UsageSampler(boot: UsageSample(atNanos: 0, requests: 0, cpuNanos: nil))
        let rates = sampler.record(UsageSample(atNanos: 60 * Self.second, requests: 600, cpuNanos: nil))
        #expect(rates.windowNanos == 60 * Self.second)
        #expect(rates.requestsPerSecond == 10)
    }

    @Test func sampler_closeReadingsReplace_andTheRingStaysBounded() {
        let sampler = UsageSampler(boot: UsageSample(atNanos: 0, requests: 0, cpuNanos: nil), capacity: 4)
        _ = sampler.record(UsageSample(atNanos: 1 * Self.second, requests: 10, cpuNanos: nil))
        // 100 ms later: replaces the previous reading rather than shrinking the span the ring covers.
        let close = sampler.record(UsageSample(atNanos: 1_100_000_000, requests: 11, cpuNanos: nil))
        #expect(close.windowNanos == 1_100_000_000)
        for step in 2...40 { _ = sampler.record(UsageSample(atNanos: Int64(step) * Self.second, requests: Int64(step) * 10, cpuNanos: nil)) }
        // With 4 slots 1 s apart, the oldest kept reading is 3 s old.
        let rates = sampler.record(UsageSample(atNanos: 41 * Self.second, requests: 410, cpuNanos: nil))
        #expect(rates.windowNanos == 4 * Self.second)
        #expect(rates.requestsPerSecond == 10)
        // Time that does not move forward gives no rate rather than a division by zero.
        #expect(sampler.record(UsageSample(atNanos: 0, requests: 0, cpuNanos: nil)).windowNanos == 0)
    }

    @Test func procfs_parsing_toleratesOddCommandNames() throws {
        let stat = "1234 (a) b (c)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 12345 1000 200 0\n"
        #expect(ProcessUsage.parseCPUTicks(stat: stat) == 300)
        #expect(ProcessUsage.parseCPUTicks(stat: "garbage") == nil)
        #expect(ProcessUsage.parseCPUTicks(stat: "1 (x) S 1 2") == nil)
        #expect(ProcessUsage.parseResidentPages(statm: "5000 1200 300 10 0 900 0\n") == 1200)
        #expect(ProcessUsage.parseResidentPages(statm: "") == nil)
        // The live process: readable on Linux, and positive.
        #expect((try #require(ProcessUsage.residentBytes())) > 0)
        #expect((try #require(ProcessUsage.cpuNanoseconds())) >= 0)
    }

    @Test func json_fixedDecimals_andNonFiniteIsNull() {
        #expect(JSONNumber.fixed(1.005, decimals: 1)?.text == "1.0")
        #expect(JSONNumber.fixed(2.5, decimals: 0)?.text == "3")
        #expect(JSONNumber.fixed(0.0004, decimals: 3)?.text == "0.000")
        #expect(JSONNumber.fixed(-1.25, decimals: 2)?.text == "-1.25")
        #expect(JSONNumber.fixed(-0.0001, decimals: 2)?.text == "0.00")
        let doc = JSONValue.object([
            ("a", .number(.nan, decimals: 2)), ("b", .array([.int(1), .null, .bool(true)])), ("c\"", .string("x\ny")),
        ])
        #expect(doc.compact == #"{"a":null,"b":[1,null,true],"c\"":"x\ny"}"#)
    }

    /// The dashboard's cost is `piloto cost`'s model with this instance's usage scaled to a month.
    @Test func cost_isTheCostModelWithMeasuredUsageExtrapolated() {
        let config = PilotoConfig.fixture(routes: [])
        let registry = MetricsRegistry(routePatterns: ["/"], loopCount: 1)
        for _ in 0..<1000 { registry.loops[0].record(route: 0, country: nil, status: 200, nanos: 50_000_000, bytes: 1 << 20) }
        let hour = 3_600 * Self.second
        let reading = DashboardReading(
            metrics: registry.snapshot(),
            webSockets: .init(active: 0, finished: 3, meanDurationMilliseconds: 600_000, peak: 3, occupiedMilliseconds: 1_800_000),
            rates: .init(windowNanos: Self.second, requestsPerSecond: 0, cpuCores: nil), residentBytes: nil,
            uptimeNanos: hour, draining: false, unixMilliseconds: 0)
        let cost = DashboardCostEstimate(reading: reading, config: config)
        // One hour measured → × 730 for the month.
        #expect(cost.measuredSeconds == 3600)
        #expect(cost.usage.requestsPerMonth == 730_000)
        #expect(abs(cost.usage.meanRequestSeconds - 0.05) < 1e-6)
        #expect(cost.usage.websocketHours == 365)
        #expect(cost.usage.peakWebSockets == 3)
        #expect(abs(cost.usage.egressGiB - 1000.0 / 1024 * 730) < 1e-6)
        #expect(cost.estimate == CostModel.estimate(config, usage: cost.usage))
        #expect(cost.estimate.items.map(\.id) == ["cloud_run", "load_balancer", "logging", "egress"])
        #expect(cost.instances == 1)
        let text = DashboardDocument.render(reading, config: config)
        #expect(text.contains(#""cost_estimate":{"monthly_usd":"#))
        #expect(text.contains(#""is_estimate":true"#))
    }

    @Test func cost_neverDividesByAZeroUptime() {
        let config = PilotoConfig.fixture(routes: [])
        let reading = DashboardReading(
            metrics: MetricsRegistry(routePatterns: [], loopCount: 1).snapshot(),
            webSockets: .init(active: 1, finished: 0, meanDurationMilliseconds: 0),
            rates: .init(windowNanos: 0, requestsPerSecond: 0, cpuCores: nil), residentBytes: nil,
            uptimeNanos: 0, draining: false, unixMilliseconds: 0)
        let cost = DashboardCostEstimate(reading: reading, config: config)
        #expect(cost.measuredSeconds == 1)
        #expect(cost.totalUSD.isFinite)
        #expect(cost.usage.peakWebSockets == 1)
    }

    @Test func triggers_usLatencyFallsBackToOverall_andUnsetIsNeverCrossed() {
        var config = PilotoConfig.fixture(routes: [])
        config.monitoring.triggers = Triggers(
            concurrentUsers: 2, latencyUS: TimeSpan(milliseconds: 1), cpu: .percent(70), requestsPerSecond: nil,
            monthlyCostUSD: nil)
        let registry = MetricsRegistry(routePatterns: ["/"], loopCount: 1)
        registry.loops[0].record(route: 0, country: "BR", status: 200, nanos: 40_000_000)
        registry.connections.active.store(3, ordering: .relaxed)
        let reading = DashboardReading(
            metrics: registry.snapshot(), webSockets: .init(active: 1, finished: 0, meanDurationMilliseconds: 0),
            rates: .init(windowNanos: Self.second, requestsPerSecond: 1, cpuCores: 0.35), residentBytes: 256 << 20,
            uptimeNanos: Self.second, draining: false, unixMilliseconds: 0)
        let cost = DashboardCostEstimate(reading: reading, config: config)
        let triggers = DashboardTriggers.evaluate(reading, config: config, cost: cost)
        #expect(triggers.map(\.crossed) == [true, true, false, false, false])
        #expect(triggers[0].value == 3)
        #expect(triggers[1].note == "no US requests measured: overall p99")
        #expect(triggers[2].value == 35)
        #expect(reading.memoryPercentOfLimit(config) == 50)
    }
}

/// The metrics document and the page template as pure functions.
struct DashboardDocumentTests {
    static func reading(draining: Bool = false) -> DashboardReading {
        let registry = MetricsRegistry(routePatterns: ["/api", "/"], loopCount: 2)
        registry.loops[0].record(route: 0, country: "US", status: 200, nanos: 3_000_000)
        registry.loops[1].record(route: 0, country: "BR", status: 503, nanos: 7_000_000)
        registry.loops[1].record(route: 1, country: nil, status: 404, nanos: 300_000)
        return DashboardReading(
            metrics: registry.snapshot(), webSockets: .init(active: 2, finished: 4, meanDurationMilliseconds: 90_500),
            rates: .init(windowNanos: 10_000_000_000, requestsPerSecond: 0.3, cpuCores: 0.05), residentBytes: 64 << 20,
            uptimeNanos: 125_000_000_000, draining: draining, unixMilliseconds: 1_700_000_000_000)
    }

    @Test func sameReading_sameBytes_andFiguresAsDocumented() throws {
        let config = PilotoConfig.fixture(routes: [])
        let text = DashboardDocument.render(Self.reading(), config: config)
        #expect(text == DashboardDocument.render(Self.reading(), config: config))
        #expect(text.hasPrefix(#"{"generated_at_unix_ms":1700000000000,"service":"demo","region":"southamerica-east1","uptime_seconds":125,"draining":false,"requests":{"total":3,"per_second":0.30,"window_seconds":10.0,"server_errors":1,"client_errors":1,"server_error_percent":33.33,"client_error_percent":33.33}"#))
        #expect(text.contains(#""websockets":{"active":2,"finished":4,"mean_duration_seconds":90.5,"peak":0,"open_seconds":0.0}"#))
        #expect(text.contains(#""connections":{"active":0,"accepted":0,"concurrent_users":2}"#))
        #expect(text.contains(#""cpu_cores_used":0.050,"cpu_limit_cores":1.000,"cpu_percent_of_limit":5.00"#))
        #expect(text.contains(#""rss_bytes":67108864,"memory_limit_bytes":536870912,"memory_percent_of_limit":12.50"#))
        // Routes in config order then `unmatched`; an empty histogram has null quantiles.
        #expect(text.contains(#"{"route":"unmatched","requests":0,"server_errors":0,"client_errors":0,"latency_ms":{"count":0,"p50":null,"p95":null,"p99":null}}"#))
        #expect(text.contains(#""countries":[{"country":"BR","requests":1,"#))
        #expect(DashboardDocument.render(Self.reading(draining: true), config: config).contains(#""draining":true"#))
        _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func upstreams_listedWithTheirCounters() throws {
        let config = PilotoConfig.fixture(routes: [])
        var reading = Self.reading()
        let api = ProxyUpstreamMetrics(label: "api")
        api.recordStatus(200)
        api.recordStatus(502)
        api.badGateway.add(1, ordering: .relaxed)
        api.recordFirstByte(nanos: 2_000_000)
        reading.upstreams = [api]
        let text = DashboardDocument.render(reading, config: config)
        #expect(text.contains(#""upstreams":[{"upstream":"api","responses":{"1xx":0,"2xx":1,"3xx":0,"4xx":0,"5xx":1},"first_byte_ms":{"count":1,"#))
        #expect(text.contains(#""bad_gateway":1,"timeouts":0,"aborted":0,"idle_connections":0,"open_tunnels":0}]"#))
        _ = try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func targets_underThePrefix_includingARootMount() {
        let config = PilotoConfig.fixture(routes: [])
        let store = StubSessionStore()
        let metrics = MetricsRegistry(routePatterns: [], loopCount: 1)
        let mounted = DashboardResponder(prefix: "/ops", config: config, source: DashboardSource(metrics: metrics, state: ServerState()), sessions: store)
        #expect(mounted.target(for: "/ops") == .page)
        #expect(mounted.target(for: "/ops/") == .page)
        #expect(mounted.target(for: "/ops/metrics") == .metrics)
        #expect(mounted.target(for: "/ops/dashboard.js") == .script)
        #expect(mounted.target(for: "/ops/dashboard.css") == .style)
        #expect(mounted.target(for: "/ops/metrics/x") == nil)
        #expect(mounted.target(for: "/other/metrics") == nil)
        let root = DashboardResponder(prefix: "/", config: config, source: DashboardSource(metrics: metrics, state: ServerState()), sessions: store)
        #expect(root.target(for: "/") == .page)
        #expect(root.target(for: "/metrics") == .metrics)
        #expect(DashboardPage.html(prefix: "/").contains(#"data-metrics-url="/metrics""#))
    }

    @Test func page_escapesThePrefix() {
        let html = DashboardPage.html(prefix: "/a\"b<c>&'")
        #expect(html.contains(#"data-metrics-url="/a&quot;b&lt;c&gt;&amp;&#39;/metrics""#))
        #expect(!html.contains("{{BASE}}"))
    }
}
