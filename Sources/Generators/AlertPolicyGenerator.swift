import PilotoConfig

/// `alerts/*.json`: one Cloud Monitoring AlertPolicy per configured threshold, for
/// `gcloud alpha monitoring policies create --policy-from-file`.
///
/// Every Cloud Run metric used here is DELTA: `request_latencies` and the two `utilizations` are
/// DISTRIBUTIONs, so they need a percentile aligner (ALIGN_MEAN of a distribution hides the tail);
/// `request_count` is INT64, aligned with ALIGN_RATE. Thresholds are in the metric's unit:
/// milliseconds for latency, a fraction of one for utilization and error rate (70% is 0.7).
package enum AlertPolicyGenerator {
    /// One alert: the file name, the metric, its aligner, and text for people.
    struct Spec {
        var file: String
        var title: String
        var conditionName: String
        var metricType: String
        var aligner: String
        var threshold: JSONNumber
        var extraFilter: String?
        var denominator: Bool
        var advice: String
    }

    package static func generate(_ config: PilotoConfig) -> [Artifact] {
        specs(config).map { spec in
            Artifact(path: "alerts/\(spec.file).json", contents: policy(spec, config: config).pretty() + "\n")
        }
    }

    /// Configured alerts, in a fixed order (latency, CPU, memory, error rate).
    static func specs(_ config: PilotoConfig) -> [Spec] {
        let alerts = config.monitoring.alerts
        let minutes = durationText(alerts.duration)
        var specs: [Spec] = []
        if let latency = alerts.latencyP99 {
            specs.append(Spec(
                file: "latency-p99", title: "p99 request latency above \(latency.milliseconds) ms",
                conditionName: "p99 of run.googleapis.com/request_latencies > \(latency.milliseconds) ms for \(minutes)",
                metricType: "run.googleapis.com/request_latencies", aligner: "ALIGN_PERCENTILE_99",
                threshold: JSONNumber(latency.milliseconds), extraFilter: nil, denominator: false,
                advice: "Look at the dashboard's latency by route and by country, recent deploys, instance count "
                    + "against max_instances, and whether CPU is throttled (cpu_throttling) or a proxy upstream is slow."))
        }
        // CPU and memory are the same percentile alert on `container/<metric>/utilizations`.
        let utilizations: [(metric: String, name: String, threshold: Percentage?, advice: String)] = [
            ("cpu", "CPU", alerts.cpu,
             "Look at requests per second and open WebSockets per instance (containerConcurrency); "
                + "raise max_instances or cpu, or lower concurrency. Sustained CPU is also one of the "
                + "original design's triggers to re-evaluate the architecture."),
            ("memory", "Memory", alerts.memory,
             "Look at live sessions (sessions.max_sessions with the memory store), open WebSockets and "
                + "their back-pressure buffers; raise scaling.memory or move sessions to Redis. An instance "
                + "over its limit is killed and its WebSockets drop."),
        ]
        for alert in utilizations {
            guard let threshold = alert.threshold else { continue }
            specs.append(utilization(metric: alert.metric, name: alert.name, threshold: threshold, minutes: minutes, advice: alert.advice))
        }
        if let errors = alerts.errorRate {
            specs.append(Spec(
                file: "error-rate", title: "5xx error rate above \(percentText(errors))",
                conditionName: "5xx / all requests > \(errors.fractionText) for \(minutes)",
                metricType: "run.googleapis.com/request_count", aligner: "ALIGN_RATE",
                threshold: JSONNumber(fixedPoint: Int64(errors.hundredths), scaleDigits: 4), extraFilter: "metric.labels.response_code_class = \"5xx\"",
                denominator: true,
                advice: "Look at ERROR log lines for the service (severity>=ERROR), 503s from a Redis outage, "
                    + "proxy upstream failures, and whether the errors started with a new revision (roll back)."))
        }
        return specs
    }

    /// The alert file is named after the metric (`cpu.json`, `memory.json`).
    private static func utilization(metric: String, name: String, threshold: Percentage, minutes: String, advice: String) -> Spec {
        Spec(
            file: metric, title: "\(name) utilization above \(percentText(threshold))",
            conditionName: "p99 of container/\(metric)/utilizations > \(threshold.fractionText) for \(minutes)",
            metricType: "run.googleapis.com/container/\(metric)/utilizations", aligner: "ALIGN_PERCENTILE_99",
            threshold: JSONNumber(fixedPoint: Int64(threshold.hundredths), scaleDigits: 4), extraFilter: nil, denominator: false, advice: advice)
    }

    static func filter(_ config: PilotoConfig, metricType: String, extra: String?) -> String {
        var parts = [
            "resource.type = \"cloud_run_revision\"",
            "resource.labels.service_name = \"\(config.service.name)\"",
            "metric.type = \"\(metricType)\"",
        ]
        if let extra { parts.append(extra) }
        return parts.joined(separator: " AND ")
    }

    /// The aggregation: align each revision's series, then combine them per service.
    /// Percentiles are combined with MAX (the worst revision), counts with SUM.
    static func aggregation(aligner: String) -> JSONValue {
        .object([
            ("alignmentPeriod", .string("60s")),
            ("perSeriesAligner", .string(aligner)),
            ("crossSeriesReducer", .string(aligner == "ALIGN_RATE" ? "REDUCE_SUM" : "REDUCE_MAX")),
            ("groupByFields", .array([.string("resource.label.service_name")])),
        ])
    }

    static func policy(_ spec: Spec, config: PilotoConfig) -> JSONValue {
        var threshold: [(String, JSONValue)] = [
            ("filter", .string(filter(config, metricType: spec.metricType, extra: spec.extraFilter))),
            ("aggregations", .array([aggregation(aligner: spec.aligner)])),
        ]
        if spec.denominator {
            threshold.append(("denominatorFilter", .string(filter(config, metricType: spec.metricType, extra: nil))))
            threshold.append(("denominatorAggregations", .array([aggregation(aligner: spec.aligner)])))
        }
        threshold += [
            ("comparison", .string("COMPARISON_GT")),
            ("thresholdValue", .number(spec.threshold)),
            ("duration", .string(durationText(config.monitoring.alerts.duration))),
            ("trigger", .object([("count", .int(1))])),
        ]
        let notice = GeneratedHeader.lines(config).joined(separator: " ")
        return .object([
            ("displayName", .string("\(config.service.name): \(spec.title)")),
            ("documentation", .object([
                ("content", .string("\(spec.title) on Cloud Run service `\(config.service.name)`.\n\n"
                    + spec.advice + "\n\n" + notice)),
                ("mimeType", .string("text/markdown")),
            ])),
            ("userLabels", .object([
                ("generated-by", .string("piloto")),
                ("service", .string(config.service.name)),
            ])),
            ("combiner", .string("OR")),
            ("conditions", .array([
                .object([
                    ("displayName", .string(spec.conditionName)),
                    ("conditionThreshold", .object(threshold)),
                ]),
            ])),
            ("alertStrategy", .object([("autoClose", .string("1800s"))])),
            ("notificationChannels", .array(config.monitoring.notificationChannels.map { .string($0) })),
            ("enabled", .bool(true)),
        ])
    }

    /// Cloud Monitoring durations are whole seconds with an `s` suffix, e.g. `"300s"`.
    static func durationText(_ span: TimeSpan) -> String { "\(span.wholeSecondsRoundedUp)s" }

    /// `70%`, `0.5%` for titles.
    static func percentText(_ p: Percentage) -> String {
        let whole = p.hundredths / 100
        let frac = p.hundredths % 100
        if frac == 0 { return "\(whole)%" }
        let digits = frac % 10 == 0 ? String(frac / 10) : (frac < 10 ? "0\(frac)" : String(frac))
        return "\(whole).\(digits)%"
    }
}
