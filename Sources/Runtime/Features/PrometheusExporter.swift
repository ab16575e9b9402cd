import PilotoConfig

/// Prometheus text exposition format 0.0.4 for a metrics snapshot.
package enum PrometheusExporter {
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    package static func render(_ snapshot: MetricsSnapshot, droppedLogLines: Int, draining: Bool) -> String {
        var out = ""
        out += "# HELP piloto_http_requests_total Requests answered, by route pattern.\n"
        out += "# TYPE piloto_http_requests_total counter\n"
        for r in snapshot.routes { out += "piloto_http_requests_total{route=\(quote(r.label))} \(r.requests)\n" }
        out += "# HELP piloto_http_server_errors_total Responses with a 5xx status, by route pattern.\n"
        out += "# TYPE piloto_http_server_errors_total counter\n"
        for r in snapshot.routes { out += "piloto_http_server_errors_total{route=\(quote(r.label))} \(r.serverErrors)\n" }
        out += "# HELP piloto_http_client_errors_total Responses with a 4xx status, by route pattern.\n"
        out += "# TYPE piloto_http_client_errors_total counter\n"
        for r in snapshot.routes { out += "piloto_http_client_errors_total{route=\(quote(r.label))} \(r.clientErrors)\n" }

        out += "# HELP piloto_http_request_duration_seconds Request latency, by route pattern.\n"
        out += "# TYPE piloto_http_request_duration_seconds histogram\n"
        for r in snapshot.routes { histogram(&out, "piloto_http_request_duration_seconds", "route", r.label, r.histogram) }
        out += "# HELP piloto_http_request_duration_by_country_seconds Request latency, by client country.\n"
        out += "# TYPE piloto_http_request_duration_by_country_seconds histogram\n"
        for (country, h) in snapshot.countries {
            histogram(&out, "piloto_http_request_duration_by_country_seconds", "country", country, h)
        }

        out += "# HELP piloto_http_client_rtt_by_country_seconds Client round trip reported by the load balancer "
            + "(monitoring.rtt_header), by client country.\n"
        out += "# TYPE piloto_http_client_rtt_by_country_seconds histogram\n"
        for (country, h) in snapshot.clientRTT { histogram(&out, "piloto_http_client_rtt_by_country_seconds", "country", country, h) }
        out += "# HELP piloto_http_felt_latency_by_country_seconds Client round trip plus server time, the latency "
            + "as the client feels it, by client country.\n"
        out += "# TYPE piloto_http_felt_latency_by_country_seconds histogram\n"
        for (country, h) in snapshot.felt { histogram(&out, "piloto_http_felt_latency_by_country_seconds", "country", country, h) }

        let quantileName = "piloto_http_request_duration_quantile_seconds"
        out += "# HELP \(quantileName) p50/p95/p99 estimated from the buckets.\n"
        out += "# TYPE \(quantileName) gauge\n"
        for r in snapshot.routes { quantiles(&out, quantileName, "route", r.label, r.histogram) }
        for (country, h) in snapshot.countries { quantiles(&out, quantileName, "country", country, h) }
        out += "# HELP piloto_http_client_rtt_quantile_seconds p50/p95/p99 of the client round trip, by country.\n"
        out += "# TYPE piloto_http_client_rtt_quantile_seconds gauge\n"
        for (country, h) in snapshot.clientRTT { quantiles(&out, "piloto_http_client_rtt_quantile_seconds", "country", country, h) }
        out += "# HELP piloto_http_felt_latency_quantile_seconds p50/p95/p99 of round trip plus server time, by country.\n"
        out += "# TYPE piloto_http_felt_latency_quantile_seconds gauge\n"
        for (country, h) in snapshot.felt { quantiles(&out, "piloto_http_felt_latency_quantile_seconds", "country", country, h) }

        out += "# TYPE piloto_http_connections_active gauge\n"
        out += "piloto_http_connections_active \(snapshot.activeConnections)\n"
        out += "# TYPE piloto_http_connections_accepted_total counter\n"
        out += "piloto_http_connections_accepted_total \(snapshot.acceptedConnections)\n"
        out += "# TYPE piloto_http_backpressure_pauses_total counter\n"
        out += "piloto_http_backpressure_pauses_total \(snapshot.backpressurePauses)\n"
        out += "# TYPE piloto_log_lines_dropped_total counter\n"
        out += "piloto_log_lines_dropped_total \(droppedLogLines)\n"
        out += "# TYPE piloto_draining gauge\n"
        out += "piloto_draining \(draining ? 1 : 0)\n"
        return out
    }

    package static func histogram(_ out: inout String, _ name: String, _ key: String, _ value: String, _ h: LatencyHistogram) {
        var cumulative: Int64 = 0
        for (index, bound) in LatencyHistogram.boundsNanos.enumerated() {
            cumulative += h.counts[index]
            out += "\(name)_bucket{\(key)=\(quote(value)),le=\"\(seconds(bound))\"} \(cumulative)\n"
        }
        out += "\(name)_bucket{\(key)=\(quote(value)),le=\"+Inf\"} \(h.count)\n"
        out += "\(name)_sum{\(key)=\(quote(value))} \(seconds(h.sumNanos))\n"
        out += "\(name)_count{\(key)=\(quote(value))} \(h.count)\n"
    }

    private static func quantiles(_ out: inout String, _ name: String, _ key: String, _ value: String, _ h: LatencyHistogram) {
        for (q, text) in [(0.5, "0.5"), (0.95, "0.95"), (0.99, "0.99")] {
            guard let nanos = h.quantileNanos(q) else { continue }
            out += "\(name){\(key)=\(quote(value)),quantile=\"\(text)\"} \(seconds(nanos))\n"
        }
    }

    /// Nanoseconds as decimal seconds without floating point: 1_500_000 → `0.0015`.
    package static func seconds(_ nanos: Int64) -> String { DecimalText.fixedPoint(nanos, scaleDigits: 9) }

    /// A label value with `\`, `"` and newline escaped.
    package static func quote(_ text: String) -> String {
        "\"" + CharacterEscaping.replacing(text, labelEscapes) + "\""
    }

    private static let labelEscapes: [Character: String] = ["\\": "\\\\", "\"": "\\\"", "\n": "\\n"]
}
