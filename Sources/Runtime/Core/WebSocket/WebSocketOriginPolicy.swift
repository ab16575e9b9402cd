/// Which `Origin` values may open a WebSocket (RFC 6455 §10.2, cross-site WebSocket hijacking).
///
/// A browser attaches the page's origin to every WebSocket handshake and sends the site's cookies
/// with it, so without this check any web page could open an authenticated socket to piloto. Allowed:
/// - `https://<service.domain>`, the one origin piloto serves;
/// - the route's `origins:` list, exactly as written (compared case-insensitively, since browsers
///   send scheme and host in lower case and the config may not);
/// - in dev mode only, `http://localhost[:port]`, `http://127.0.0.1[:port]` and `http://[::1][:port]`.
///
/// A request *without* `Origin` does not come from a browser, so it is no hijacking risk, but it is
/// also not something a production deployment of a browser app expects: it is allowed only when
/// `allowMissingOrigin` is true, which defaults to dev mode. The opaque origin `null` (sandboxed
/// frames, `file:` pages) is always refused.
package struct WebSocketOriginPolicy: Sendable, Equatable {
    /// Lower-cased allowed origins, in config order.
    package var allowedOrigins: [String]
    package var devMode: Bool
    package var allowMissingOrigin: Bool

    /// - Parameters:
    ///   - serviceOrigin: `https://<service.domain>` (`ServiceConfig.origin`).
    ///   - routeOrigins: the route's `origins:` list.
    ///   - devMode: also allow loopback `http` origins on any port.
    ///   - allowMissingOrigin: accept requests without `Origin`; nil means "same as devMode".
    package init(serviceOrigin: String, routeOrigins: [String] = [], devMode: Bool = false, allowMissingOrigin: Bool? = nil) {
        self.allowedOrigins = ([serviceOrigin] + routeOrigins).map { Self.normalize($0) }
        self.devMode = devMode
        self.allowMissingOrigin = allowMissingOrigin ?? devMode
    }

    /// True when `origin` (one header value, or nil when absent) may open a WebSocket.
    package func allows(_ origin: String?) -> Bool {
        guard let origin else { return allowMissingOrigin }
        let value = Self.normalize(origin)
        if value.isEmpty || value == "null" { return false }
        if allowedOrigins.contains(value) { return true }
        return devMode && Self.isLoopbackHTTP(value)
    }

    /// Trims whitespace and a trailing `/`, lower-cases (origins are ASCII serializations).
    private static func normalize(_ text: String) -> String {
        var value = WebSocketHeaderText.trim(text).lowercased()
        if value.hasSuffix("/") { value.removeLast() }
        return value
    }

    /// `http://localhost`, `http://127.0.0.1` or `http://[::1]`, optionally with `:<digits>`, nothing more.
    private static func isLoopbackHTTP(_ value: String) -> Bool {
        for host in ["http://localhost", "http://127.0.0.1", "http://[::1]"] where value.hasPrefix(host) {
            let rest = value.dropFirst(host.count)
            if rest.isEmpty { return true }
            guard rest.first == ":" else { continue }
            let port = rest.dropFirst()
            return !port.isEmpty && port.count <= 5 && port.allSatisfy { $0.isASCII && $0.isNumber }
        }
        return false
    }
}

/// Header-text helpers private to the WebSocket layer (kept off `String` so they cannot clash with
/// the HTTP layer's own extensions).
enum WebSocketHeaderText {
    /// `text` without leading and trailing spaces and tabs (HTTP optional whitespace, RFC 9110 §5.6.3).
    static func trim(_ text: some StringProtocol) -> String {
        var slice = Substring(text)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
