/// A `handler: static` or `handler: spa` route: files from its root in `StaticRoots` (read once,
/// right after the bind); for an SPA, the index page for navigations (`SPAResponder`).
package struct StaticRouteResponder: Responder {
    let files: StaticRoots
    /// This route's root among `files`' roots (config order of the static and SPA routes).
    let root: Int
    let prefix: String
    /// The SPA's index file; nil for `handler: static`.
    let spaIndex: String?

    package func respond(to request: HTTPRequest) throws(HTTPError) -> RouteResponse {
        guard request.isRead else { throw .readOnly }
        return SPAResponder.respond(to: request, store: files.store(root), prefix: prefix, index: spaIndex)
    }
}
