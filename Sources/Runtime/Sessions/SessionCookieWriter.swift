import PilotoConfig

/// `Set-Cookie` values for the session cookie, exactly as `cookies.session` says (RFC 6265 §4.1).
///
/// Attribute order is fixed (`Path`, `Max-Age`, `Domain`, `HttpOnly`, `Secure`, `SameSite`) so the
/// header is byte-for-byte predictable. `Domain` appears only when configured: without it the cookie
/// is host-only, the strict choice for one origin (RFC 6265 §5.3 step 6). `Max-Age` rather than
/// `Expires`, since it needs no clock agreement with the browser (RFC 6265 §4.1.2.2).
package struct SessionCookieWriter: Sendable {
    package let cookie: SessionCookie

    package init(_ cookie: SessionCookie) { self.cookie = cookie }

    /// The cookie that carries `id` for `cookies.session.max_age`.
    package func set(id: String) -> String { render(value: id, maxAgeSeconds: cookie.maxAge.milliseconds / 1000) }

    /// Tells the browser to drop the cookie now: empty value, `Max-Age=0`, same attributes (a
    /// cookie is only replaced when name, domain and path match, RFC 6265 §5.3 step 11).
    package func expire() -> String { render(value: "", maxAgeSeconds: 0) }

    private func render(value: String, maxAgeSeconds: Int64) -> String {
        var text = "\(cookie.name)=\(value); Path=\(cookie.path); Max-Age=\(max(0, maxAgeSeconds))"
        if let domain = cookie.domain, !domain.isEmpty { text += "; Domain=\(domain)" }
        if cookie.httpOnly { text += "; HttpOnly" }
        if cookie.secure { text += "; Secure" }
        text += "; SameSite=\(cookie.sameSite.attributeValue)"
        return text
    }
}
