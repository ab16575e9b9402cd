import FoundationEssentials
import PilotoConfig
import Testing
@testable import PilotoRuntime

/// The cluster dashboard as a pure function of every instance's snapshot.
@Suite struct DashboardMergeTests {
    /// An instance that answered `latencies` on route 0 (`/api`) and one 404 on `/`.
    static func snapshot(_ id: String, latencies: [Int64], country: String = "BR", ws: Int = 1, cpu: Double? = 0.25) -> InstanceSnapshot {
        let registry = MetricsRegistry(routePatterns: ["/api", "/"], loopCount: 1)
        for nanos in latencies { registry.loops[0].record(route: 0, country: country, status: 200, nanos: nanos) }
        registry.loops[0].record(route: 1, country: nil, status: 404, nanos: 100_000)
        let reading = DashboardReading(
            metrics: registry.snapshot(),
            webSockets: .init(active: ws, finished: ws * 2, meanDurationMilliseconds: Double(ws) * 1000, peak: ws + 1, occupiedMilliseconds: 500),
            rates: .init(windowNanos: 10_000_000_000, requestsPerSecond: Double(latencies.count), cpuCores: cpu),
            residentBytes: 100 << 20, uptimeNanos: Int64(latencies.count) * 1_000_000_000, draining: false,
            unixMilliseconds: 1_700_000_000_000)
        return InstanceSnapshot(instance: id, reading: reading)
    }

    @Test func countersAreSummedAndHistogramsMergedBucketByBucket() {
        // a: 99 fast requests; b: 1 slow one. The cluster p99 must be the p99 of all 100 requests
        // (inside the fast bucket), and p100-ish figures must see the slow one: averaging per-instance
        // p99s would report ~2.5 s.
        let a = Self.snapshot("a", latencies: Array(repeating: 800_000, count: 99))
        let b = Self.snapshot("b", latencies: [3_000_000_000], country: "US")
        let merged = DashboardMerge.merge([b, a])
        let api = merged.metrics.routes[0]
        #expect(merged.metrics.routes.map(\.label) == ["/api", "/", "unmatched"])
        #expect(api.requests == 100)
        var expected = a.routes[0].latency.histogram
        expected.merge(b.routes[0].latency.histogram)
        #expect(api.histogram == expected)
        #expect(api.histogram.quantileNanos(0.99).map { $0 <= 1_000_000 } == true)
        #expect(api.histogram.quantileNanos(0.999).map { $0 >= 2_500_000_000 } == true)
        #expect(merged.totalRequests == 102)
        #expect(merged.clientErrors == 2)
        #expect(merged.metrics.countries.map(\.0) == ["BR", "US"])
        #expect(merged.metrics.countries.map(\.1.count) == [99, 1])
    }

    @Test func gaugesRatesAndProcessFiguresAddUp() {
        let merged = DashboardMerge.merge([Self.snapshot("a", latencies: [1, 2], ws: 1), Self.snapshot("b", latencies: [1, 2, 3, 4], ws: 3, cpu: nil)])
        #expect(merged.webSockets.active == 4)
        #expect(merged.webSockets.finished == 8)
        // Weighted by finished sessions: (2 × 1000 + 6 × 3000) / 8.
        #expect(merged.webSockets.meanDurationMilliseconds == 2500)
        #expect(merged.webSockets.peak == 6)
        #expect(merged.rates.requestsPerSecond == 6)
        #expect(merged.rates.cpuCores == 0.25)
        #expect(merged.residentBytes == 200 << 20)
        #expect(merged.uptimeNanos == 4_000_000_000)
        #expect(merged.instances.map(\.instance) == ["a", "b"])
        #expect(merged.instanceCount == 2)
    }

    @Test func limitPercentagesAreTheClusterMean() {
        let config = PilotoConfig.fixture(routes: [])
        let one = DashboardMerge.merge([Self.snapshot("a", latencies: [1])])
        let two = DashboardMerge.merge([Self.snapshot("a", latencies: [1]), Self.snapshot("b", latencies: [1])])
        #expect(one.cpuPercentOfLimit(config) == two.cpuPercentOfLimit(config))
        #expect(one.memoryPercentOfLimit(config) == two.memoryPercentOfLimit(config))
    }

    @Test func theMergeDoesNotDependOnTheOrderSnapshotsArrive() {
        let a = Self.snapshot("a", latencies: [1_000, 2_000_000])
        let b = Self.snapshot("b", latencies: [50_000_000], country: "US")
        let config = PilotoConfig.fixture(routes: [])
        #expect(DashboardDocument.render(DashboardMerge.merge([a, b]), config: config)
            == DashboardDocument.render(DashboardMerge.merge([b, a]), config: config))
    }

    @Test func snapshotsSurviveTheirJSONRoundTrip() throws {
        let a = Self.snapshot("a", latencies: [1_000, 2_000_000, 7_000_000_000])
        let decoded = try #require(InstanceSnapshot(jsonBytes: a.jsonBytes))
        #expect(decoded == a)
        #expect(decoded.routes[0].latency.histogram == a.routes[0].latency.histogram)
    }

    @Test func snapshotDoublesAndAbsentOptionalsRoundTripExactly() throws {
        var a = Self.snapshot("a", latencies: [1_000], cpu: nil)
        a.requestsPerSecond = 0.1 + 0.2
        a.webSockets.meanDurationMilliseconds = 1e-7
        a.residentBytes = nil
        let text = String(decoding: a.jsonBytes, as: UTF8.self)
        #expect(!text.contains("cpuCores") && !text.contains("residentBytes"))
        #expect(try #require(InstanceSnapshot(jsonBytes: a.jsonBytes)) == a)
    }

    /// Another build's shape or a truncated value is skipped by the merge, never half-read.
    @Test func foreignOrTruncatedSnapshotsDoNotRead() throws {
        let bytes = Self.snapshot("a", latencies: [1_000]).jsonBytes
        #expect(InstanceSnapshot(jsonBytes: Array(bytes.dropLast())) == nil)
        #expect(InstanceSnapshot(jsonBytes: Array(#"{"instance":"a"}"#.utf8)) == nil)
        let text = String(decoding: bytes, as: UTF8.self)
        let wrongType = try #require(text.firstRange(of: #""draining":false"#))
        let edited = text[..<wrongType.lowerBound] + #""draining":0"# + text[wrongType.upperBound...]
        #expect(InstanceSnapshot(jsonBytes: Array(edited.utf8)) == nil)
    }

    @Test func histogramsWithForeignBucketsCountAsEmpty() {
        #expect(LatencyHistogram(counts: [1, 2], sumNanos: 3) == nil)
        #expect(InstanceSnapshot.Histogram(LatencyHistogram()).histogram == LatencyHistogram())
    }

    @Test func theDocumentListsEveryInstanceWithItsRow() {
        let config = PilotoConfig.fixture(routes: [])
        var merged = DashboardMerge.merge([Self.snapshot("b", latencies: [3_000_000]), Self.snapshot("a", latencies: [1_000_000])])
        merged.instanceSource = "redis"
        let text = DashboardDocument.render(merged, config: config)
        #expect(text.contains(#""instances":{"count":2,"source":"redis","rows":[{"instance":"a","age_seconds":0.0,"uptime_seconds":1,"draining":false,"requests":2,"per_second":1.00,"server_errors":0,"p99_ms":"#))
        #expect(text.contains(#"{"instance":"b","#))
        #expect(text.contains(#""requests":{"total":4,"#))
    }
}
