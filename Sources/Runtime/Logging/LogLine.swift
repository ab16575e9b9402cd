import PilotoConfig
/// Cloud Logging severities (LogSeverity enum names).
package enum LogSeverity: String, Sendable {
    case debug = "DEBUG"
    case info = "INFO"
    case notice = "NOTICE"
    case warning = "WARNING"
    case error = "ERROR"
}

/// One structured log line as Cloud Logging reads it from stdout: `severity`, `message`, optional
/// `logging.googleapis.com/trace`, then any fields (e.g. `httpRequest`).
package enum LogLine {
    package static func render(
        severity: LogSeverity, message: String, trace: String? = nil, fields: [(String, JSONValue)] = []
    ) -> String {
        var pairs: [(String, JSONValue)] = [("severity", .string(severity.rawValue)), ("message", .string(message))]
        if let trace { pairs.append(("logging.googleapis.com/trace", .string(trace))) }
        pairs += fields
        return JSONValue.object(pairs).compact
    }
}
