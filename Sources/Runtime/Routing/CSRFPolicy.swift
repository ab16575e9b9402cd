/// Cross-site request forgery defence for `/api` routes, without tokens.
///
/// Browsers send the session cookie with cross-site form posts when `SameSite` is `None` or (for
/// top-level navigations) `Lax`, so unsafe requests must prove they come from our own pages:
/// - `Origin` present (every browser sends it on cross-origin and on same-origin non-GET fetches,
///   RFC 6454 §7.3 / Fetch): it must be `https://<service.domain>` (in dev mode also loopback
///   `http://localhost:*`, `127.0.0.1`, `[::1]`); `null` is always refused.
/// - `Origin` absent: `Sec-Fetch-Site` (W3C Fetch Metadata) must not be `cross-site` **nor
///   `same-site`**. `same-site` means a sibling subdomain, which in piloto's one-origin design is
///   never ours (and a taken-over subdomain is a classic CSRF source). Absent both, the request is
///   not from a modern browser page (curl, a server), which CSRF cannot abuse: allowed.
///
/// Safe methods (GET, HEAD, OPTIONS, TRACE; RFC 9110 §9.2.1) are never checked, so reads pay nothing.
/// Every other method, including ones we do not know, counts as unsafe.
package struct CSRFPolicy: Sendable {
    private let origins: WebSocketOriginPolicy

    package init(serviceOrigin: String, devMode: Bool) {
        origins = WebSocketOriginPolicy(serviceOrigin: serviceOrigin, devMode: devMode, allowMissingOrigin: true)
    }

    /// True for routes under `/api` (on a segment boundary), the only ones checked.
    package static func protects(routePath: String) -> Bool {
        routePath == "/api" || routePath.hasPrefix("/api/")
    }

    /// RFC 9110 §9.2.1 safe methods.
    package static func isSafe(_ method: String) -> Bool {
        method == "GET" || method == "HEAD" || method == "OPTIONS" || method == "TRACE"
    }

    /// Why the request is refused, or nil when it may proceed. Call only for unsafe methods.
    package func refusal(_ request: HTTPRequest) -> String? {
        let headers = request.headers
        if let origin = headers["Origin"] {
            return origins.allows(origin) ? nil : "cross-origin request refused"
        }
        if let site = headers["Sec-Fetch-Site"]?.trimmingOWS() {
            if site.asciiCaseInsensitiveEquals("cross-site") || site.asciiCaseInsensitiveEquals("same-site") {
                return "cross-site request refused"
            }
        }
        return nil
    }
}
