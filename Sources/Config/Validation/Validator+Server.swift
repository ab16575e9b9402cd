/// `server:` and `cookies:` rules.
extension Validator {
    mutating func checkServer() {
        let server = config.server
        // Cloud Run sends SIGKILL 10 s after SIGTERM; draining must finish before that.
        if server.shutdownGrace >= .seconds(10) {
            report(.error, at: "server.shutdown_grace",
                "shutdown_grace must be below 10s (Cloud Run kills the container 10s after SIGTERM), found \(Self.describe(server.shutdownGrace))")
        }
        let limits = server.limits
        if limits.headerBytes < .kibibytes(1) {
            report(.error, at: "server.limits.header_bytes", "header_bytes must be at least 1KiB")
        }
        for (key, span) in [("header_timeout", limits.headerTimeout), ("body_timeout", limits.bodyTimeout), ("idle_timeout", limits.idleTimeout)]
        where span < .seconds(1) {
            report(.error, at: "server.limits.\(key)", "\(key) must be at least 1s, found \(Self.describe(span))")
        }
        if limits.maxConnections < config.scaling.concurrency {
            report(.warning, at: "server.limits.max_connections",
                "max_connections (\(limits.maxConnections)) is below scaling.concurrency (\(config.scaling.concurrency)): "
                    + "requests Cloud Run sends would wait in the backlog", inputs: ["scaling.concurrency"])
        }
        for (index, header) in server.headers.enumerated() {
            let path = "server.headers.\(header.name)"
            if !Self.isToken(header.name) {
                report(.error, at: path, key: true, "invalid header name '\(header.name)' (RFC 9110 §5.1: a token)")
            }
            if header.value.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) {
                report(.error, at: path, "header value must not contain CR, LF or NUL (RFC 9110 §5.5)")
            }
            _ = index
        }
    }

    mutating func checkCookies() {
        let c = config.cookies.session
        let base = "cookies.session"
        if !Self.isToken(c.name) {
            report(.error, at: "\(base).name", "invalid cookie name '\(c.name)' (RFC 6265 §4.1.1: a token)")
        }
        // RFC 6265bis §4.1.2.7: SameSite=None is rejected by browsers without Secure.
        if c.sameSite == .none && !c.secure {
            report(.error, at: "\(base).same_site", "same_site: none needs secure: true (browsers drop it otherwise)",
                inputs: ["\(base).secure"])
        }
        // RFC 6265bis §4.1.3.2: the __Host- prefix.
        if c.name.hasPrefix("__Host-") {
            if !c.secure {
                report(.error, at: "\(base).name", "a '__Host-' cookie needs secure: true", inputs: ["\(base).secure"])
            }
            if c.path != "/" {
                report(.error, at: "\(base).name", "a '__Host-' cookie needs path: /", inputs: ["\(base).path"])
            }
            if c.domain != nil {
                report(.error, at: "\(base).domain", "a '__Host-' cookie must not set a domain", inputs: ["\(base).name"])
            }
        } else if c.name.hasPrefix("__Secure-") && !c.secure {
            // RFC 6265bis §4.1.3.1.
            report(.error, at: "\(base).name", "a '__Secure-' cookie needs secure: true", inputs: ["\(base).secure"])
        }
        if !c.path.hasPrefix("/") {
            report(.error, at: "\(base).path", "cookie path must start with '/', found '\(c.path)'")
        }
        if let domain = c.domain {
            let bare = domain.hasPrefix(".") ? String(domain.dropFirst()) : domain
            let service = config.service.domain
            if bare != service && !service.hasSuffix("." + bare) {
                report(.error, at: "\(base).domain",
                    "cookie domain '\(domain)' must be the service domain '\(service)' or a parent of it "
                        + "(RFC 6265 §5.3: browsers ignore it otherwise)", inputs: ["service.domain"])
            } else if !bare.contains(".") {
                report(.error, at: "\(base).domain", "cookie domain '\(domain)' is a top-level domain; browsers reject it")
            }
        }
        if c.maxAge < .seconds(1) {
            report(.error, at: "\(base).max_age", "max_age must be at least 1s")
        }
    }

    /// RFC 9110 §5.6.2 token.
    static func isToken(_ text: String) -> Bool {
        guard !text.isEmpty else { return false }
        let extra: Set<Unicode.Scalar> = ["!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`", "|", "~"]
        return text.unicodeScalars.allSatisfy {
            ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || extra.contains($0)
        }
    }
}
