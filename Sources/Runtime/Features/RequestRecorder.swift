import PilotoConfig

/// The core's `RequestObserver` for `piloto serve`: per-loop metrics with the route and country
/// labels, the opt-in access log, and loop failures in the log. Runs on the loop's thread.
struct RequestRecorder: RequestObserver {
    let metrics: MetricsRegistry
    let logger: Logger
    let accessLog: Bool
    /// `monitoring.country_header`: the edge's header naming the client's country, if any.
    let countryHeader: String?
    /// `monitoring.rtt_header`: the edge's header carrying the client's round trip in ms, if any.
    var rttHeader: String? = nil

    private func loopMetrics(_ loop: Int) -> LoopMetrics { metrics.loops[loop % metrics.loops.count] }

    func completed(_ request: HTTPRequest, context: RequestContext, status: HTTPStatus, bytes: Int, nanos: Int64) {
        let country = countryHeader.flatMap { CountryLabel.label(request.headers[$0]) }
        let rtt = rttHeader.flatMap { ClientRTT.milliseconds(request.headers[$0]) }
        loopMetrics(context.loop).record(
            route: context.route ?? metrics.unmatchedRoute, country: country, status: status.code, nanos: nanos,
            rttNanos: rtt.map { $0 * 1_000_000 }, bytes: bytes)
        if accessLog {
            AccessLog.write(logger: logger, request: request, status: status.code, size: bytes, nanos: nanos)
        }
    }

    func rejected(status: HTTPStatus, reason: HTTPRejection?, remote: SocketAddress, loop: Int) {
        loopMetrics(loop).record(route: metrics.unmatchedRoute, country: nil, status: status.code, nanos: 0)
        guard accessLog else { return }
        logger.log(
            .warning, "rejected request: \(status.code) \(reason.map { "\($0)" } ?? "")",
            fields: [("httpRequest", .object([("status", .int(Int64(status.code))), ("remoteIp", .string(remote.ip))]))])
    }

    func loopFailed(_ operation: String, errno: Int32) {
        logger.log(.error, "\(operation) failed", fields: [("errno", .int(Int64(errno)))])
    }
}
