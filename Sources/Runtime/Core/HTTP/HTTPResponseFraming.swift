/// The header-level rules that decide how an upstream response is framed (RFC 9112 §6.3) and
/// whether its connection can be reused (§9.3), applied once the head is parsed.
///
/// Responses are read more leniently than requests where the RFC says how to recover (TE wins
/// over CL, a non-chunked TE reads until close) and strictly where guessing would desync a pooled
/// connection (differing Content-Lengths, `chunked` twice): then the response is an error (502).
enum HTTPResponseFramingRules {
    static func makeHead(
        version: HTTPVersion, status: Int, reason: String, headers: HTTPHeaders, toHead: Bool
    ) throws(HTTPResponseParseError) -> HTTPResponseHead {
        // One pass to see which framing-relevant fields exist, so a plain response allocates nothing here.
        var hasConnection = false, hasTransferEncoding = false
        // How many Content-Length fields, and the first one's value read in place: the list of
        // Strings is only built for a second one (rare, and an error unless equal).
        var lengthCount = 0
        var firstLength: Int?
        headers.forEachField { field in
            let name = field.name
            switch name.count {
            case 10 where name.asciiCaseInsensitiveEquals("Connection"): hasConnection = true
            case 14 where name.asciiCaseInsensitiveEquals("Content-Length"):
                if lengthCount == 0 { firstLength = HTTPFieldSyntax.contentLength(single: field.value) }
                lengthCount += 1
            case 17 where name.asciiCaseInsensitiveEquals("Transfer-Encoding"): hasTransferEncoding = true
            default: break
            }
        }
        let hasLength = lengthCount > 0
        // RFC 9112 §9.3: 1.1 persists unless `Connection: close`; a 1.0 upstream is not reused (we
        // never ask it for keep-alive).
        var keepAlive = version == .http11 && !(hasConnection && headers.containsToken("Connection", "close"))
        func head(_ framing: ResponseFraming) -> HTTPResponseHead {
            HTTPResponseHead(
                version: version, status: status, reason: reason, headers: headers, framing: framing, keepAlive: keepAlive)
        }
        // RFC 9110 §15.2.2: after 101 the connection is the tunnel's.
        if status == 101 {
            keepAlive = false
            return head(.none)
        }
        // RFC 9112 §6.3 items 1–2: a response to HEAD, any 1xx, 204 and 304 end at the head,
        // whatever Content-Length or Transfer-Encoding say (they describe the GET's body).
        if toHead || status < 200 || status == 204 || status == 304 { return head(.none) }
        if hasTransferEncoding {
            let codings = headers.listElements("Transfer-Encoding")
            guard let last = codings.last else { throw .invalidTransferEncoding }
            // RFC 9112 §6.1: a sender MUST NOT apply chunked more than once; twice means the
            // upstream's framing cannot be trusted.
            let chunkedCount = codings.count { $0.asciiCaseInsensitiveEquals("chunked") }
            if chunkedCount > 1 { throw .invalidTransferEncoding }
            // RFC 9112 §6.3 item 3: with both, TE wins and the connection MUST be closed after.
            if hasLength { keepAlive = false }
            // RFC 9112 §6.1: TE in a 1.0 message is faulty framing; read it, then close.
            if version == .http10 { keepAlive = false }
            if last.asciiCaseInsensitiveEquals("chunked") { return head(.chunked) }
            // RFC 9112 §6.3 item 4: a final coding other than chunked is read until close.
            keepAlive = false
            return head(.untilClose)
        }
        if hasLength {
            // RFC 9112 §6.3 item 5: differing or invalid values are an unrecoverable error.
            let parsed = lengthCount == 1 ? firstLength : HTTPFieldSyntax.contentLength(headers.values("Content-Length"))
            guard let length = parsed, length < Int.max else {
                throw .invalidContentLength
            }
            return head(length == 0 ? .none : .length(length))
        }
        // RFC 9112 §6.3 item 8: no framing header → the body runs until the upstream closes.
        keepAlive = false
        return head(.untilClose)
    }
}
