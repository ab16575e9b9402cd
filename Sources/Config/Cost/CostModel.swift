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
            items.append(loadBalancer(usage))
            if config.edge.cdn { items.append(cdn(usage)) }
        }
        if config.sessions.store == .redis {
            let hours = PriceTable.hoursPerMonth
            items.append(CostItem(
                id: "redis", label: "Memorystore Redis Basic 1 GB",
                usd: PriceTable.redisGB * PriceTable.redisBasicPerGBHour * hours,
                details: [CostDetail(
                    "\(CostReport.number(PriceTable.redisGB)) GB × \(CostReport.number(hours)) h × \(CostReport.price(PriceTable.redisBasicPerGBHour))/GB-h",
                    PriceTable.redisGB * PriceTable.redisBasicPerGBHour * hours)]))
        }
        let billedLogs = max(0, usage.logGiB - PriceTable.freeLogGiB)
        items.append(CostItem(
            id: "logging", label: "Cloud Logging (\(CostReport.number(usage.logGiB)) GiB, 50 GiB free)",
            usd: billedLogs * PriceTable.logPerGiB,
            details: [CostDetail(
                "\(CostReport.number(billedLogs)) GiB beyond the free 50 × \(CostReport.price(PriceTable.logPerGiB))/GiB",
                billedLogs * PriceTable.logPerGiB)]))
        if usage.egressGiB > 0 {
            items.append(CostItem(
                id: "egress", label: "Internet egress, Premium Tier (\(CostReport.number(usage.egressGiB)) GiB)",
                usd: usage.egressGiB * PriceTable.internetEgressPerGiB,
                details: [CostDetail(
                    "\(CostReport.number(usage.egressGiB)) GiB × \(CostReport.price(PriceTable.internetEgressPerGiB))/GiB",
                    usage.egressGiB * PriceTable.internetEgressPerGiB)]))
        }
        return CostEstimate(items: items)
    }

    /// The forwarding-rule minimum (billed from the first hour, traffic or not) plus data processed.
    static func loadBalancer(_ usage: CostUsage) -> CostItem {
        let hours = PriceTable.hoursPerMonth
        let fixed = PriceTable.forwardingRulesPerHour * hours
        let processed = usage.egressGiB * PriceTable.loadBalancerPerGiB
        return CostItem(
            id: "load_balancer",
            label: "Load balancer (forwarding rules \(CostReport.usd(fixed)) + \(CostReport.number(usage.egressGiB)) GiB processed)",
            usd: fixed + processed,
            details: [
                CostDetail("Forwarding rules, first 5 together: \(CostReport.number(hours)) h × \(CostReport.price(PriceTable.forwardingRulesPerHour))/h", fixed),
                CostDetail("Data processed: \(CostReport.number(usage.egressGiB)) GiB × \(CostReport.price(PriceTable.loadBalancerPerGiB))/GiB", processed),
            ])
    }

    /// Cache egress by continent; cache fill and lookups are not counted (docs/cost.md).
    static func cdn(_ usage: CostUsage) -> CostItem {
        var details: [CostDetail] = []
        var gib = 0.0
        var usd = 0.0
        for continent in CDNContinent.allCases {
            let amount = usage.cdnEgressGiB[continent] ?? 0
            guard amount > 0 else { continue }
            let price = PriceTable.cdnEgressPerGiB(continent)
            gib += amount
            usd += amount * price
            details.append(CostDetail(
                "\(continent.label): \(CostReport.number(amount)) GiB × \(CostReport.price(price))/GiB", amount * price))
        }
        return CostItem(id: "cdn", label: "Cloud CDN cache egress (\(CostReport.number(gib)) GiB)", usd: usd, details: details)
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
        let holding = socketInstances(config, usage)
        let socketSeconds = usage.websocketHours * 3600 * holding
        return min(max(requestSeconds, socketSeconds), Double(config.scaling.maxInstances) * PriceTable.secondsPerMonth)
    }

    /// `min_instances × (month − one instance's active seconds)`: the active time is shared by the
    /// instances that are busy at once (at least the warm ones, at least those holding sockets),
    /// and each warm instance is billed the idle rate for the rest of the month.
    static func idleMinInstanceSeconds(_ config: PilotoConfig, _ usage: CostUsage, activeSeconds a: Double) -> Double {
        let minimum = Double(config.scaling.minInstances)
        guard minimum > 0 else { return 0 }
        let busy = max(minimum, socketInstances(config, usage), 1)
        let perInstance = min(PriceTable.secondsPerMonth, a / busy)
        return minimum * (PriceTable.secondsPerMonth - perInstance)
    }

    /// Instances that hold the peak's sockets: `ceil(peak / concurrency)`, never more than
    /// `max_instances` (Cloud Run starts no more; the surplus sockets would be refused).
    package static func socketInstances(_ config: PilotoConfig, _ usage: CostUsage) -> Double {
        let needed = (usage.peakWebSockets / Double(max(1, config.scaling.concurrency))).rounded(.up)
        return min(needed, Double(config.scaling.maxInstances))
    }

    static func cloudRun(_ config: PilotoConfig, usage: CostUsage, activeSeconds a: Double) -> CostItem {
        let scaling = config.scaling
        let tier = PriceTable.tier(region: config.service.region)
        let cpu = Double(scaling.cpu.millicores) / 1000
        let gib = Double(scaling.memory.bytes) / Double(1 << 30)
        let warm = Double(scaling.minInstances) * PriceTable.secondsPerMonth
        var details: [CostDetail] = []
        let billing: String
        let seconds: Double
        let rates: PriceTable.CloudRunRates
        let tier1: PriceTable.CloudRunRates
        let freeCPU: Double
        let freeMemory: Double
        if scaling.cpuThrottling {
            billing = "request-based"
            seconds = a
            rates = PriceTable.requestBased(tier)
            tier1 = PriceTable.requestBased(.one)
            (freeCPU, freeMemory) = (PriceTable.freeRequestBasedVCPUSeconds, PriceTable.freeRequestBasedGiBSeconds)
        } else {
            billing = "instance-based"
            seconds = max(warm, a)
            rates = PriceTable.instanceBased(tier)
            tier1 = PriceTable.instanceBased(.one)
            (freeCPU, freeMemory) = (PriceTable.freeInstanceBasedVCPUSeconds, PriceTable.freeInstanceBasedGiBSeconds)
        }
        details.append(CostDetail(
            "CPU: \(CostReport.number((seconds * cpu).rounded())) vCPU-s × \(CostReport.price(rates.cpu))", seconds * cpu * rates.cpu))
        details.append(CostDetail(
            "Memory: \(CostReport.number((seconds * gib).rounded())) GiB-s × \(CostReport.price(rates.memory))",
            seconds * gib * rates.memory))
        if scaling.cpuThrottling {
            let billedRequests = max(0, usage.requestsPerMonth - PriceTable.freeRequests)
            details.append(CostDetail(
                "Requests: \(CostReport.number(billedRequests)) beyond the free 2,000,000 × $0.40/million",
                billedRequests * PriceTable.perRequest))
            let idleSeconds = idleMinInstanceSeconds(config, usage, activeSeconds: a)
            if idleSeconds > 0 {
                let idle = PriceTable.idleMinInstance(tier)
                details.append(CostDetail(
                    "Idle minimum instances: \(CostReport.number(idleSeconds.rounded())) instance-s × "
                        + "(\(CostReport.number(cpu)) × \(CostReport.price(idle.cpu)) + \(CostReport.number(gib)) × \(CostReport.price(idle.memory)))",
                    idleSeconds * (cpu * idle.cpu + gib * idle.memory)))
            }
        }
        let free = min(seconds * cpu, freeCPU) * tier1.cpu + min(seconds * gib, freeMemory) * tier1.memory
        details.append(CostDetail(
            "Free tier: \(CostReport.number(freeCPU)) vCPU-s + \(CostReport.number(freeMemory)) GiB-s at Tier 1 prices", -free))
        let usd = max(0, details.reduce(0) { $0 + $1.usd })
        let label = "Cloud Run (Tier \(tier.rawValue), \(billing), \(CostReport.number(cpu)) vCPU / "
            + "\(CostReport.number(gib)) GiB, \(CostReport.number(a.rounded())) active instance-s, free tier applied)"
        return CostItem(id: "cloud_run", label: label, usd: usd, details: details)
    }
}

/// One term of a line item, shown under it by `piloto cost` (`usd` is negative for the free tier).
package struct CostDetail: Sendable, Equatable {
    package var label: String
    package var usd: Double

    package init(_ label: String, _ usd: Double) {
        self.label = label
        self.usd = usd
    }
}

/// One line of an estimate.
package struct CostItem: Sendable, Equatable {
    /// `cloud_run`, `load_balancer`, `cdn`, `redis`, `logging` or `egress` (stable, for `--json` consumers).
    package var id: String
    package var label: String
    package var usd: Double
    /// How `usd` was reached, term by term, in a fixed order.
    package var details: [CostDetail] = []
}

/// The line items that apply, in a fixed order, and their total.
package struct CostEstimate: Sendable, Equatable {
    package var items: [CostItem]
    package var totalUSD: Double { items.reduce(0) { $0 + $1.usd } }

    package func usd(_ id: String) -> Double? { items.first { $0.id == id }?.usd }
}
