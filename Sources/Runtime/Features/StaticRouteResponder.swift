/// A `handler: static` or `handler: spa` route: files from the store loaded at boot; for an SPA,
/// the index page for navigations (`SPAResponder`).
package struct StaticRouteResponder: Responder {
    let store: StaticFileStore
    let prefix: String
    /// The SPA's index file; nil for `handler: static`.
    let spaIndex: String?

    package init(store: StaticFileStore, prefix: String, spaIndex: String?) {
        self.store = store
        self.prefix = prefix
        self.spaIndex = spaIndex
    }

    package func respond(to request: HTTPRequest) throws(HTTPError) -> RouteResponse {
        guard request.isRead else { throw .readOnly }
        return SPAResponder.respond(to: request, store: store, prefix: prefix, index: spaIndex)
    }
}
