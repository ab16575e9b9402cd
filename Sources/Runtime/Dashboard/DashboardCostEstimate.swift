import PilotoConfig

/// The dashboard's monthly cost: the same `CostModel` as `piloto cost`, fed with what this
/// instance has measured since it started, extrapolated to a 730-hour month. An ESTIMATE (the
/// document says so): one instance's traffic stands for the service's, and a few minutes of
/// uptime stretched to a month amplify every burst.
///
/// Measured: requests and their mean server time, the time with at least one WebSocket open and
/// the peak of open sockets (an instance holding a socket is billed as active), response bytes as
/// egress. Not measurable here, so taken from the config's `cost:` block: Cloud CDN cache egress
/// (served by the CDN, never seen by the server) and log volume.
package struct DashboardCostEstimate: Sendable, Equatable {
    package var usage: CostUsage
    package var estimate: CostEstimate
    /// Seconds of measurement the month was extrapolated from.
    package var measuredSeconds: Double
    /// Instances busy at the peak (sockets ÷ concurrency, at least one, at most max_instances).
    package var instances: Int

    package var totalUSD: Double { estimate.totalUSD }

    package init(reading: DashboardReading, config: PilotoConfig) {
        let seconds = max(Double(reading.uptimeNanos) / 1e9, 1)
        let scale = PriceTable.secondsPerMonth / seconds
        let overall = reading.overall
        let webSockets = reading.webSockets
        let occupiedHours = Double(webSockets.occupiedMilliseconds) / 3_600_000
        usage = CostUsage(
            requestsPerMonth: (Double(reading.totalRequests) * scale).rounded(),
            meanRequestSeconds: overall.count > 0 ? Double(overall.sumNanos) / Double(overall.count) / 1e9 : 0,
            websocketHours: min(PriceTable.hoursPerMonth, occupiedHours * scale),
            peakWebSockets: Double(max(webSockets.peak, webSockets.active)),
            egressGiB: Double(reading.metrics.responseBytes) / Double(1 << 30) * scale,
            cdnEgressGiB: config.cost.cdnEgressGiB,
            logGiB: config.cost.logGiB)
        estimate = CostModel.estimate(config, usage: usage)
        measuredSeconds = seconds
        instances = Int(max(1, CostModel.socketInstances(config, usage)))
    }

    /// One sentence for the dashboard, so nobody mistakes the figure for a bill.
    package static let assumptions =
        "Estimate with piloto cost's model (list prices, free tier, load balancer, Redis, logging, egress; "
        + "docs/cost.md): this instance's requests, mean server time, WebSocket-open hours, peak sockets and "
        + "response bytes since start, extrapolated to a 730-hour month; CDN egress and logs from the cost: block."
}
