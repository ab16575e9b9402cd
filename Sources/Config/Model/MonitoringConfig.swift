/// `monitoring:` — client country, alert policies and the original design's re-evaluation triggers.
package struct MonitoringConfig: Sendable, Equatable {
    /// Request header carrying the client's country or region, set by the load balancer
    /// (e.g. `X-Client-Region: {client_region}`); nil when not configured.
    package var countryHeader: String?
    /// Request header carrying the client's round-trip time in ms, set by the load balancer
    /// (`X-Client-RTT-Ms: {client_rtt_msec}`); nil when not configured.
    package var rttHeader: String? = nil
    package var alerts: AlertThresholds
    /// Cloud Monitoring notification channel resource names, in file order.
    package var notificationChannels: [String]
    package var triggers: Triggers
}

/// `monitoring.alerts:` — one Cloud Monitoring alert policy per non-nil threshold.
package struct AlertThresholds: Sendable, Equatable {
    package var latencyP99: TimeSpan?
    package var cpu: Percentage?
    package var memory: Percentage?
    package var errorRate: Percentage?
    /// How long a condition must hold before it fires (`for: 5m`).
    package var duration: TimeSpan
}

/// `monitoring.triggers:` — the original design's "when to re-evaluate the architecture" table.
package struct Triggers: Sendable, Equatable {
    package var concurrentUsers: Int?
    /// Latency seen by US clients.
    package var latencyUS: TimeSpan?
    package var cpu: Percentage?
    package var requestsPerSecond: Int?
    package var monthlyCostUSD: Int?
}
