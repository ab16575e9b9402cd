/// What a config costs a month on Google Cloud, from the config and a month of usage.
///
/// Pure arithmetic over `PriceTable`: `piloto cost` feeds it the `cost:` block, the dashboard feeds
/// it this instance's measured usage, validate feeds it "every instance busy all month". The formula
/// is the (docs/cost.md explains each term).
package enum CostModel {
    /// The estimate for `config` with `usage` (the `cost:` block unless given).
    package static func estimate(_ config: PilotoConfig, usage: CostUsage? = nil) -> CostEstimate {
        let usage = usage ?? config.cost
        var items = [cloudRun(config, usage: usage, activeSeconds: activeSeconds(config, usage))]
        if config.edge.mode == .loadBalancer {
            let fixed = PriceTable.forwardingRulesPerHour * PriceTable.hoursPerMonth
            items.append(CostItem(
                id: "load_balancer",
                label: "Load balancer (forwarding rules \(CostReport.usd(fixed)) + \(CostReport.number(usage.egressGiB)) GiB processed)",
                usd: fixed + usage.egressGiB * PriceTable.loadBalancerPerGiB))
            if config.edge.cdn {
                let gib = CDNContinent.allCases.reduce(0.0) { $0 + (usage.cdnEgressGiB[$1] ?? 0) }
                let usd = CDNContinent.allCases.reduce(0.0) {
                    $0 + (usage.cdnEgressGiB[$1] ?? 0) * PriceTable.cdnEgressPerGiB($1)
                }
                items.append(CostItem(id: "cdn", label: "Cloud CDN cache egress (\(CostReport.number(gib)) GiB)", usd: usd))
            }
        }
        if config.sessions.store == .redis {
            items.append(CostItem(
                id: "redis", label: "Memorystore Redis Basic 1 GB",
                usd: PriceTable.redisGB * PriceTable.redisBasicPerGBHour * PriceTable.hoursPerMonth))
        }
        items.append(CostItem(
            id: "logging", label: "Cloud Logging (\(CostReport.number(usage.logGiB)) GiB, 50 GiB free)",
            usd: max(0, usage.logGiB - PriceTable.freeLogGiB) * PriceTable.logPerGiB))
        return CostEstimate(items: items)
    }

    /// Every allowed instance active all month: the most Cloud Run can bill.
    package static func ceiling(_ config: PilotoConfig) -> CostEstimate {
        var usage = config.cost
        let cap = Double(config.scaling.maxInstances) * PriceTable.secondsPerMonth
        usage.meanRequestSeconds = usage.requestsPerMonth > 0 ? cap / usage.requestsPerMonth : 0
        if usage.requestsPerMonth == 0 {
            usage.websocketHours = PriceTable.hoursPerMonth
            usage.peakWebSockets = Double(config.scaling.maxInstances * config.scaling.concurrency)
        }
        return estimate(config, usage: usage)
    }

    /// `A = max(requests × mean, websocket_hours × 3600 × ceil(peak / concurrency))`, at most
    /// `max_instances × 2,628,000`: an instance holding an open WebSocket is active the whole time.
    package static func activeSeconds(_ config: PilotoConfig, _ usage: CostUsage) -> Double {
        let requestSeconds = usage.requestsPerMonth * usage.meanRequestSeconds
        let socketInstances = (usage.peakWebSockets / Double(max(1, config.scaling.concurrency))).rounded(.up)
        let socketSeconds = usage.websocketHours * 3600 * socketInstances
        return min(max(requestSeconds, socketSeconds), Double(config.scaling.maxInstances) * PriceTable.secondsPerMonth)
    }

    static func cloudRun(_ config: PilotoConfig, usage: CostUsage, activeSeconds a: Double) -> CostItem {
        let scaling = config.scaling
        let tier = PriceTable.tier(region: config.service.region)
        let cpu = Double(scaling.cpu.millicores) / 1000
        let gib = Double(scaling.memory.bytes) / Double(1 << 30)
        let warm = Double(scaling.minInstances) * PriceTable.secondsPerMonth
        let usd: Double
        let billing: String
        if scaling.cpuThrottling {
            billing = "request-based"
            let rates = PriceTable.requestBased(tier)
            let idle = PriceTable.idleMinInstance(tier)
            let tier1 = PriceTable.requestBased(.one)
            let active = a * (cpu * rates.cpu + gib * rates.memory)
            let requests = max(0, usage.requestsPerMonth - PriceTable.freeRequests) * PriceTable.perRequest
            let idleCost = max(0, warm - a) * (cpu * idle.cpu + gib * idle.memory)
            let free = min(a * cpu, PriceTable.freeRequestBasedVCPUSeconds) * tier1.cpu
                + min(a * gib, PriceTable.freeRequestBasedGiBSeconds) * tier1.memory
            usd = max(0, active + requests + idleCost - free)
        } else {
            billing = "instance-based"
            let rates = PriceTable.instanceBased(tier)
            let tier1 = PriceTable.instanceBased(.one)
            let billed = max(warm, a)
            let free = min(billed * cpu, PriceTable.freeInstanceBasedVCPUSeconds) * tier1.cpu
                + min(billed * gib, PriceTable.freeInstanceBasedGiBSeconds) * tier1.memory
            usd = max(0, billed * (cpu * rates.cpu + gib * rates.memory) - free)
        }
        let label = "Cloud Run (Tier \(tier.rawValue), \(billing), \(CostReport.number(cpu)) vCPU / "
            + "\(CostReport.number(gib)) GiB, \(CostReport.number(a.rounded())) active instance-s, free tier applied)"
        return CostItem(id: "cloud_run", label: label, usd: usd)
    }
}

/// One line of an estimate.
package struct CostItem: Sendable, Equatable {
    /// `cloud_run`, `load_balancer`, `cdn`, `redis` or `logging` (stable, for `--json` consumers).
    package var id: String
    package var label: String
    package var usd: Double

    package init(id: String, label: String, usd: Double) {
        self.id = id
        self.label = label
        self.usd = usd
    }
}

/// The line items that apply, in a fixed order, and their total.
package struct CostEstimate: Sendable, Equatable {
    package var items: [CostItem]
    package var totalUSD: Double { items.reduce(0) { $0 + $1.usd } }

    package init(items: [CostItem]) { self.items = items }

    package func usd(_ id: String) -> Double? { items.first { $0.id == id }?.usd }
}
