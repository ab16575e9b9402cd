/// Every live instance's snapshot folded into one `DashboardReading` (pure; unit-tested).
///
/// Histograms are merged bucket by bucket (a cluster p99 is the p99 of all requests, not an
/// average of p99s); counters, gauges, rates, CPU and RSS are summed; a WebSocket mean duration
/// is weighted by each instance's finished count; uptime is the longest. Routes keep the order
/// of the first snapshot by instance id (every instance has the same config, so the same route order), labels
/// only some instances saw are appended in the order met; countries stay sorted by label.
/// Percentages of the CPU and memory limits become the cluster's mean (the reading's
/// `instances.count` divides them): what Cloud Run scales on.
package enum DashboardMerge {
    package static func merge(_ snapshots: [InstanceSnapshot]) -> DashboardReading {
        let ordered = snapshots.sorted { $0.instance < $1.instance }
        var routes: [MetricsSnapshot.RouteStats] = []
        var routeIndex: [String: Int] = [:]
        var countries = LabeledMerge(), rtt = LabeledMerge(), felt = LabeledMerge()
        var metrics = MetricsSnapshot(routes: [], countries: [], activeConnections: 0, acceptedConnections: 0, backpressurePauses: 0)
        var ws = WebSocketGauge.Snapshot(active: 0, finished: 0, meanDurationMilliseconds: 0)
        var durationTotal = 0.0
        var rps = 0.0, cpu: Double?, rss: Int64?, window: Int64 = 0, uptime: Int64 = 0, at: Int64 = 0
        for snapshot in ordered {
            for route in snapshot.routes where routeIndex[route.label] == nil {
                routeIndex[route.label] = routes.count
                routes.append(.init(label: route.label, histogram: LatencyHistogram(), requests: 0, serverErrors: 0, clientErrors: 0))
            }
        }
        for s in ordered {
            for route in s.routes {
                guard let i = routeIndex[route.label] else { continue }
                routes[i].requests += route.requests
                routes[i].serverErrors += route.serverErrors
                routes[i].clientErrors += route.clientErrors
                routes[i].histogram.merge(route.latency.histogram)
            }
            countries.add(s.countries)
            rtt.add(s.clientRTT)
            felt.add(s.felt)
            metrics.responseBytes += s.responseBytes
            metrics.activeConnections += s.activeConnections
            metrics.acceptedConnections += s.acceptedConnections
            metrics.backpressurePauses += s.backpressurePauses
            ws.active += s.webSockets.active
            ws.finished += s.webSockets.finished
            ws.peak += s.webSockets.peak
            ws.occupiedMilliseconds += s.webSockets.occupiedMilliseconds
            durationTotal += s.webSockets.meanDurationMilliseconds * Double(s.webSockets.finished)
            rps += s.requestsPerSecond
            if let c = s.cpuCores { cpu = (cpu ?? 0) + c }
            if let r = s.residentBytes { rss = (rss ?? 0) + r }
            window = max(window, s.rateWindowNanos)
            uptime = max(uptime, s.uptimeNanos)
            at = max(at, s.atUnixMilliseconds)
        }
        ws.meanDurationMilliseconds = ws.finished > 0 ? durationTotal / Double(ws.finished) : 0
        metrics.routes = routes
        metrics.countries = countries.sorted
        metrics.clientRTT = rtt.sorted
        metrics.felt = felt.sorted
        var reading = DashboardReading(
            metrics: metrics, webSockets: ws,
            rates: UsageSampler.Rates(windowNanos: window, requestsPerSecond: rps, cpuCores: cpu),
            residentBytes: rss, uptimeNanos: uptime, draining: ordered.contains { $0.draining }, unixMilliseconds: at)
        reading.instances = ordered
        return reading
    }

    /// Histograms by label, merged; read back sorted by label.
    private struct LabeledMerge {
        var byLabel: [String: LatencyHistogram] = [:]

        mutating func add(_ list: [InstanceSnapshot.Labeled]) {
            for entry in list { byLabel[entry.label, default: LatencyHistogram()].merge(entry.latency.histogram) }
        }

        var sorted: [(String, LatencyHistogram)] { byLabel.keys.sorted().map { ($0, byLabel[$0] ?? LatencyHistogram()) } }
    }
}
