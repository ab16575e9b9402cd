import Synchronization

/// A `handler: metrics` route: Prometheus text of every route's figures and the proxy upstreams'.
package struct MetricsResponder: Responder {
    /// Metrics reveal traffic: only loopback (a sidecar or `kubectl port-forward`) unless configured.
    let allowRemote: Bool
    let metrics: MetricsRegistry
    let state: ServerState
    let logger: Logger?

    package func respond(to request: HTTPRequest) throws(HTTPError) -> RouteResponse {
        guard allowRemote || request.remote.isLoopback else { throw HTTPError(.notFound) }
        guard request.isRead else { throw .readOnly }
        let text = PrometheusExporter.render(metrics.snapshot(), droppedLogLines: logger?.dropped ?? 0, draining: state.draining)
            + ProxyPrometheus.render(metrics.proxyUpstreams.withLock { $0 })
        var headers = HTTPHeaders()
        headers.add("Content-Type", PrometheusExporter.contentType)
        headers.add("Cache-Control", "no-store")
        return .response(HTTPResponse(status: .ok, headers: headers, body: .bytes(Array(text.utf8))))
    }
}
