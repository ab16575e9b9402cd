/// Liveness and readiness (`SharedFacts.healthPath` / `readinessPath`): liveness is 200 while the
/// process runs; readiness turns 503 the moment draining starts so Cloud Run stops sending traffic.
package enum HealthResponder {
    package static func liveness() -> HTTPResponse {
        var h = HTTPHeaders()
        h.add("Cache-Control", "no-store")
        return .json(.ok, #"{"status":"ok"}"#, headers: h)
    }

    package static func readiness(draining: Bool) -> HTTPResponse {
        var h = HTTPHeaders()
        h.add("Cache-Control", "no-store")
        return draining ? .json(.serviceUnavailable, #"{"status":"draining"}"#, headers: h) : .json(.ok, #"{"status":"ready"}"#, headers: h)
    }
}
