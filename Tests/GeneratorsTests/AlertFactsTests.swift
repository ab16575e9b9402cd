import Foundation
import PilotoConfig
import PilotoGenerators
import Testing

/// Alert policies: real metric types, an aligner valid for each metric's kind, thresholds in the
/// metric's unit, the error rate as a ratio, the configured channels.
@Suite struct AlertFactsTests {
    static func policy(_ file: String, _ config: PilotoConfig) throws -> [String: Any] {
        let text = try GenFixtures.artifact("alerts/\(file).json", in: config)
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any])
    }

    static func threshold(_ policy: [String: Any]) throws -> [String: Any] {
        let conditions = try #require(policy["conditions"] as? [[String: Any]])
        #expect(conditions.count == 1)
        return try #require(conditions.first?["conditionThreshold"] as? [String: Any])
    }

    static func aligner(_ threshold: [String: Any], key: String = "aggregations") throws -> String {
        let aggregations = try #require(threshold[key] as? [[String: Any]])
        return try #require(aggregations.first?["perSeriesAligner"] as? String)
    }

    /// (file, metric type, aligner): distributions need a percentile aligner, the INT64 count a rate.
    @Test(arguments: [
        ("latency-p99", "run.googleapis.com/request_latencies", "ALIGN_PERCENTILE_99"),
        ("cpu", "run.googleapis.com/container/cpu/utilizations", "ALIGN_PERCENTILE_99"),
        ("memory", "run.googleapis.com/container/memory/utilizations", "ALIGN_PERCENTILE_99"),
        ("error-rate", "run.googleapis.com/request_count", "ALIGN_RATE"),
    ])
    func metricAndAlignerPerAlert(file: String, metric: String, aligner: String) throws {
        let config = try GenFixtures.config(folder: GenFixtures.repoRoot, environment: nil)
        let threshold = try Self.threshold(try Self.policy(file, config))
        let filter = try #require(threshold["filter"] as? String)
        #expect(filter.contains("metric.type = \"\(metric)\""))
        #expect(filter.contains("resource.type = \"cloud_run_revision\""))
        #expect(filter.contains("resource.labels.service_name = \"\(config.service.name)\""))
        #expect(try Self.aligner(threshold) == aligner)
        #expect(threshold["comparison"] as? String == "COMPARISON_GT")
        #expect(threshold["duration"] as? String == "300s")
    }

    @Test func thresholdsAreInTheMetricsUnits() throws {
        let config = try GenFixtures.config(folder: GenFixtures.repoRoot, environment: nil)
        // Exact text in the file (no Double formatting) and the parsed number.
        for (file, text, value) in [("latency-p99", "1000", 1000.0), ("cpu", "0.7", 0.7), ("memory", "0.8", 0.8),
                                    ("error-rate", "0.01", 0.01)] {
            let raw = try GenFixtures.artifact("alerts/\(file).json", in: config)
            #expect(raw.contains("\"thresholdValue\": \(text),\n"), "\(file)")
            let threshold = try Self.threshold(try Self.policy(file, config))
            #expect((threshold["thresholdValue"] as? NSNumber)?.doubleValue == value, "\(file)")
        }
    }

    @Test func errorRateIsFiveHundredsOverAllRequests() throws {
        let config = try GenFixtures.config("full")
        let threshold = try Self.threshold(try Self.policy("error-rate", config))
        let numerator = try #require(threshold["filter"] as? String)
        let denominator = try #require(threshold["denominatorFilter"] as? String)
        #expect(numerator.contains("metric.labels.response_code_class = \"5xx\""))
        #expect(!denominator.contains("response_code_class"))
        #expect(numerator == denominator + " AND metric.labels.response_code_class = \"5xx\"")
        #expect(try Self.aligner(threshold, key: "denominatorAggregations") == "ALIGN_RATE")
        #expect((threshold["thresholdValue"] as? NSNumber)?.doubleValue == 0.005)
        #expect(threshold["duration"] as? String == "600s")
    }

    @Test func onlyConfiguredAlertsAndTheirChannels() throws {
        let config = try GenFixtures.config("full")
        let paths = Generators.generateAll(config).map(\.path).filter { $0.hasPrefix("alerts/") }
        #expect(paths == ["alerts/cpu.json", "alerts/error-rate.json", "alerts/latency-p99.json"])
        for file in ["cpu", "error-rate", "latency-p99"] {
            let policy = try Self.policy(file, config)
            #expect(policy["notificationChannels"] as? [String] == config.monitoring.notificationChannels)
            #expect(policy["combiner"] as? String == "OR")
            #expect(policy["enabled"] as? Bool == true)
            let display = try #require(policy["displayName"] as? String)
            #expect(display.hasPrefix("full-app: "))
            let docs = try #require(policy["documentation"] as? [String: Any])
            #expect(docs["mimeType"] as? String == "text/markdown")
            let content = try #require(docs["content"] as? String)
            #expect(content.contains("Look at"))
            #expect(content.contains("Generated by piloto from piloto.yaml"))
        }
        let cpu = try Self.threshold(try Self.policy("cpu", config))
        #expect((cpu["thresholdValue"] as? NSNumber)?.doubleValue == 0.85)
    }

    @Test func noAlertsConfiguredMeansNoAlertFiles() throws {
        let config = try GenFixtures.config("minimal")
        #expect(!Generators.generateAll(config).contains { $0.path.hasPrefix("alerts/") })
    }
}
