import PilotoConfig
import Synchronization

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
        let cost = DashboardCostEstimate(reading: reading, config: config)
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
        pairs.append(("latency_us_ms", usLatency(reading)))
        pairs.append(("countries", countries(reading)))
        pairs.append(("websockets", webSockets(reading)))
        pairs.append(("connections", connections(reading)))
        pairs.append(("upstreams", upstreams(reading)))
        pairs.append(("process", process(reading, config: config)))
        pairs.append(("cost_estimate", costJSON(cost, config: config)))
        pairs.append(("triggers", .array(triggers.map(\.json))))
        pairs.append(("instances", instances(reading)))
        return .object(pairs)
    }

    /// How many instances the figures add up, where they come from, and one row per instance.
    static func instances(_ reading: DashboardReading) -> JSONValue {
        let rows: [JSONValue] = reading.instances.map { s in
            let p99: JSONValue = s.overall.quantileNanos(0.99).map { .number(Double($0) / 1e6, decimals: 3) } ?? .null
            return .object([
                ("instance", .string(s.instance)),
                ("age_seconds", .number(Double(max(0, reading.unixMilliseconds - s.atUnixMilliseconds)) / 1000, decimals: 1)),
                ("uptime_seconds", .number(Double(s.uptimeNanos) / 1e9, decimals: 0)),
                ("draining", .bool(s.draining)),
                ("requests", .int(s.totalRequests)),
                ("per_second", .number(s.requestsPerSecond, decimals: 2)),
                ("server_errors", .int(s.serverErrors)),
                ("p99_ms", p99),
                ("websockets", .int(Int64(s.webSockets.active))),
                ("connections", .int(Int64(s.activeConnections))),
                ("cpu_cores_used", s.cpuCores.map { .number($0, decimals: 3) } ?? .null),
                ("rss_bytes", s.residentBytes.map { .int($0) } ?? .null),
            ])
        }
        return .object([
            ("count", .int(Int64(reading.instanceCount))), ("source", .string(reading.instanceSource)), ("rows", .array(rows)),
        ])
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

    /// Per country: server time (`latency_ms`), the client's round trip (`rtt_ms`) and their sum
    /// as the client feels it (`felt_ms`); the last two count only requests with a valid RTT header.
    static func countries(_ reading: DashboardReading) -> JSONValue {
        let metrics = reading.metrics
        return .array(metrics.countries.map { (entry: (String, LatencyHistogram)) -> JSONValue in
            let rtt = metrics.clientRTT.first { $0.0 == entry.0 }?.1 ?? LatencyHistogram()
            let felt = metrics.felt.first { $0.0 == entry.0 }?.1 ?? LatencyHistogram()
            let pairs: [(String, JSONValue)] = [
                ("country", .string(entry.0)), ("requests", .int(entry.1.count)), ("latency_ms", latency(entry.1)),
                ("rtt_ms", latency(rtt)), ("felt_ms", latency(felt)),
            ]
            return .object(pairs)
        })
    }

    /// The US figures the seed's "latência EUA" trigger is about, side by side: p99 as felt (RTT +
    /// server), server time alone, and the RTT alone; null until measured.
    static func usLatency(_ reading: DashboardReading) -> JSONValue {
        let metrics = reading.metrics
        func p99(_ list: [(String, LatencyHistogram)]) -> JSONValue {
            list.first { $0.0 == "US" }?.1.quantileNanos(0.99).map { .number(Double($0) / 1e6, decimals: 3) } ?? .null
        }
        return .object([
            ("felt_p99", p99(metrics.felt)), ("server_p99", p99(metrics.countries)), ("rtt_p99", p99(metrics.clientRTT)),
        ])
    }

    static func webSockets(_ reading: DashboardReading) -> JSONValue {
        let ws = reading.webSockets
        let pairs: [(String, JSONValue)] = [
            ("active", .int(Int64(ws.active))),
            ("finished", .int(Int64(ws.finished))),
            ("mean_duration_seconds", .number(ws.meanDurationMilliseconds / 1000, decimals: 1)),
            ("peak", .int(Int64(ws.peak))),
            ("open_seconds", .number(Double(ws.occupiedMilliseconds) / 1000, decimals: 1)),
        ]
        return .object(pairs)
    }

    /// One entry per proxy upstream: responses by class, first-byte latency and the failure counters.
    static func upstreams(_ reading: DashboardReading) -> JSONValue {
        .array(reading.upstreams.map { u in
            .object([
                ("upstream", .string(u.label)),
                ("responses", .object(u.responsesByClass.map { ($0.label, .int(Int64($0.count))) })),
                ("first_byte_ms", latency(u.firstByteHistogram)),
                ("retries", .int(Int64(u.retries.load(ordering: .relaxed)))),
                ("holds", .int(Int64(u.holds.load(ordering: .relaxed)))),
                ("bad_gateway", .int(Int64(u.badGateway.load(ordering: .relaxed)))),
                ("timeouts", .int(Int64(u.timeouts.load(ordering: .relaxed)))),
                ("aborted", .int(Int64(u.aborted.load(ordering: .relaxed)))),
                ("idle_connections", .int(Int64(u.idleConnections.load(ordering: .relaxed)))),
                ("open_tunnels", .int(Int64(u.openTunnels.load(ordering: .relaxed)))),
            ])
        })
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

    static func costJSON(_ cost: DashboardCostEstimate, config: PilotoConfig) -> JSONValue {
        let usage = cost.usage
        let items: [JSONValue] = cost.estimate.items.map {
            .object([("id", .string($0.id)), ("label", .string($0.label)), ("usd", .number($0.usd, decimals: 2))])
        }
        let pairs: [(String, JSONValue)] = [
            ("monthly_usd", .number(cost.totalUSD, decimals: 2)),
            ("items", .array(items)),
            ("usage", .object([
                ("requests_per_month", .number(usage.requestsPerMonth, decimals: 0)),
                ("mean_request_seconds", .number(usage.meanRequestSeconds, decimals: 4)),
                ("websocket_hours", .number(usage.websocketHours, decimals: 1)),
                ("peak_websockets", .number(usage.peakWebSockets, decimals: 0)),
                ("egress_gib", .number(usage.egressGiB, decimals: 3)),
            ])),
            ("measured_seconds", .number(cost.measuredSeconds, decimals: 0)),
            ("instances", .int(Int64(cost.instances))),
            ("price_tier", .int(Int64(PriceTable.tier(region: config.service.region).rawValue))),
            ("is_estimate", .bool(true)),
            ("assumptions", .string(DashboardCostEstimate.assumptions)),
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
