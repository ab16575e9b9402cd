import PilotoConfig

/// The original design's "triggers to re-evaluate" (seed: Fase 3 — usuários simultâneos > 200,
/// latência EUA > 500 ms, CPU > 70 % sustentado, requests/s > 1000, custo > $500/mês), each with
/// its current value, the configured threshold and whether it is crossed now.
///
/// `crossed` is the instant comparison `value > threshold` (the seed's ">"); "sustained" is for the
/// Cloud Monitoring alert policies and for the people reading the chart history, not for one poll.
/// A trigger with no threshold configured is listed with `threshold: null`, never crossed.
package struct DashboardTrigger: Sendable {
    package var name: String
    package var label: String
    package var unit: String
    package var value: Double?
    package var threshold: Double?
    package var decimals: Int
    /// Where the value comes from, when it needs saying.
    package var note: String

    package var crossed: Bool {
        guard let value, let threshold else { return false }
        return value > threshold
    }

    package var json: JSONValue {
        .object([
            ("name", .string(name)), ("label", .string(label)), ("unit", .string(unit)),
            ("value", value.map { .number($0, decimals: decimals) } ?? .null),
            ("threshold", threshold.map { .number($0, decimals: decimals) } ?? .null),
            ("crossed", .bool(crossed)), ("note", .string(note)),
        ])
    }
}

package enum DashboardTriggers {
    /// The five triggers in the order of `monitoring.triggers` in the config.
    package static func evaluate(
        _ reading: DashboardReading, config: PilotoConfig, cost: DashboardCostEstimate
    ) -> [DashboardTrigger] {
        let t = config.monitoring.triggers
        let (latency, latencyNote) = usLatency(reading)
        return [
            DashboardTrigger(
                name: "concurrent_users", label: "Concurrent users", unit: "users",
                value: Double(reading.concurrentUsers), threshold: t.concurrentUsers.map(Double.init), decimals: 0,
                note: "open client connections (WebSockets included); an approximation"),
            DashboardTrigger(
                name: "latency_us", label: "Latency p99, US clients (as felt)", unit: "ms",
                value: latency, threshold: t.latencyUS.map { Double($0.milliseconds) }, decimals: 1, note: latencyNote),
            DashboardTrigger(
                name: "cpu", label: "CPU of limit", unit: "%",
                value: reading.cpuPercentOfLimit(config), threshold: t.cpu.map { $0.fraction * 100 }, decimals: 1,
                note: "process CPU over the rate window, relative to scaling.cpu"),
            DashboardTrigger(
                name: "requests_per_second", label: "Requests per second", unit: "req/s",
                value: reading.rates.requestsPerSecond, threshold: t.requestsPerSecond.map(Double.init), decimals: 2,
                note: "this instance, over the rate window"),
            DashboardTrigger(
                name: "monthly_cost_usd", label: "Monthly cost (estimate)", unit: "USD",
                value: cost.totalUSD, threshold: t.monthlyCostUSD.map(Double.init), decimals: 2,
                note: "ESTIMATE: piloto cost's model with this instance's usage extrapolated to a month, not a bill"),
        ]
    }

    /// The US p99 the seed's trigger means: as felt (client RTT + server time) when the load
    /// balancer's RTT header was measured for US requests; else US server time; else, with no US
    /// request at all, the overall p99. The note always names the figure used.
    static func usLatency(_ reading: DashboardReading) -> (Double?, String) {
        let metrics = reading.metrics
        if let felt = metrics.felt.first(where: { $0.0 == "US" })?.1, let p99 = felt.quantileNanos(0.99) {
            return (Double(p99) / 1e6, "p99 as felt by US clients: RTT (monitoring.rtt_header) + server time")
        }
        if let us = metrics.countries.first(where: { $0.0 == "US" })?.1, let p99 = us.quantileNanos(0.99) {
            return (Double(p99) / 1e6, "p99 of server time, country US (no RTT measured: not what users feel)")
        }
        guard let p99 = reading.overall.quantileNanos(0.99) else { return (nil, "no requests measured yet") }
        return (Double(p99) / 1e6, "no US requests measured: overall p99")
    }
}
