/// The head of a proxied response as the client gets it.
package enum ProxyResponseWriter {
    /// `HTTP/1.1 <status> <reason>`, `Connection: close` when the client connection ends after
    /// this response (`close`, or `framing == .close`), `extraFieldLines` (the serializer's
    /// `server.headers`, e.g. security headers; the caller drops upstream copies it overrides),
    /// the upstream's filtered fields (`ProxyResponseHeaders.filter`), then the framing field of
    /// `framing` (`Transfer-Encoding: chunked`), then the blank line.
    ///
    /// CR, LF and NUL never reach here: the response parser rejected them in the upstream's head.
    /// An empty reason gets the standard one, so the status line always has one.
    package static func head(
        status: Int, reason: String, fields: [(name: String, value: String)], framing: ClientFraming, close: Bool,
        extraFieldLines: [UInt8] = []
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        let phrase = reason.isEmpty ? HTTPStatus(status).reason : reason
        out.append(contentsOf: "HTTP/1.1 \(status) \(phrase)\r\n".utf8)
        if close || framing == .close { out.append(contentsOf: "Connection: close\r\n".utf8) }
        out.append(contentsOf: extraFieldLines)
        ProxyRequestWriter.appendFieldLines(fields, to: &out)
        if let extra = framing.field { out.append(contentsOf: "\(extra.name): \(extra.value)\r\n".utf8) }
        out.append(contentsOf: "\r\n".utf8)
        return out
    }
}
