/// The header-level rules that decide how a request is framed, applied once the head is parsed.
///
/// These are the request-smuggling rules: a server and a proxy in front of it must never disagree
/// on where a request ends, so every ambiguous shape is rejected rather than interpreted.
enum HTTPFraming {
    static func makeHead(
        method: String, target: String, version: HTTPVersion, headers: HTTPHeaders, limits: HTTPParserLimits
    ) throws(HTTPParseError) -> HTTPRequestHead {
        // One pass to see which framing-relevant fields exist, so a plain GET allocates nothing here.
        var hostCount = 0
        var hasConnection = false, hasExpect = false, hasFraming = false
        headers.forEachField { field in
            let name = field.name
            switch name.count {
            case 4 where name.asciiCaseInsensitiveEquals("Host"): hostCount += 1
            case 6 where name.asciiCaseInsensitiveEquals("Expect"): hasExpect = true
            case 10 where name.asciiCaseInsensitiveEquals("Connection"): hasConnection = true
            case 14 where name.asciiCaseInsensitiveEquals("Content-Length"): hasFraming = true
            case 17 where name.asciiCaseInsensitiveEquals("Transfer-Encoding"): hasFraming = true
            default: break
            }
        }
        // RFC 9112 §3.2: a 1.1 request without Host, or with more than one, gets 400.
        if hostCount > 1 { throw .multipleHost }
        if hostCount == 0 && version == .http11 { throw .missingHost }

        let framing = hasFraming ? try bodyFraming(headers: headers, version: version, limits: limits) : .none

        // RFC 9112 §9.3: 1.1 persists unless `Connection: close`; 1.0 is closed after the response
        // (we do not offer 1.0 keep-alive, which keeps the rule simple and safe).
        let keepAlive = version == .http11 && !(hasConnection && headers.containsToken("Connection", "close"))

        // RFC 9110 §10.1.1: only `100-continue` is defined; a 1.0 request's Expect is ignored.
        var expectContinue = false
        if version == .http11 && hasExpect {
            let expectations = headers.listElements("Expect")
            for value in expectations {
                guard value.asciiCaseInsensitiveEquals("100-continue") else { throw .unsupportedExpectation }
                expectContinue = true
            }
        }
        return HTTPRequestHead(
            method: method, target: target, version: version, headers: headers, framing: framing,
            keepAlive: keepAlive, expectContinue: expectContinue)
    }

    /// RFC 9112 §6.1–§6.3.
    private static func bodyFraming(
        headers: HTTPHeaders, version: HTTPVersion, limits: HTTPParserLimits
    ) throws(HTTPParseError) -> BodyFraming {
        let transferEncodings = headers.values("Transfer-Encoding")
        let contentLengths = headers.values("Content-Length")
        if !transferEncodings.isEmpty {
            // RFC 9112 §6.1: both present is a smuggling shape; reject rather than pick one.
            if !contentLengths.isEmpty { throw .contentLengthWithTransferEncoding }
            // RFC 9112 §6.1: Transfer-Encoding in a 1.0 message means faulty framing.
            if version == .http10 { throw .transferEncodingInHTTP10 }
            let codings = headers.listElements("Transfer-Encoding")
            // RFC 9112 §6.1: a coding we do not know → 501.
            for coding in codings where !coding.asciiCaseInsensitiveEquals("chunked") {
                throw .unsupportedTransferCoding
            }
            // RFC 9112 §6.3 item 4: chunked must be final and, here, applied exactly once.
            guard codings.count == 1 else { throw .chunkedNotFinal }
            return .chunked
        }
        guard !contentLengths.isEmpty else { return .none }
        // RFC 9112 §6.3 item 5: a list of identical values is one value; differing or invalid → 400.
        guard let length = HTTPFieldSyntax.contentLength(contentLengths) else { throw .invalidContentLength }
        if length > limits.maxBodyBytes { throw .bodyTooLarge }
        return .length(length)
    }
}
