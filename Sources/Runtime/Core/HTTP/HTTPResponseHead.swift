/// How the body of an upstream response is delimited (RFC 9112 §6.3).
package enum ResponseFraming: Sendable, Equatable {
    /// No body: a response to HEAD, 1xx, 204, 304, or `Content-Length: 0`.
    case none
    case length(Int)
    case chunked
    /// Read until the upstream closes (no framing header, or a Transfer-Encoding whose last coding
    /// is not chunked): the connection cannot be reused.
    case untilClose
}

/// A parsed upstream status line and header section, with the framing facts the proxy needs.
package struct HTTPResponseHead: Sendable, Equatable {
    package var version: HTTPVersion = .http11
    package var status: Int
    /// As sent (may be empty); clients ignore it (RFC 9112 §4).
    package var reason: String
    /// Every field as received, in order, hop-by-hop ones included: filtering is the proxy's job.
    package var headers: HTTPHeaders
    package var framing: ResponseFraming
    /// True when the upstream connection may carry another request once this body ends: HTTP/1.1
    /// without `Connection: close`, with a self-delimiting body, and no CL+TE conflict.
    package var keepAlive: Bool
}

/// What the response parser hands out, in order: one head, zero or more body pieces, one end
/// (a 101 head has no end: what follows belongs to the tunnel).
package enum HTTPResponseEvent {
    case head(HTTPResponseHead)
    /// Body bytes pointing into the buffer given to `parse`: valid only inside the callback (zero
    /// copy, so a 1 GiB download never goes through a parser-owned buffer). Chunked bodies arrive
    /// de-chunked.
    case body(UnsafeRawBufferPointer)
    case end
}

/// The callback's answer: `.stop` makes `parse` return at once (back-pressure, end of a response,
/// a tunnel), leaving the remaining bytes with the caller.
package enum ParseControl: Sendable, Equatable {
    case proceed
    case stop
}

/// Bounds on what an upstream may make the parser hold.
package struct HTTPResponseParserLimits: Sendable, Equatable {
    /// Status line plus header lines, CRLFs included, plus any interim (1xx) heads before them;
    /// also bounds the trailer section.
    package var maxHeadBytes: Int
    package var maxHeaderCount: Int
    /// A chunk-size line, extensions included.
    package var maxChunkLineBytes: Int

    package init(maxHeadBytes: Int = 64 * 1024, maxHeaderCount: Int = 100, maxChunkLineBytes: Int = 1024) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxChunkLineBytes = maxChunkLineBytes
    }
}
