import PilotoConfig
/// A JSON value for log lines, with keys kept in insertion order (deterministic output).
package indirect enum JSONValue: Sendable, Equatable {
    case string(String)
    case int(Int64)
    case bool(Bool)
    case object([(String, JSONValue)])

    package static func == (a: JSONValue, b: JSONValue) -> Bool { a.rendered == b.rendered }

    /// Compact JSON text (RFC 8259), strings escaped.
    package var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    func render(into out: inout String) {
        switch self {
        case .string(let s): JSONValue.escape(s, into: &out)
        case .int(let n): out += String(n)
        case .bool(let b): out += b ? "true" : "false"
        case .object(let pairs):
            out += "{"
            for (index, (key, value)) in pairs.enumerated() {
                if index > 0 { out += "," }
                JSONValue.escape(key, into: &out)
                out += ":"
                value.render(into: &out)
            }
            out += "}"
        }
    }

    /// RFC 8259 §7: quote, backslash and control characters escaped.
    package static func escape(_ s: String, into out: inout String) { JSONString.append(s, to: &out) }
}

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
        return JSONValue.object(pairs).rendered
    }
}
