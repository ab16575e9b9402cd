/// Header hygiene for `handler: proxy`, both ways (docs/proxy.md; RFC 9110 §7.6.1).
///
/// Order matters: first every hop-by-hop field and every field the sender listed in `Connection`
/// is dropped, together with client copies of what piloto itself asserts (forwarding and identity
/// headers); only then piloto adds its own. So a client cannot use `Connection: X-Forwarded-For`
/// or `Connection: X-Piloto-Assertion` to strip what piloto adds (Traefik CVE-2024-45410,
/// CVE-2021-32813), nor smuggle in a forged `X-Piloto-User` or `X-Forwarded-For` (Caddy
/// GHSA-7r4p-vjf4-gxv4).
package enum ProxyRequestHeaders {
    /// The request fields to send upstream, in order: the client's end-to-end fields (its `Host`
    /// included, see below), then `X-Forwarded-For`, `X-Forwarded-Proto`, `X-Forwarded-Host`,
    /// `Forwarded`, then `identity` (e.g. `X-Piloto-Assertion`).
    ///
    /// `host`: the client's Host (the Host field is replaced by this value and comes first). Why
    /// the client's and not the upstream's: apps build absolute URLs and cookies from it, which is
    /// what nginx users get with `proxy_set_header Host $host` and Caddy by default; uvicorn
    /// ignores it. `clientIP` comes from `ClientIP.resolve`; `proto` is `https` or `http`.
    /// `websocket`: the caller checked `Upgrade: websocket` is allowed here; it is then sent as
    /// `Upgrade: websocket` + `Connection: Upgrade` (any other upgrade is never forwarded).
    ///
    /// Also dropped: `Content-Length` (the writer frames the body itself) and `Expect` (piloto
    /// answers `100-continue` itself).
    package static func build(
        from headers: HTTPHeaders, clientIP: String, proto: String, host: String,
        identity: [(name: String, value: String)], websocket: Bool = false
    ) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(headers.count + 6 + identity.count)
        let forwarded = forwarded(for: clientIP, proto: proto, host: host)
        forEachField(
            from: headers, clientIP: clientIP, proto: proto, host: host, forwarded: forwarded, identity: identity,
            websocket: websocket, own: { out.append(($0, $1)) },
            client: { out.append($0.strings) })
        return out
    }

    /// `build`'s fields, handed over one by one in the same order (the proxy writes them straight
    /// into the request bytes: no array of pairs and no String per client field). piloto's own
    /// fields go to `own`; each kept client field goes to `client` as its bytes (its `line` is
    /// ready for the wire: the request parser rejected CR, LF and NUL). `forwarded` is
    /// `forwarded(for: clientIP, proto: proto, host: host)`, given so a caller can reuse it.
    static func forEachField(
        from headers: HTTPHeaders, clientIP: String, proto: String, host: String, forwarded: String,
        identity: [(name: String, value: String)], websocket: Bool, own: (String, String) -> Void,
        client: (HTTPFieldBytes) -> Void
    ) {
        let nominated = ProxyHopByHop.nominatedLengths(headers)
        own("Host", host)
        headers.forEachField { field in
            let name = field.name
            if ProxyHopByHop.isHopByHop(name) || ProxyHopByHop.isNominated(name, by: headers, lengths: nominated) { return }
            if isPilotoAsserted(name) || isReplaced(name) { return }
            client(field)
        }
        if websocket {
            own("Upgrade", "websocket")
            own("Connection", "Upgrade")
        }
        own("X-Forwarded-For", clientIP)
        own("X-Forwarded-Proto", proto)
        own("X-Forwarded-Host", host)
        own("Forwarded", forwarded)
        for field in identity { own(field.name, field.value) }
    }

    /// RFC 7239 §4: `for=…;proto=…;host=…`, each value a token or a quoted-string; an IPv6
    /// address is bracketed and therefore quoted (§6: `for="[2001:db8::1]"`), a host with a port
    /// is quoted (`:` is not a token character). Built as bytes (`"` and `\\` are single bytes in
    /// UTF-8, never part of a longer sequence, so escaping byte-wise is escaping scalar-wise).
    package static func forwarded(for clientIP: String, proto: String, host: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(clientIP.utf8.count + proto.utf8.count + host.utf8.count + 24)
        out.append(contentsOf: "for=".utf8)
        if clientIP.utf8.contains(UInt8(ascii: ":")) && clientIP.utf8.first != UInt8(ascii: "[") {
            appendQuoted(clientIP, bracketed: true, to: &out)
        } else {
            appendTokenOrQuoted(clientIP, to: &out)
        }
        out.append(contentsOf: ";proto=".utf8)
        appendTokenOrQuoted(proto, to: &out)
        out.append(contentsOf: ";host=".utf8)
        appendTokenOrQuoted(host, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Forwarding and identity fields only piloto may assert: `Forwarded`, `X-Forwarded-*`,
    /// `X-Real-IP` and every `X-Piloto-*`.
    ///
    /// Length and first byte are tested here before any comparison: these run for every client
    /// field, and each comparison is a call into another module (`package` code is not inlined
    /// across modules).
    static func isPilotoAsserted(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard name.count >= 9 else { return false }
        if name.count == 9 && (name.asciiCaseInsensitiveEquals("Forwarded") || name.asciiCaseInsensitiveEquals("X-Real-IP")) {
            return true
        }
        return (name[0] | 0x20) == UInt8(ascii: "x") && (name.hasASCIIPrefix("x-forwarded-") || name.hasASCIIPrefix("x-piloto-"))
    }

    /// `Host` (replaced by piloto's), `Content-Length` (the writer frames the body) and `Expect`
    /// (piloto answers `100-continue` itself); only the name of the same length is compared.
    private static func isReplaced(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 4: name.asciiCaseInsensitiveEquals("Host")
        case 6: name.asciiCaseInsensitiveEquals("Expect")
        case 14: name.asciiCaseInsensitiveEquals("Content-Length")
        default: false
        }
    }

    private static func appendTokenOrQuoted(_ value: String, to out: inout [UInt8]) {
        if !value.isEmpty && value.utf8.allSatisfy(HTTPChars.isToken) {
            out.append(contentsOf: value.utf8)
        } else {
            appendQuoted(value, bracketed: false, to: &out)
        }
    }

    /// `"value"` (or `"[value]"`), with `"` and `\\` escaped.
    private static func appendQuoted(_ value: String, bracketed: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if bracketed { out.append(UInt8(ascii: "[")) }
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
            out.append(byte)
        }
        if bracketed { out.append(UInt8(ascii: "]")) }
        out.append(UInt8(ascii: "\""))
    }
}

/// Filtering of the upstream's response fields before they reach the client.
package enum ProxyResponseHeaders {
    /// Drops `Connection`, `Keep-Alive`, `Transfer-Encoding`, `TE`, `Trailer`, `Upgrade`, every
    /// `Proxy-*` and each field the upstream listed in `Connection` (piloto frames the client's
    /// response itself). `Content-Length` is dropped too when `Transfer-Encoding` was present
    /// (RFC 9112 §6.3 item 3: an intermediary MUST remove it). `tunnel`: for a 101 to a WebSocket
    /// upgrade, `Upgrade` and `Connection: Upgrade` are kept (sent as `Upgrade: websocket`).
    package static func filter(_ headers: HTTPHeaders, tunnel: Bool = false) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(headers.count)
        forEachKept(headers) { out.append($0.strings) }
        if tunnel {
            out.append(("Upgrade", "websocket"))
            out.append(("Connection", "Upgrade"))
        }
        return out
    }

    /// `filter`'s fields (without the tunnel's), handed to `body` in order as their bytes: the
    /// proxy copies each kept line straight into the client's head, with no array of pairs and no
    /// String per field.
    static func forEachKept(_ headers: HTTPHeaders, _ body: (HTTPFieldBytes) -> Void) {
        let nominated = ProxyHopByHop.nominatedLengths(headers)
        let hadTransferEncoding = headers.contains("Transfer-Encoding")
        headers.forEachField { field in
            let name = field.name
            if ProxyHopByHop.isHopByHop(name) || (name.count >= 6 && (name[0] | 0x20) == UInt8(ascii: "p") && name.hasASCIIPrefix("proxy-")) {
                return
            }
            if ProxyHopByHop.isNominated(name, by: headers, lengths: nominated) { return }
            if hadTransferEncoding && name.asciiCaseInsensitiveEquals("Content-Length") { return }
            body(field)
        }
    }
}

/// The hop-by-hop set of RFC 9110 §7.6.1 plus the de-facto ones (Go's httputil list, which Caddy
/// uses): meaningful for one connection only, never forwarded. `Connection`, `Keep-Alive`,
/// `Proxy-Connection`, `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, `Proxy-Authorization`,
/// `Proxy-Authenticate`.
enum ProxyHopByHop {
    /// Only the names of the same length are compared: this runs for every field both ways (it was
    /// nine comparisons per field).
    static func isHopByHop(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        switch name.count {
        case 2: name.asciiCaseInsensitiveEquals("TE")
        case 7: name.asciiCaseInsensitiveEquals("Trailer") || name.asciiCaseInsensitiveEquals("Upgrade")
        case 10: name.asciiCaseInsensitiveEquals("Connection") || name.asciiCaseInsensitiveEquals("Keep-Alive")
        case 16: name.asciiCaseInsensitiveEquals("Proxy-Connection")
        case 17: name.asciiCaseInsensitiveEquals("Transfer-Encoding")
        case 18: name.asciiCaseInsensitiveEquals("Proxy-Authenticate")
        case 19: name.asciiCaseInsensitiveEquals("Proxy-Authorization")
        default: false
        }
    }

    /// The lengths of the names the sender's `Connection` field lists (`keep-alive`: just 10), for
    /// `isNominated`. The list is matched in place: splitting it into Strings was allocations per
    /// message, and searching it for every field a scan per field.
    static func nominatedLengths(_ headers: HTTPHeaders) -> UInt64 {
        headers.listElementLengths("Connection")
    }

    /// True when the sender nominated `name` in its `Connection` field; the list is searched only
    /// when a listed name has `name`'s length (`lengths` from `nominatedLengths`).
    static func isNominated(_ name: UnsafeBufferPointer<UInt8>, by headers: HTTPHeaders, lengths: UInt64) -> Bool {
        lengths & HTTPHeaders.lengthBit(name.count) != 0 && headers.containsToken("Connection", name)
    }
}
