/// One instance's dashboard figures as it publishes them to Redis for the others to merge.
///
/// Everything the dashboard JSON is made of that can be added up across instances: the raw
/// histogram buckets (never quantiles: p99s cannot be averaged, buckets can be summed), the
/// cumulative counters, the WebSocket gauge, the rates and process usage. Proxy upstream figures
/// stay with the instance that answers (they describe its own pool). Encoded as the package's one
/// `JSONValue` (`InstanceSnapshot+JSON.swift`), one key per instance.
package struct InstanceSnapshot: Sendable, Equatable {
    package struct Histogram: Sendable, Equatable {
        package var counts: [Int64]
        package var sumNanos: Int64

        init(_ h: LatencyHistogram) {
            counts = h.counts
            sumNanos = h.sumNanos
        }

        /// Empty when the buckets do not match this build's.
        var histogram: LatencyHistogram { LatencyHistogram(counts: counts, sumNanos: sumNanos) ?? LatencyHistogram() }
    }

    package struct Route: Sendable, Equatable {
        package var label: String
        package var requests: Int64
        package var serverErrors: Int64
        package var clientErrors: Int64
        package var latency: Histogram
    }

    package struct Labeled: Sendable, Equatable {
        package var label: String
        package var latency: Histogram
    }

    package struct WebSockets: Sendable, Equatable {
        package var active: Int
        package var finished: Int
        package var meanDurationMilliseconds: Double
        package var peak: Int
        package var occupiedMilliseconds: Int64
    }

    /// Random per process (a restarted instance is a new row).
    package var instance: String
    /// When the figures were read (unix ms).
    package var atUnixMilliseconds: Int64
    package var uptimeNanos: Int64
    package var draining: Bool
    package var routes: [Route]
    package var countries: [Labeled]
    package var clientRTT: [Labeled]
    package var felt: [Labeled]
    package var responseBytes: Int64
    package var activeConnections: Int
    package var acceptedConnections: Int
    package var backpressurePauses: Int
    package var webSockets: WebSockets
    package var requestsPerSecond: Double
    package var rateWindowNanos: Int64
    package var cpuCores: Double?
    package var residentBytes: Int64?

    /// The figures of `reading` (one instance's own).
    package init(instance: String, reading r: DashboardReading) {
        self.instance = instance
        atUnixMilliseconds = r.unixMilliseconds
        uptimeNanos = r.uptimeNanos
        draining = r.draining
        routes = r.metrics.routes.map {
            Route(label: $0.label, requests: $0.requests, serverErrors: $0.serverErrors, clientErrors: $0.clientErrors,
                  latency: Histogram($0.histogram))
        }
        countries = r.metrics.countries.map { Labeled(label: $0.0, latency: Histogram($0.1)) }
        clientRTT = r.metrics.clientRTT.map { Labeled(label: $0.0, latency: Histogram($0.1)) }
        felt = r.metrics.felt.map { Labeled(label: $0.0, latency: Histogram($0.1)) }
        responseBytes = r.metrics.responseBytes
        activeConnections = r.metrics.activeConnections
        acceptedConnections = r.metrics.acceptedConnections
        backpressurePauses = r.metrics.backpressurePauses
        let ws = r.webSockets
        webSockets = WebSockets(
            active: ws.active, finished: ws.finished, meanDurationMilliseconds: ws.meanDurationMilliseconds, peak: ws.peak,
            occupiedMilliseconds: ws.occupiedMilliseconds)
        requestsPerSecond = r.rates.requestsPerSecond
        rateWindowNanos = r.rates.windowNanos
        cpuCores = r.rates.cpuCores
        residentBytes = r.residentBytes
    }

    /// Requests answered, every route.
    package var totalRequests: Int64 { routes.reduce(0) { $0 + $1.requests } }
    package var serverErrors: Int64 { routes.reduce(0) { $0 + $1.serverErrors } }

    /// Every route's latencies merged.
    package var overall: LatencyHistogram {
        var merged = LatencyHistogram()
        for route in routes { merged.merge(route.latency.histogram) }
        return merged
    }
}
