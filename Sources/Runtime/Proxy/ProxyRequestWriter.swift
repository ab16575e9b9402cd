/// Serialises the request piloto sends upstream: always a fresh HTTP/1.1 message with piloto's own
/// framing, never the client's bytes (the request-smuggling defence: the upstream can only
/// disagree with piloto about where a request ends if it is sent something ambiguous).
package enum ProxyRequestWriter {
    /// `method SP target SP HTTP/1.1`, the given fields (from `ProxyRequestHeaders.build`, which
    /// already dropped every client framing field), then `Content-Length` when there is a body or
    /// the method defines one (POST/PUT/PATCH send `Content-Length: 0`, as RFC 9110 §8.6 advises
    /// for a method that expects content), then the body. Never chunked: a body that streams in
    /// uses `head(…, contentLength:)` with the length the client declared.
    package static func serialize(
        method: String, target: String, headers: [(name: String, value: String)], body: [UInt8]
    ) -> [UInt8] {
        var out = head(method: method, target: target, headers: headers, contentLength: bodyLength(method: method, body.count))
        out.append(contentsOf: body)
        return out
    }

    /// Only the head, for a body forwarded as it arrives: `contentLength` nil sends none.
    package static func head(
        method: String, target: String, headers: [(name: String, value: String)], contentLength: Int?
    ) -> [UInt8] {
        head(method: method, target: target, contentLength: contentLength) { out in appendFieldLines(headers, to: &out) }
    }

    /// The head with its fields written by `fields` straight into the bytes (the proxy's own
    /// path: `ProxyRequestHeaders.forEachField`, no array of pairs), then `Content-Length` when
    /// given, then the blank line. `reserve` extra bytes are reserved beyond piloto's own lines:
    /// the client's field lines (`HTTPHeaders.lineBytes`; a browser's easily pass the 384 of the
    /// rest, and growing the array was one more allocation and copy per request) and a body that
    /// follows.
    static func head(
        method: String, target: String, contentLength: Int?, reserve: Int = 0, fields: (inout [UInt8]) -> Void
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384 + reserve)
        out.appendUTF8(method)
        out.append(0x20)
        out.appendUTF8(target)
        out.appendUTF8(" HTTP/1.1\r\n")
        fields(&out)
        if let contentLength { out.appendField("Content-Length", decimal: contentLength) }
        out.append(0x0D)
        out.append(0x0A)
        return out
    }

    /// `name: value CRLF` per field (shared with `ProxyResponseWriter`).
    static func appendFieldLines(_ fields: [(name: String, value: String)], to out: inout [UInt8]) {
        for field in fields { out.appendField(field.name, field.value) }
    }

    /// nil (no Content-Length) for a bodiless GET, HEAD, DELETE, OPTIONS…; a body's length otherwise.
    package static func bodyLength(method: String, _ count: Int) -> Int? {
        if count > 0 { return count }
        switch method {
        case "POST", "PUT", "PATCH": return 0
        default: return nil
        }
    }
}

/// Maps the request path onto the upstream's.
package enum ProxyTarget {
    /// The upstream request-target: `basePath` (from `upstream: http://host:port/base`, may be
    /// empty) + the request path, without `routePrefix` when `stripPrefix` (`/api/clientes/7` on
    /// route `/api/clientes` → `/7`; the route root itself → `/`), then `?query` when there is one.
    ///
    /// `requestPath` is the path as the client sent it (percent-encoding kept, so `%2F` is never
    /// turned into a separator on the way); the router matched `routePrefix` on a segment
    /// boundary. A trailing `/` on `basePath` is not doubled.
    package static func path(
        requestPath: String, query: String?, routePrefix: String, stripPrefix: Bool, basePath: String
    ) -> String {
        var rest = requestPath
        if stripPrefix {
            let prefix = routePrefix.hasSuffix("/") ? String(routePrefix.dropLast()) : routePrefix
            if rest.hasPrefix(prefix) {
                let tail = rest.dropFirst(prefix.count)
                if tail.isEmpty { rest = "/" } else if tail.hasPrefix("/") { rest = String(tail) }
            }
        }
        if rest.isEmpty || !rest.hasPrefix("/") { rest = "/" + rest }
        var base = basePath
        while base.hasSuffix("/") { base.removeLast() }
        if !base.isEmpty && !base.hasPrefix("/") { base = "/" + base }
        var out = base + rest
        if let query { out += "?" + query }
        return out
    }
}
