import FoundationEssentials
import Synchronization

/// This instance's live figures: merged metrics, WebSockets, process usage and a rate sample.
///
/// One per server, shared by every dashboard route and the cluster publisher, so they all feed the
/// same `UsageSampler` (rates are taken between any two readings, whoever asked).
package final class DashboardSource: Sendable {
    /// This process's name in the dashboard's instance rows (random: a restart is a new row).
    package let instance: String
    private let metrics: MetricsRegistry
    private let state: ServerState
    private let sampler: UsageSampler
    private let bootNanos: Int64

    package init(metrics: MetricsRegistry, state: ServerState, instance: String = RedisRandom.hex(byteCount: 8)) {
        self.instance = instance
        let now = SystemClock.nowNanoseconds()
        self.metrics = metrics
        self.state = state
        bootNanos = now
        sampler = UsageSampler(boot: UsageSample(atNanos: now, requests: 0, cpuNanos: ProcessUsage.cpuNanoseconds()))
    }

    package convenience init(link: ServerLink) { self.init(metrics: link.metrics, state: link.state) }

    /// The reading with this instance as its only row (the memory store, or Redis unreachable).
    package func aloneReading() -> DashboardReading {
        var reading = reading()
        reading.instances = [InstanceSnapshot(instance: instance, reading: reading)]
        return reading
    }

    package func reading() -> DashboardReading {
        let snapshot = metrics.snapshot()
        let now = SystemClock.nowNanoseconds()
        let total = snapshot.routes.reduce(Int64(0)) { $0 + $1.requests }
        let rates = sampler.record(UsageSample(atNanos: now, requests: total, cpuNanos: ProcessUsage.cpuNanoseconds()))
        var reading = DashboardReading(
            metrics: snapshot, webSockets: metrics.webSockets.snapshot(), rates: rates,
            residentBytes: ProcessUsage.residentBytes(), uptimeNanos: now - bootNanos, draining: state.draining,
            unixMilliseconds: SystemWallClock().nowUnixMilliseconds())
        reading.upstreams = metrics.proxyUpstreams.withLock { $0 }
        return reading
    }
}
