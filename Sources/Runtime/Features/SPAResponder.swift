/// Static and SPA lookup: the file if it exists; for an SPA, `index.html` for page navigations.
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

    /// A page navigation: GET/HEAD on a path without a file extension, unless the request's
    /// `Accept` excludes HTML. A missing `/assets/app-1a2b.js` is therefore a 404, never index.html
    /// with a 200 (which would be cached as JavaScript).
    ///
    /// Why not "only when Accept names text/html": curl sends `Accept: */*`, uptime checks and chat
    /// apps' link-preview fetchers send `*/*` or nothing, and they got a 404 for a page a browser
    /// opens fine (issue 12, item 8). An API-style fetch (`Accept: application/json`) still gets
    /// the JSON 404, so a typo in a fetch URL does not come back as a page.
    package static func isNavigation(_ request: HTTPRequest) -> Bool {
        guard request.method == "GET" || request.method == "HEAD" else { return false }
        guard !MediaTypes.hasExtension(request.path) else { return false }
        if let mode = request.headers["Sec-Fetch-Mode"], mode.asciiCaseInsensitiveEquals("navigate") { return true }
        guard request.headers["Accept"] != nil else { return true }
        return acceptsHTML(request.headers.listElements("Accept"))
    }

    /// True when one media range of `Accept` matches `text/html` — `text/html`, `text/*` or `*/*` —
    /// with a weight above zero (RFC 9110 §12.5.1: `q=0` means "not acceptable").
    package static func acceptsHTML(_ ranges: [String]) -> Bool {
        ranges.contains { element in
            let parts = element.split(separator: ";", omittingEmptySubsequences: false)
            let range = (parts.first ?? "").trimmingOWS()
            guard range.asciiCaseInsensitiveEquals("text/html") || range.asciiCaseInsensitiveEquals("text/*")
                || range == "*/*"
            else { return false }
            return !parts.dropFirst().contains { parameter in
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingOWS() }
                guard pair.count == 2, pair[0].asciiCaseInsensitiveEquals("q") else { return false }
                return pair[1].allSatisfy { $0 == "0" || $0 == "." }
            }
        }
    }
}
