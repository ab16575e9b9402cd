import PilotoConfig

/// Everything one `GET <dashboard>/metrics` reports, gathered in one place so the document is a
/// pure function of it (tests build readings by hand; the responder reads the live server).
package struct DashboardReading: Sendable {
    package var metrics: MetricsSnapshot
    package var webSockets: WebSocketGauge.Snapshot
    package var rates: UsageSampler.Rates
    package var residentBytes: Int64?
    package var uptimeNanos: Int64
    package var draining: Bool
    /// Wall-clock time of the reading (unix ms), so the page can label its charts.
    package var unixMilliseconds: Int64
    /// The proxy's upstreams (backends), in config order; empty without proxy routes.
    package var upstreams: [ProxyUpstreamMetrics] = []
    /// One row per live instance, by instance id (`DashboardMerge`); empty: this instance alone.
    package var instances: [InstanceSnapshot] = []
    /// Where the rows come from: `memory` (this instance only) or `redis` (every live instance).
    package var instanceSource = "memory"
    /// Instances the figures add up (at least 1).
    package var instanceCount: Int { max(1, instances.count) }

    /// Every route's latencies merged (unmatched requests included: they are traffic too).
    package var overall: LatencyHistogram {
        var merged = LatencyHistogram()
        for route in metrics.routes { merged.merge(route.histogram) }
        return merged
    }

    package var totalRequests: Int64 { metrics.routes.reduce(0) { $0 + $1.requests } }
    package var serverErrors: Int64 { metrics.routes.reduce(0) { $0 + $1.serverErrors } }
    package var clientErrors: Int64 { metrics.routes.reduce(0) { $0 + $1.clientErrors } }

    /// People on the app right now, approximated from connections: every open client connection
    /// (keep-alive HTTP and WebSocket alike; upgraded connections stay in `activeConnections`),
    /// and never fewer than the open WebSockets. An attendance screen holds one WebSocket per
    /// salesperson, so with the screen in use this is ≈ WebSockets + the few HTTP connections
    /// in flight. It over-counts a browser that keeps several idle keep-alive connections and
    /// cannot see users hidden behind one proxy connection: a trend, not a head count.
    package var concurrentUsers: Int { max(metrics.activeConnections, webSockets.active) }

    /// CPU used as a percentage of `scaling.cpu` (100 = the configured vCPUs fully busy); with
    /// several instances, their mean.
    package func cpuPercentOfLimit(_ config: PilotoConfig) -> Double? {
        guard let cores = rates.cpuCores, config.scaling.cpu.millicores > 0 else { return nil }
        return cores * 100_000 / Double(config.scaling.cpu.millicores) / Double(instanceCount)
    }

    /// Resident memory as a percentage of `scaling.memory` (several instances: their mean).
    package func memoryPercentOfLimit(_ config: PilotoConfig) -> Double? {
        guard let rss = residentBytes, config.scaling.memory.bytes > 0 else { return nil }
        return Double(rss) * 100 / Double(config.scaling.memory.bytes) / Double(instanceCount)
    }
}
