/// How the body of a request is delimited (RFC 9112 §6.3).
package enum BodyFraming: Sendable, Equatable {
    /// No body (no Content-Length, no Transfer-Encoding).
    case none
    case length(Int)
    case chunked
}

/// A parsed request line and header section, with the framing facts the connection needs.
package struct HTTPRequestHead: Sendable, Equatable {
    package var method: String
    /// The request target exactly as sent (normalize with `RequestTarget`).
    package var target: String
    package var version: HTTPVersion
    package var headers: HTTPHeaders
    package var framing: BodyFraming
    /// False for HTTP/1.0 and for `Connection: close` (RFC 9112 §9.3).
    package var keepAlive: Bool
    /// `Expect: 100-continue` on HTTP/1.1 (RFC 9110 §10.1.1; ignored on 1.0).
    package var expectContinue: Bool

    package var isHead: Bool { method == "HEAD" }
}

/// What the parser hands out, in order: one head, zero or more body pieces, one end.
package enum HTTPParserEvent: Sendable, Equatable {
    case head(HTTPRequestHead)
    case body([UInt8])
    case end
}

/// The limits the parser enforces while bytes stream in (from `server.limits`).
package struct HTTPParserLimits: Sendable, Equatable {
    /// Request line plus header lines, CRLFs included.
    package var maxHeadBytes: Int
    package var maxHeaderCount: Int
    package var maxBodyBytes: Int
    /// A chunk-size line, extensions included; beyond → 400.
    package var maxChunkLineBytes: Int

    package init(maxHeadBytes: Int, maxHeaderCount: Int, maxBodyBytes: Int, maxChunkLineBytes: Int = 1024) {
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
    }

    package static let standard = HTTPParserLimits(maxHeadBytes: 32 * 1024, maxHeaderCount: 100, maxBodyBytes: 1 << 20)
}
