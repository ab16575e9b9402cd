import PilotoConfig

/// A rough monthly Cloud Run bill extrapolated from what this instance sees now. It is an
/// ESTIMATE for the "re-evaluate when the bill passes $X/month" trigger, not a bill: it ignores the
/// free tier, networking egress, Artifact Registry, Redis, load balancer and logging, and it
/// assumes every running instance looks like this one.
///
/// Prices are Cloud Run's published list prices in USD (cloud.google.com/run/pricing, 2024–2025),
/// per second of an instance's allocated resources:
/// - request-based billing (`cpu_throttling: true`, CPU only while serving): Tier 1 regions
///   $0.000024 per vCPU-second and $0.0000025 per GiB-second, plus $0.40 per million requests;
///   Tier 2 regions $0.0000336 and $0.0000035, same request fee;
/// - instance-based billing (`cpu_throttling: false`, CPU always allocated): Tier 1 $0.000018 per
///   vCPU-second and $0.000002 per GiB-second, Tier 2 $0.0000252 and $0.0000028, no request fee.
///
/// Model (documented in the metrics document too, as `assumptions`):
/// - instances = concurrent users ÷ `scaling.concurrency`, rounded up, within
///   [`max(min_instances, 1)`, `max_instances`];
/// - billed fraction of the month: 1 for instance-based billing; for request-based billing the
///   share of time with at least one request in flight, estimated as requests/s × mean latency
///   (capped at 1), and 1 while any WebSocket is open (a WebSocket is a request that lasts);
///   min instances are counted as busy all month (their idle rate is lower: an overestimate);
/// - a month is 30 days.
package struct CloudRunCostEstimate: Sendable, Equatable {
    package var instances: Int
    package var billedFraction: Double
    package var cpuUSD: Double
    package var memoryUSD: Double
    package var requestsUSD: Double
    package var tier: Int
    package var totalUSD: Double { cpuUSD + memoryUSD + requestsUSD }

    static let secondsPerMonth: Double = 30 * 24 * 3600
    static let requestPricePerMillion = 0.40

    /// Regions billed at Tier 1 prices; every other region is priced as Tier 2 (the higher one, so
    /// an unknown region errs on the side of a larger estimate).
    static let tier1Regions: [String] = [
        "asia-east1", "asia-northeast1", "asia-northeast2", "europe-north1", "europe-southwest1",
        "europe-west1", "europe-west4", "europe-west8", "europe-west9", "me-west1", "us-central1",
        "us-east1", "us-east4", "us-east5", "us-south1", "us-west1",
    ]

    /// (vCPU-second, GiB-second) prices for the region and billing mode.
    static func unitPrices(region: String, requestBased: Bool) -> (cpu: Double, memory: Double, tier: Int) {
        let tier1 = tier1Regions.contains(region)
        switch (requestBased, tier1) {
        case (true, true): return (0.000024, 0.0000025, 1)
        case (true, false): return (0.0000336, 0.0000035, 2)
        case (false, true): return (0.000018, 0.000002, 1)
        case (false, false): return (0.0000252, 0.0000028, 2)
        }
    }

    package init(
        config: PilotoConfig, concurrentUsers: Int, requestsPerSecond: Double, meanLatencySeconds: Double,
        openWebSockets: Int
    ) {
        let scaling = config.scaling
        let requestBased = scaling.cpuThrottling
        let prices = Self.unitPrices(region: config.service.region, requestBased: requestBased)
        let floor = max(scaling.minInstances, 1)
        let needed = (max(concurrentUsers, 0) + max(scaling.concurrency, 1) - 1) / max(scaling.concurrency, 1)
        instances = min(max(needed, floor), max(scaling.maxInstances, floor))
        if !requestBased || openWebSockets > 0 {
            billedFraction = 1
        } else {
            let busy = min(1, max(0, requestsPerSecond * meanLatencySeconds))
            // Min instances are billed all month; the rest only while busy.
            let always = Double(min(scaling.minInstances, instances))
            billedFraction = (always + Double(instances - Int(always)) * busy) / Double(max(instances, 1))
        }
        let instanceSeconds = Double(instances) * billedFraction * Self.secondsPerMonth
        cpuUSD = instanceSeconds * Double(scaling.cpu.millicores) / 1000 * prices.cpu
        memoryUSD = instanceSeconds * Double(scaling.memory.bytes) / Double(1 << 30) * prices.memory
        // Every instance is assumed to see this instance's request rate.
        requestsUSD = requestBased
            ? max(0, requestsPerSecond) * Double(instances) * Self.secondsPerMonth / 1e6 * Self.requestPricePerMillion
            : 0
        tier = prices.tier
    }

    /// One sentence for the dashboard, so nobody mistakes the figure for a bill.
    package static let assumptions =
        "Estimate from Cloud Run list prices (USD, no free tier, no egress/Redis/LB): "
        + "instances = ceil(concurrent users / "
        + "concurrency) within [max(min,1), max]; request-based billing counts busy time (req/s x mean latency, 1 with "
        + "WebSockets open) plus $0.40 per million requests; 30-day month."
}
