/// A handler for one route the router does not answer itself (websocket, auth, dashboard): built
/// by the module that implements it and handed to the router at boot. It may throw an
/// `HTTPError`; the core renders it (`HTTPError.response`), so no handler builds error responses.
package protocol Responder: Sendable {
    func respond(to request: HTTPRequest) throws(HTTPError) -> RouteResponse
}
