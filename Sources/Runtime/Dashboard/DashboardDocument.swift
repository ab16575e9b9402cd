import PilotoConfig

/// The JSON the dashboard page polls: a pure function of a `DashboardReading` and the config.
///
/// Key order is fixed by this code; routes come in config order (then `unmatched`), countries
/// sorted by label (as `MetricsRegistry.snapshot` gives them). Latencies are milliseconds with
/// 3 decimals, rates and percentages 2 decimals; a figure that cannot be known yet is `null`.
package enum DashboardDocument {
    package static func render(_ reading: DashboardReading, config: PilotoConfig) -> String {
        json(reading, config: config).compact
    }

    package static func json(_ reading: DashboardReading, config: PilotoConfig) -> JSONValue {
        let overall = reading.overall
        let meanLatency = overall.count > 0 ? Double(overall.sumNanos) / Double(overall.count) / 1e9 : 0
        let cost = CloudRunCostEstimate(
            config: config, concurrentUsers: reading.concurrentUsers,
            requestsPerSecond: reading.rates.requestsPerSecond, meanLatencySeconds: meanLatency,
            openWebSockets: reading.webSockets.active)
        let triggers = DashboardTriggers.evaluate(reading, config: config, cost: cost)
        var pairs: [(String, JSONValue)] = [
            ("generated_at_unix_ms", .int(reading.unixMilliseconds)),
            ("service", .string(config.service.name)),
            ("region", .string(config.service.region)),
            ("uptime_seconds", .number(Double(reading.uptimeNanos) / 1e9, decimals: 0)),
            ("draining", .bool(reading.draining)),
        ]
        pairs.append(("requests", requests(reading)))
        pairs.append(("latency_ms", latency(overall)))
        pairs.append(("routes", routes(reading)))
        pairs.append(("countries", countries(reading)))
        pairs.append(("websockets", webSockets(reading)))
        pairs.append(("connections", connections(reading)))
        pairs.append(("process", process(reading, config: config)))
        pairs.append(("cost_estimate", costJSON(cost)))
        pairs.append(("triggers", .array(triggers.map(\.json))))
        return .object(pairs)
    }

    static func requests(_ reading: DashboardReading) -> JSONValue {
        let total = reading.totalRequests
        let pairs: [(String, JSONValue)] = [
            ("total", .int(total)),
            ("per_second", .number(reading.rates.requestsPerSecond, decimals: 2)),
            ("window_seconds", .number(Double(reading.rates.windowNanos) / 1e9, decimals: 1)),
            ("server_errors", .int(reading.serverErrors)),
            ("client_errors", .int(reading.clientErrors)),
            ("server_error_percent", percent(reading.serverErrors, of: total)),
            ("client_error_percent", percent(reading.clientErrors, of: total)),
        ]
        return .object(pairs)
    }

    static func routes(_ reading: DashboardReading) -> JSONValue {
        .array(reading.metrics.routes.map { (r: MetricsSnapshot.RouteStats) -> JSONValue in
            let pairs: [(String, JSONValue)] = [
                ("route", .string(r.label)), ("requests", .int(r.requests)),
                ("server_errors", .int(r.serverErrors)), ("client_errors", .int(r.clientErrors)),
                ("latency_ms", latency(r.histogram)),
            ]
            return .object(pairs)
        })
    }

    static func countries(_ reading: DashboardReading) -> JSONValue {
        .array(reading.metrics.countries.map { (entry: (String, LatencyHistogram)) -> JSONValue in
            let pairs: [(String, JSONValue)] = [
                ("country", .string(entry.0)), ("requests", .int(entry.1.count)), ("latency_ms", latency(entry.1)),
            ]
            return .object(pairs)
        })
    }

    static func webSockets(_ reading: DashboardReading) -> JSONValue {
        let ws = reading.webSockets
        let pairs: [(String, JSONValue)] = [
            ("active", .int(Int64(ws.active))),
            ("finished", .int(Int64(ws.finished))),
            ("mean_duration_seconds", .number(ws.meanDurationMilliseconds / 1000, decimals: 1)),
        ]
        return .object(pairs)
    }

    static func connections(_ reading: DashboardReading) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("active", .int(Int64(reading.metrics.activeConnections))),
            ("accepted", .int(Int64(reading.metrics.acceptedConnections))),
            ("concurrent_users", .int(Int64(reading.concurrentUsers))),
        ]
        return .object(pairs)
    }

    static func process(_ reading: DashboardReading, config: PilotoConfig) -> JSONValue {
        let cpuUsed: JSONValue = reading.rates.cpuCores.map { .number($0, decimals: 3) } ?? .null
        let cpuPercent: JSONValue = reading.cpuPercentOfLimit(config).map { .number($0, decimals: 2) } ?? .null
        let rss: JSONValue = reading.residentBytes.map { .int($0) } ?? .null
        let memPercent: JSONValue = reading.memoryPercentOfLimit(config).map { .number($0, decimals: 2) } ?? .null
        let pairs: [(String, JSONValue)] = [
            ("cpu_cores_used", cpuUsed),
            ("cpu_limit_cores", .number(Double(config.scaling.cpu.millicores) / 1000, decimals: 3)),
            ("cpu_percent_of_limit", cpuPercent),
            ("rss_bytes", rss),
            ("memory_limit_bytes", .int(config.scaling.memory.bytes)),
            ("memory_percent_of_limit", memPercent),
        ]
        return .object(pairs)
    }

    static func costJSON(_ cost: CloudRunCostEstimate) -> JSONValue {
        let pairs: [(String, JSONValue)] = [
            ("monthly_usd", .number(cost.totalUSD, decimals: 2)),
            ("cpu_usd", .number(cost.cpuUSD, decimals: 2)),
            ("memory_usd", .number(cost.memoryUSD, decimals: 2)),
            ("requests_usd", .number(cost.requestsUSD, decimals: 2)),
            ("instances", .int(Int64(cost.instances))),
            ("billed_fraction", .number(cost.billedFraction, decimals: 3)),
            ("price_tier", .int(Int64(cost.tier))),
            ("is_estimate", .bool(true)),
            ("assumptions", .string(CloudRunCostEstimate.assumptions)),
        ]
        return .object(pairs)
    }

    /// p50/p95/p99 in milliseconds (null while empty) and the count they are based on.
    static func latency(_ h: LatencyHistogram) -> JSONValue {
        func q(_ value: Double) -> JSONValue {
            h.quantileNanos(value).map { .number(Double($0) / 1e6, decimals: 3) } ?? .null
        }
        return .object([("count", .int(h.count)), ("p50", q(0.5)), ("p95", q(0.95)), ("p99", q(0.99))])
    }

    static func percent(_ part: Int64, of total: Int64) -> JSONValue {
        total > 0 ? .number(Double(part) * 100 / Double(total), decimals: 2) : .number(0, decimals: 2)
    }
}
