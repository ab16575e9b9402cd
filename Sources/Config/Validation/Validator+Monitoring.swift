/// `monitoring:` and `build:` rules.
extension Validator {
    mutating func checkMonitoring() {
        let monitoring = config.monitoring
        if let header = monitoring.countryHeader {
            if !Self.isToken(header) {
                report(.error, at: "monitoring.country_header", "invalid header name '\(header)' (RFC 9110 §5.1: a token)")
            } else if header.lowercased() == "cloudfront-viewer-country" {
                report(.warning, at: "monitoring.country_header",
                    "CloudFront-Viewer-Country is AWS's header; on Google Cloud the external HTTPS load balancer adds a "
                        + "custom header such as 'X-Client-Region: {client_region}'")
            }
        }
        for (index, channel) in monitoring.notificationChannels.enumerated() where !Self.isChannel(channel) {
            report(.error, at: "monitoring.notification_channels[\(index)]",
                "invalid notification channel '\(channel)': expected projects/PROJECT/notificationChannels/ID")
        }
        let alerts = monitoring.alerts
        for (key, value) in [("cpu", alerts.cpu), ("memory", alerts.memory), ("error_rate", alerts.errorRate)] {
            if let value, value.hundredths == 0 {
                report(.error, at: "monitoring.alerts.\(key)", "an alert threshold of 0% would always fire")
            }
        }
        // Cloud Monitoring's condition duration: "only values that are a multiple of a minute".
        if alerts.duration.milliseconds % 60_000 != 0 || alerts.duration > .hours(24) {
            report(.error, at: "monitoring.alerts.for",
                "'for' must be whole minutes up to 24h (Cloud Monitoring accepts 0, 60, 120… seconds), found \(Self.describe(alerts.duration))")
        }
    }

    mutating func checkBuild() {
        guard let frontend = config.build.frontend else { return }
        for (key, text) in [("path", frontend.path.asWritten), ("output", frontend.output)] where !Self.isInsideFolder(text) {
            report(.error, at: "build.frontend.\(key)",
                "'\(text)' must be a relative path inside the config file's folder (it is copied into the image)")
        }
    }

    /// `projects/PROJECT/notificationChannels/ID`.
    static func isChannel(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "projects" && !parts[1].isEmpty && parts[2] == "notificationChannels"
            && !parts[3].isEmpty
    }

    /// Relative, no `..` segment, not empty.
    static func isInsideFolder(_ path: String) -> Bool {
        guard !path.isEmpty, !path.hasPrefix("/") else { return false }
        return !path.split(separator: "/").contains("..")
    }
}
