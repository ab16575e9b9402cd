/// Liveness and readiness (`SharedFacts.healthPath` / `readinessPath`): liveness is 200 while the
/// process runs; readiness turns 503 the moment draining starts so Cloud Run stops sending traffic.
///
/// The three possible answers are built at boot: the health route is a benchmark target and a probe
/// that runs every few seconds, so it costs one table lookup and one `writev`.
package struct HealthResponder: Sendable {
    package let live: PrebuiltResponse
    package let ready: PrebuiltResponse
    package let draining: PrebuiltResponse

    package init(extraHeaders: [(String, String)]) {
        let fields = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
        live = .fixed(.ok, headers: fields, body: Array(#"{"status":"ok"}"#.utf8), extraHeaders: extraHeaders)
        ready = .fixed(.ok, headers: fields, body: Array(#"{"status":"ready"}"#.utf8), extraHeaders: extraHeaders)
        draining = .fixed(
            .serviceUnavailable, headers: fields, body: Array(#"{"status":"draining"}"#.utf8), extraHeaders: extraHeaders)
    }

    package func liveness(includeBody: Bool) -> RouteResponse { .prebuilt(live, includeBody: includeBody) }

    package func readiness(draining isDraining: Bool, includeBody: Bool) -> RouteResponse {
        .prebuilt(isDraining ? draining : ready, includeBody: includeBody)
    }
}
