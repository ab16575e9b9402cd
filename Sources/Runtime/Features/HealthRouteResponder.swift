import PilotoConfig

/// A `handler: health` route: liveness at the route's path, readiness at `<path>/ready` (`/ready`
/// for a root route); anything else under the prefix is the JSON 404.
package struct HealthRouteResponder: Responder {
    let liveness: String
    let readiness: String
    let health: HealthResponder
    let state: ServerState
    /// The `run:` backends' status: readiness is `starting` until each was healthy once.
    let backends: BackendDirectory
    let notFound: PrebuiltResponse

    package init(routePath: String, health: HealthResponder, state: ServerState, backends: BackendDirectory, notFound: PrebuiltResponse) {
        liveness = routePath
        readiness = routePath == "/" ? "/ready" : routePath + "/ready"
        self.health = health
        self.state = state
        self.backends = backends
        self.notFound = notFound
    }

    package func respond(to request: HTTPRequest) throws(HTTPError) -> RouteResponse {
        let includeBody = !request.head.isHead
        guard request.path == liveness || request.path == readiness else { return .prebuilt(notFound, includeBody: includeBody) }
        guard request.isRead else { throw .readOnly }
        if request.path == liveness { return health.liveness(includeBody: includeBody) }
        return health.readiness(
            draining: state.draining, startingReason: backends.startingReason, degradedReason: state.degradedReason,
            includeBody: includeBody)
    }
}
