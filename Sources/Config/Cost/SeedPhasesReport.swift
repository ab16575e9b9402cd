/// Text and JSON for `piloto cost --seed-phases`: one row per phase, piloto's lines beside the
/// seed's, then the usage profile and why the two differ.
extension SeedPhases {
    static let columns = ["phase", "users", "instances", "Cloud Run", "(seed)", "Load balancer", "Redis", "(seed)", "CDN",
                          "Logs+egress", "Total", "Seed w/o SQL", "Difference"]

    package static func table(_ base: PilotoConfig) -> String {
        let rows = rows(base)
        let cells: [[String]] = rows.map { row in
            let e = row.estimate
            let cell = { (id: String) in e.usd(id).map(CostReport.usd) ?? "-" }
            let other = (e.usd("logging") ?? 0) + (e.usd("egress") ?? 0)
            let difference = e.totalUSD - row.seedComparable
            return [
                row.phase.label, String(row.phase.users), "\(row.phase.minInstances)-\(row.phase.maxInstances)",
                cell("cloud_run"), CostReport.usd(row.phase.seedCloudRun), cell("load_balancer"), cell("redis"),
                row.phase.seedRedis > 0 ? CostReport.usd(row.phase.seedRedis) : "-", cell("cdn"), CostReport.usd(other),
                CostReport.usd(e.totalUSD), CostReport.usd(row.seedComparable),
                (difference >= 0 ? "+" : "") + CostReport.usd(difference),
            ]
        }
        let widths = columns.indices.map { column in ([columns[column]] + cells.map { $0[column] }).map(\.count).max() ?? 0 }
        func line(_ values: [String]) -> String {
            var text = ""
            for (column, value) in values.enumerated() {
                let pad = String(repeating: " ", count: widths[column] - value.count)
                text += column == 0 ? value + pad : "  " + pad + value
            }
            return text + "\n"
        }
        let scaling = base.scaling
        var out = "The original design's cost table (seed roadmap, \"Estimativa de Custos\") at list prices, USD/month,\n"
            + "for \(base.service.name) (\(base.service.region), \(CostReport.number(Double(scaling.cpu.millicores) / 1000)) vCPU / "
            + "\(CostReport.number(Double(scaling.memory.bytes) / Double(1 << 30))) GiB, concurrency \(scaling.concurrency), "
            + "edge \(base.edge.mode.rawValue)):\n\n"
        out += line(columns)
        for row in cells { out += line(row) }
        out += "\nSeed totals with Cloud SQL, which piloto does not model: "
            + rows.map { "\($0.phase.label) \(CostReport.usd($0.phase.seedTotal))" }.joined(separator: ", ") + ".\n"
        out += "\nUsage per phase, derived from the seed's user counts:\n" + profileLines.map { "- " + $0 + "\n" }.joined()
        out += "\nWhy the figures differ:\n" + differences(base).map { "- " + $0 + "\n" }.joined()
        return out
    }

    static var profileLines: [String] {
        [
            "every user holds one WebSocket at the peak; \(CostReport.number(websocketHours)) hours a month with someone "
                + "online (10 h × 22 working days);",
            "\(CostReport.number(requestsPerUserHour)) requests per user-hour at \(CostReport.number(meanRequestSeconds)) s; "
                + "\(CostReport.number(egressGiBPerUser)) GiB of egress and \(CostReport.number(logGiBPerUser)) GiB of logs per user;",
            "with the CDN: " + cdnGiBPerUser.map { "\(CostReport.number($0.1)) GiB (\($0.0.label))" }.joined(separator: " + ")
                + " of cached assets per user.",
        ]
    }

    static func differences(_ base: PilotoConfig) -> [String] {
        var lines: [String] = []
        let fixed = PriceTable.forwardingRulesPerHour * PriceTable.hoursPerMonth
        if base.edge.mode == .loadBalancer {
            lines.append(
                "The seed has no load balancer line: \(base.service.region) "
                    + (EdgeConfig.domainMappingRegions.contains(base.service.region) ? "runs with edge.mode load_balancer" : "offers no Cloud Run domain mappings")
                    + ", so the domain needs the load balancer, \(CostReport.usd(fixed))/month in forwarding rules from the first day.")
        }
        let redis = PriceTable.redisGB * PriceTable.redisBasicPerGBHour * PriceTable.hoursPerMonth
        lines.append(
            "Redis: the seed's $30 and $50 are below Memorystore Basic 1 GB at list price (\(CostReport.usd(redis)) at "
                + "\(CostReport.price(PriceTable.redisBasicPerGBHour))/GB-h, us-central1; São Paulo's was not found).")
        lines.append(
            "Cloud Run: open WebSockets, not requests, drive the line; every instance holding a socket is billed as active "
                + "for those hours, and min_instances 1 adds the idle rate for the rest of the month.")
        lines.append(
            "Com CDN: the CDN itself is cache egress (\(CostReport.price(PriceTable.cdnEgressPerGiB(.northAmerica)))-"
                + "\(CostReport.price(PriceTable.cdnEgressPerGiB(.southAmerica)))/GiB) on a load balancer already paid for.")
        lines.append("Cloud SQL is left out of both sides of the comparison (\"Seed w/o SQL\").")
        return lines
    }

    /// `{"phases": [{"id", "label", "users", "min_instances", "max_instances", "usage": {…}, "total_usd",
    /// "items": […], "seed": {…}, "difference_usd"}, …]}`, keys in this order.
    package static func json(_ base: PilotoConfig) -> String {
        func usd(_ value: Double) -> JSONValue { JSONNumber(CostReport.jsonUSD(value)).map(JSONValue.number) ?? .null }
        func amount(_ value: Double) -> JSONValue { JSONNumber(CostReport.number(value).replacingCommas()).map(JSONValue.number) ?? .null }
        let phases: [JSONValue] = rows(base).map { row in
            let usage = row.usage
            let items: [JSONValue] = row.estimate.items.map { .object([("id", .string($0.id)), ("label", .string($0.label)), ("usd", usd($0.usd))]) }
            return .object([
                ("id", .string(row.phase.id)),
                ("label", .string(row.phase.label)),
                ("users", .int(row.phase.users)),
                ("min_instances", .int(row.phase.minInstances)),
                ("max_instances", .int(row.phase.maxInstances)),
                ("usage", .object([
                    ("requests_per_month", amount(usage.requestsPerMonth)),
                    ("mean_request_seconds", amount(usage.meanRequestSeconds)),
                    ("websocket_hours", amount(usage.websocketHours)),
                    ("peak_websockets", amount(usage.peakWebSockets)),
                    ("egress_gib", amount(usage.egressGiB)),
                    ("cdn_egress_gib", .object(CDNContinent.allCases.compactMap { continent in
                        usage.cdnEgressGiB[continent].map { (continent.rawValue, amount($0)) }
                    })),
                    ("log_gib", amount(usage.logGiB)),
                ])),
                ("total_usd", usd(row.estimate.totalUSD)),
                ("items", .array(items)),
                ("seed", .object([
                    ("cloud_run_usd", usd(row.phase.seedCloudRun)),
                    ("cloud_sql_usd", usd(row.phase.seedCloudSQL)),
                    ("redis_usd", usd(row.phase.seedRedis)),
                    ("total_usd", usd(row.phase.seedTotal)),
                    ("without_cloud_sql_usd", usd(row.seedComparable)),
                ])),
                ("difference_usd", usd(row.estimate.totalUSD - row.seedComparable)),
            ])
        }
        return JSONValue.object([("phases", .array(phases))]).pretty() + "\n"
    }
}

extension String {
    /// `3,000,000` → `3000000`, for JSON numbers built from `CostReport.number`.
    fileprivate func replacingCommas() -> String { String(filter { $0 != "," }) }
}
