import Synchronization

/// Counters and histograms of one event loop. Only that loop writes. The per-route figures are
/// `LoopCounters` (no lock: a request costs a few plain adds); the country histograms, touched
/// only by requests that carry a country label, stay under an (uncontended) lock.
package final class LoopMetrics: Sendable {
    struct Countries {
        /// Country label → server-time histogram; bounded by `MetricsRegistry.maxCountries`.
        var byCountry: [String: LatencyHistogram] = [:]
        /// Country label → client RTT (`monitoring.rtt_header`), and → RTT + server time ("as
        /// felt"); same labels as `byCountry`, only for requests that carried a valid RTT.
        var rttByCountry: [String: LatencyHistogram] = [:]
        var feltByCountry: [String: LatencyHistogram] = [:]
    }

    /// What one route's counters hold, at `route * Slot.stride`: its requests, 5xx and 4xx
    /// answers, the sum of its latencies, then one count per `LatencyHistogram` bucket.
    enum Slot {
        static let requests = 0
        static let serverErrors = 1
        static let clientErrors = 2
        static let sumNanos = 3
        static let firstBucket = 4
        static let stride = firstBucket + LatencyHistogram.boundsNanos.count + 1
    }

    let routeCount: Int
    /// Every route's slots, then the response bytes written (heads and bodies as the core counts
    /// them, for the egress estimate).
    let counters: LoopCounters
    let countries: Mutex<Countries>

    init(routeCount: Int) {
        self.routeCount = routeCount
        counters = LoopCounters(count: routeCount * Slot.stride + 1)
        countries = Mutex(Countries())
    }

    private var responseBytesIndex: Int { routeCount * Slot.stride }

    /// Records one answered request. `route` indexes `MetricsRegistry.routeLabels`; `rttNanos` is
    /// the client's round trip when the edge reported a valid one (see `ClientRTT`).
    package func record(route: Int, country: String?, status: Int, nanos: Int64, rttNanos: Int64? = nil, bytes: Int = 0) {
        guard route >= 0 && route < routeCount else { return }
        let value = max(nanos, 0)
        let slot = route * Slot.stride
        counters.add(1, at: slot + Slot.requests)
        counters.add(value, at: slot + Slot.sumNanos)
        counters.add(1, at: slot + Slot.firstBucket + LatencyHistogram.bucketIndex(nanos: value))
        counters.add(Int64(max(bytes, 0)), at: responseBytesIndex)
        if status >= 500 { counters.add(1, at: slot + Slot.serverErrors) } else if status >= 400 { counters.add(1, at: slot + Slot.clientErrors) }
        guard let country else { return }
        countries.withLock { s in
            var label = country
            if s.byCountry[label] == nil && s.byCountry.count >= MetricsRegistry.maxCountries { label = "other" }
            s.byCountry[label, default: LatencyHistogram()].record(nanos: nanos)
            guard let rttNanos else { return }
            s.rttByCountry[label, default: LatencyHistogram()].record(nanos: rttNanos)
            s.feltByCountry[label, default: LatencyHistogram()].record(nanos: rttNanos + max(nanos, 0))
        }
    }

    /// Requests answered on `route` so far.
    func requests(route: Int) -> Int64 { counters.value(at: route * Slot.stride + Slot.requests) }
    func serverErrors(route: Int) -> Int64 { counters.value(at: route * Slot.stride + Slot.serverErrors) }
    func clientErrors(route: Int) -> Int64 { counters.value(at: route * Slot.stride + Slot.clientErrors) }
    var responseBytes: Int64 { counters.value(at: responseBytesIndex) }

    /// `route`'s latency histogram as recorded so far (its count is the sum of its buckets, so it
    /// is consistent even while the loop records).
    func histogram(route: Int) -> LatencyHistogram {
        let slot = route * Slot.stride
        let buckets = (0..<(LatencyHistogram.boundsNanos.count + 1)).map { counters.value(at: slot + Slot.firstBucket + $0) }
        return LatencyHistogram(counts: buckets, sumNanos: counters.value(at: slot + Slot.sumNanos)) ?? LatencyHistogram()
    }
}

/// All loops' metrics, merged on demand for the `metrics` route and the dashboard.
package final class MetricsRegistry: Sendable {
    /// Distinct country labels kept (per loop); more fold into `other` so a client cannot blow up
    /// the series count.
    package static let maxCountries = 48

    /// Route patterns as configured, then `unmatched` last (404s outside every route).
    package let routeLabels: [String]
    package let loops: [LoopMetrics]
    /// Open and accepted connections and back-pressure pauses, counted by the core's loops.
    package let connections = ConnectionCounters()
    /// Open WebSockets and the mean duration of closed ones (the dashboard shows both).
    package let webSockets = WebSocketGauge()
    /// Counters of each proxy upstream, registered once at boot by `ProxyResponders`.
    package let proxyUpstreams = Mutex<[ProxyUpstreamMetrics]>([])

    package init(routePatterns: [String], loopCount: Int) {
        routeLabels = routePatterns + ["unmatched"]
        loops = (0..<max(loopCount, 1)).map { _ in LoopMetrics(routeCount: routePatterns.count + 1) }
    }

    /// The index used for requests that matched no route.
    package var unmatchedRoute: Int { routeLabels.count - 1 }

    /// A merged, deterministic snapshot.
    package func snapshot() -> MetricsSnapshot {
        var byRoute = Array(repeating: LatencyHistogram(), count: routeLabels.count)
        var requests = Array(repeating: Int64(0), count: routeLabels.count)
        var serverErrors = requests
        var clientErrors = requests
        var byCountry: [String: LatencyHistogram] = [:]
        var rttByCountry: [String: LatencyHistogram] = [:]
        var feltByCountry: [String: LatencyHistogram] = [:]
        var responseBytes: Int64 = 0
        for loop in loops {
            for i in byRoute.indices where i < loop.routeCount {
                byRoute[i].merge(loop.histogram(route: i))
                requests[i] += loop.requests(route: i)
                serverErrors[i] += loop.serverErrors(route: i)
                clientErrors[i] += loop.clientErrors(route: i)
            }
            responseBytes &+= loop.responseBytes
            loop.countries.withLock { s in
                for (country, histogram) in s.byCountry { byCountry[country, default: LatencyHistogram()].merge(histogram) }
                for (country, histogram) in s.rttByCountry { rttByCountry[country, default: LatencyHistogram()].merge(histogram) }
                for (country, histogram) in s.feltByCountry { feltByCountry[country, default: LatencyHistogram()].merge(histogram) }
            }
        }
        let sorted = { (map: [String: LatencyHistogram]) in map.keys.sorted().map { ($0, map[$0] ?? LatencyHistogram()) } }
        let countries = sorted(byCountry)
        return MetricsSnapshot(
            routes: routeLabels.indices.map {
                .init(label: routeLabels[$0], histogram: byRoute[$0], requests: requests[$0],
                      serverErrors: serverErrors[$0], clientErrors: clientErrors[$0])
            },
            countries: countries,
            clientRTT: sorted(rttByCountry),
            felt: sorted(feltByCountry),
            responseBytes: responseBytes,
            activeConnections: connections.active.load(ordering: .relaxed),
            acceptedConnections: connections.accepted.load(ordering: .relaxed),
            backpressurePauses: connections.backpressurePauses.load(ordering: .relaxed))
    }
}

/// Metrics merged across loops, in a fixed order (routes as configured, countries sorted).
package struct MetricsSnapshot: Sendable {
    package struct RouteStats: Sendable {
        package var label: String
        package var histogram: LatencyHistogram
        package var requests: Int64
        package var serverErrors: Int64
        package var clientErrors: Int64
    }

    package var routes: [RouteStats]
    /// Server time by country label, sorted.
    package var countries: [(String, LatencyHistogram)]
    /// Client RTT and RTT + server time ("as felt") by country label, sorted; only countries
    /// whose requests carried a valid RTT header appear.
    package var clientRTT: [(String, LatencyHistogram)] = []
    package var felt: [(String, LatencyHistogram)] = []
    /// Response bytes written since start.
    package var responseBytes: Int64 = 0
    package var activeConnections: Int
    package var acceptedConnections: Int
    package var backpressurePauses: Int
}

/// Folds a country header value into a bounded label: ISO 3166-1 alpha-2 shapes are kept
/// (upper-cased), anything else is `other`.
package enum CountryLabel {
    package static func label(_ value: String?) -> String? {
        guard let value else { return nil }
        let trimmed = value.trimmingOWS()
        let bytes = Array(trimmed.utf8)
        guard bytes.count == 2, bytes.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }) else {
            return "other"
        }
        return trimmed.uppercased()
    }
}
