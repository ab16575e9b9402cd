/// Static and SPA lookup: the file if it exists; for an SPA, `index.html` only for page navigations.
package enum SPAResponder {
    package static func respond(to request: HTTPRequest, store: StaticFileStore, prefix: String, index: String?) -> RouteResponse {
        var relative = prefix == "/" ? request.path : String(request.path.dropFirst(prefix.count))
        if relative.isEmpty { relative = "/" }
        if relative.hasSuffix("/") { relative += index ?? "index.html" }
        if let file = store.file(at: relative) { return FileResponder.respond(file, to: request) }
        if let index, isNavigation(request), let page = store.file(at: "/" + index) {
            return FileResponder.respond(page, to: request)
        }
        return .response(HTTPError(.notFound).response)
    }

    /// A page navigation: GET/HEAD, on a path without a file extension, from a browser that wants
    /// HTML (`Accept: text/html` or `Sec-Fetch-Mode: navigate`). A missing `/assets/app-1a2b.js` is
    /// therefore a 404, never index.html with a 200 (which would be cached as JavaScript).
    package static func isNavigation(_ request: HTTPRequest) -> Bool {
        guard request.method == "GET" || request.method == "HEAD" else { return false }
        guard !MediaTypes.hasExtension(request.path) else { return false }
        if let mode = request.headers["Sec-Fetch-Mode"], mode.asciiCaseInsensitiveEquals("navigate") { return true }
        return request.headers.listElements("Accept").contains { element in
            element.split(separator: ";").first.map { $0.trimmingOWS().asciiCaseInsensitiveEquals("text/html") } ?? false
        }
    }
}
