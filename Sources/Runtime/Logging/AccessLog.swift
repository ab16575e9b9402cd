import PilotoConfig

/// The opt-in per-request line (`server.access_log`), in Cloud Logging's `httpRequest` shape.
enum AccessLog {
    static func write(logger: Logger, request: HTTPRequest, status: Int, size: Int, nanos: Int64) {
        var url = request.head.target
        if url.utf8.count > 2048 { url = String(url.prefix(2048)) }
        var http: [(String, JSONValue)] = [
            ("requestMethod", .string(request.method)),
            ("requestUrl", .string(url)),
            ("status", .int(Int64(status))),
            ("responseSize", .string(String(size))),
        ]
        if let agent = request.headers["User-Agent"] { http.append(("userAgent", .string(agent))) }
        http.append(("remoteIp", .string(request.remote.ip)))
        http.append(("latency", .string(PrometheusExporter.seconds(nanos) + "s")))
        http.append(("protocol", .string(request.head.version.text)))
        let severity: LogSeverity = status >= 500 ? .error : (status >= 400 ? .warning : .info)
        logger.log(
            severity, "\(request.method) \(request.path) \(status)",
            trace: TraceContext.traceField(headers: request.headers, project: logger.project),
            fields: [("httpRequest", .object(http))])
    }
}
