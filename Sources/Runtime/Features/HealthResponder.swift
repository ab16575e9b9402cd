import PilotoConfig

/// Liveness and readiness (`SharedFacts.healthPath` / `readinessPath`): liveness is 200 while the
/// process runs; readiness turns 503 the moment draining starts so Cloud Run stops sending traffic.
///
/// The three usual answers are built at boot: the health route is a benchmark target and a probe
/// that runs every few seconds, so it costs one table lookup and one `writev`.
///
/// Starting (a `run:` backend has not passed its first health check, `BackendDirectory`):
/// readiness answers **503** `{"status":"starting","reason":"…"}`, so a startup probe on the
/// readiness path keeps traffic away until the app behind piloto is up. It cannot last: a backend
/// that fails or outstays its start window turns `down`, and readiness becomes `degraded`.
///
/// Degraded (a backing service such as the Redis session store is unreachable): readiness answers
/// **200** with `{"status":"degraded","reason":"…"}`, not 503. A failing readiness probe makes Cloud
/// Run stop routing to the instance, which would also take down the static site and SPA that still
/// work; auth-dependent routes answer 503 + Retry-After themselves. Monitoring and humans read the
/// degraded state from the body (and logs).
package struct HealthResponder: Sendable {
    package let live: PrebuiltResponse
    package let ready: PrebuiltResponse
    package let draining: PrebuiltResponse
    private let fields: [(String, String)]
    private let extraHeaders: [(String, String)]

    package init(extraHeaders: [(String, String)]) {
        let fields = [("Content-Type", "application/json"), ("Cache-Control", "no-store")]
        self.fields = fields
        self.extraHeaders = extraHeaders
        live = .fixed(.ok, headers: fields, body: Array(#"{"status":"ok"}"#.utf8), extraHeaders: extraHeaders)
        ready = .fixed(.ok, headers: fields, body: Array(#"{"status":"ready"}"#.utf8), extraHeaders: extraHeaders)
        draining = .fixed(
            .serviceUnavailable, headers: fields, body: Array(#"{"status":"draining"}"#.utf8), extraHeaders: extraHeaders)
    }

    package func liveness(includeBody: Bool) -> RouteResponse { .prebuilt(live, includeBody: includeBody) }

    package func readiness(
        draining isDraining: Bool, startingReason: String? = nil, degradedReason: String? = nil, includeBody: Bool
    ) -> RouteResponse {
        if !isDraining, let reason = startingReason {
            var body = #"{"status":"starting","reason":"#
            JSONString.append(reason, to: &body)
            body += "}"
            return .prebuilt(
                .fixed(.serviceUnavailable, headers: fields + [("Retry-After", "1")], body: Array(body.utf8), extraHeaders: extraHeaders),
                includeBody: includeBody)
        }
        if !isDraining, let reason = degradedReason {
            var body = #"{"status":"degraded","reason":"#
            JSONString.append(reason, to: &body)
            body += "}"
            return .prebuilt(.fixed(.ok, headers: fields, body: Array(body.utf8), extraHeaders: extraHeaders), includeBody: includeBody)
        }
        return .prebuilt(isDraining ? draining : ready, includeBody: includeBody)
    }
}
