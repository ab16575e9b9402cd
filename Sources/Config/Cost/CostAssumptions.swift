/// The sentences printed under an estimate: what it assumed and what it leaves out, so nobody
/// reads "$41.47" as a quote. Only the caveats that apply to this config are listed.
extension CostReport {
    package static func assumptions(_ config: PilotoConfig, usage: CostUsage? = nil) -> [String] {
        let usage = usage ?? config.cost
        let scaling = config.scaling
        let tier = PriceTable.tier(region: config.service.region)
        let socketInstances = CostModel.socketInstances(config, usage)
        var lines = [
            "List prices in USD read on \(PriceTable.readOn) (each with its source in docs/cost.md), a 730-hour month, "
                + "no committed-use discounts, no taxes.",
            "Usage: \(CostReport.number(usage.requestsPerMonth)) requests × \(CostReport.number(usage.meanRequestSeconds)) s; "
                + "\(CostReport.number(usage.websocketHours)) hours with a WebSocket open, peak \(CostReport.number(usage.peakWebSockets)) "
                + "sockets = \(CostReport.number(socketInstances)) instance(s) at concurrency \(scaling.concurrency), each billed as active "
                + "while it holds a socket; capped at \(scaling.maxInstances) instance(s) busy all month.",
            "\(config.service.region) is Cloud Run price Tier \(tier.rawValue); the free tier (180,000 vCPU-s, 360,000 GiB-s, "
                + "2 million requests, request-based) is per billing account, counted here as if this service used it alone.",
        ]
        if tier == .two && !scaling.cpuThrottling {
            lines.append("Tier 2 instance-based prices are europe-west3's SKU (São Paulo's was not found).")
        } else if tier == .two && scaling.minInstances > 0 {
            lines.append("Tier 2 idle minimum-instance prices are not published in our sources: the Tier 1 figure is used.")
        }
        if config.edge.mode == .loadBalancer {
            lines.append(
                "Load balancer: the forwarding-rule minimum is billed from the first hour, with or without traffic; "
                    + "data processing is counted on egress_gib only (inbound bytes not counted).")
        }
        if config.sessions.store == .redis {
            lines.append("Memorystore at the us-central1 price (São Paulo's was not found).")
        }
        lines.append(
            "Not counted: databases (Cloud SQL), Artifact Registry storage, Cloud Build, Secret Manager, Cloud Monitoring, "
                + "CDN cache fill and lookups, the 1 GiB a month of free North America egress.")
        return lines
    }
}
