import Synchronization

/// The proxy's counters in Prometheus text format, one series per upstream (`upstream` label is
/// the backend name or the URL), appended to the metrics route's exposition.
package enum ProxyPrometheus {
    package static func render(_ upstreams: [ProxyUpstreamMetrics]) -> String {
        guard !upstreams.isEmpty else { return "" }
        var out = ""
        out += "# HELP piloto_proxy_responses_total Responses sent for proxied requests, by upstream and status class.\n"
        out += "# TYPE piloto_proxy_responses_total counter\n"
        for u in upstreams {
            for (label, count) in u.responsesByClass {
                out += "piloto_proxy_responses_total{upstream=\(PrometheusExporter.quote(u.label)),class=\"\(label)\"} \(count)\n"
            }
        }
        let counters: [(String, String, (ProxyUpstreamMetrics) -> Int)] = [
            ("piloto_proxy_retries_total", "Requests replayed on a fresh connection after a reused one failed.", { $0.retries.load(ordering: .relaxed) }),
            ("piloto_proxy_holds_total", "Requests that waited for a refused upstream (a backend restarting).", { $0.holds.load(ordering: .relaxed) }),
            ("piloto_proxy_bad_gateway_total", "502s: upstream unavailable after hold, or broken before answering.", { $0.badGateway.load(ordering: .relaxed) }),
            ("piloto_proxy_timeouts_total", "504s: no response byte within timeout.", { $0.timeouts.load(ordering: .relaxed) }),
            ("piloto_proxy_aborted_total", "Responses cut midway (upstream died or went silent).", { $0.aborted.load(ordering: .relaxed) }),
            ("piloto_proxy_cancelled_total", "Requests whose client left before the response was complete.", { $0.cancelled.load(ordering: .relaxed) }),
        ]
        for (name, help, value) in counters {
            out += "# HELP \(name) \(help)\n# TYPE \(name) counter\n"
            for u in upstreams { out += "\(name){upstream=\(PrometheusExporter.quote(u.label))} \(value(u))\n" }
        }
        let gauges: [(String, String, (ProxyUpstreamMetrics) -> Int)] = [
            ("piloto_proxy_idle_connections", "Kept-alive idle connections in the pools.", { $0.idleConnections.load(ordering: .relaxed) }),
            ("piloto_proxy_open_tunnels", "WebSocket tunnels open to the upstream.", { $0.openTunnels.load(ordering: .relaxed) }),
        ]
        for (name, help, value) in gauges {
            out += "# HELP \(name) \(help)\n# TYPE \(name) gauge\n"
            for u in upstreams { out += "\(name){upstream=\(PrometheusExporter.quote(u.label))} \(value(u))\n" }
        }
        out += "# HELP piloto_proxy_first_byte_seconds Request sent to first response byte, by upstream.\n"
        out += "# TYPE piloto_proxy_first_byte_seconds histogram\n"
        for u in upstreams {
            PrometheusExporter.histogram(&out, "piloto_proxy_first_byte_seconds", "upstream", u.label, u.firstByteHistogram)
        }
        return out
    }
}
