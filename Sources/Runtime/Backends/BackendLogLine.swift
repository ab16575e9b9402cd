import PilotoConfig

/// Which pipe a backend line came from.
package enum OutputStream: Sendable, Equatable {
    case stdout
    case stderr
}

/// Turns one line a backend printed into one Cloud Logging JSON line on piloto's stdout (pure).
///
/// Cloud Run reads each stdout line of the container as a log entry; a plain-text line from a
/// child would become a `DEFAULT` entry with no way to tell which backend printed it. So:
/// - a line that is a JSON object keeps all its fields; `severity` comes from its own `severity`
///   or `level` (names such as `warn`/`fatal` or pino's numbers are mapped to Cloud Logging's);
/// - a text line with a Python-logging / uvicorn prefix (`INFO:`, `WARNING:root:…`) takes that
///   severity and loses the prefix;
/// - any other line is `INFO` on stdout and `ERROR` on stderr (tracebacks, crashes);
/// - every line gets `"backend": NAME` (replacing a `backend` field of the line's own).
package enum BackendLogLine {
    package static func render(_ line: String, stream: OutputStream, backend: String) -> String {
        let fallback = stream == .stdout ? "INFO" : "ERROR"
        if line.utf8.first == UInt8(ascii: "{"), case .object(let members)? = try? JSONParser.parse(line) {
            let own = members.first { $0.0 == "severity" }?.1 ?? members.first { $0.0 == "level" }?.1
            let severity = own.flatMap(Self.severity(of:)) ?? fallback
            var pairs: [(String, JSONValue)] = [("severity", .string(severity))]
            pairs += members.filter { $0.0 != "severity" && $0.0 != "backend" }
            pairs.append(("backend", .string(backend)))
            return JSONValue.object(pairs).compact
        }
        var severity = fallback
        var message = line
        if let (prefixed, rest) = prefix(of: line) {
            severity = prefixed
            if !rest.isEmpty { message = rest }
        }
        return JSONValue.object([
            ("severity", .string(severity)), ("message", .string(message)), ("backend", .string(backend)),
        ]).compact
    }

    /// Cloud Logging's severity for a level name or number, nil when it is neither.
    package static func severity(of value: JSONValue) -> String? {
        if let number = value.int64Value {
            // pino / bunyan: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
            switch number {
            case ..<30: return "DEBUG"
            case 30..<40: return "INFO"
            case 40..<50: return "WARNING"
            case 50..<60: return "ERROR"
            default: return "CRITICAL"
            }
        }
        guard let name = value.stringValue else { return nil }
        return severity(named: name)
    }

    /// `warn` → `WARNING`, `fatal` → `CRITICAL`, … (case-insensitive); nil for an unknown word.
    package static func severity(named name: String) -> String? {
        switch name.lowercased() {
        case "default": "DEFAULT"
        case "trace", "debug": "DEBUG"
        case "info", "information": "INFO"
        case "notice": "NOTICE"
        case "warn", "warning": "WARNING"
        case "err", "error": "ERROR"
        case "crit", "critical", "fatal": "CRITICAL"
        case "alert": "ALERT"
        case "emerg", "emergency", "panic": "EMERGENCY"
        default: nil
        }
    }

    /// `INFO:     Started server` → ("INFO", "Started server"); Python logging's default format
    /// `WARNING:root:text` keeps `root:text`. Only upper-case level words count, so an ordinary
    /// sentence such as `Error: file missing` on stderr stays an ERROR through the fallback anyway.
    static func prefix(of line: String) -> (String, String)? {
        guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let word = line[..<colon]
        guard !word.isEmpty, word.utf8.count <= 8, word.utf8.allSatisfy({ (65...90).contains($0) }),
            let severity = severity(named: String(word))
        else { return nil }
        let rest = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        return (severity, String(rest))
    }
}
