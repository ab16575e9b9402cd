/// Everything the request parser can reject, one case per rule, each mapped to a status once.
///
/// Every parse error ends the connection: after a framing error the parser cannot know where the
/// next request starts, so the answer always carries `Connection: close` (RFC 9112 §11.2).
package enum HTTPParseError: Error, Equatable, Sendable {
    /// Request line is not `method SP target SP version` (RFC 9112 §3).
    case invalidRequestLine
    /// Method is not a token (RFC 9110 §9.1).
    case invalidMethod
    /// Target contains bytes outside visible ASCII (RFC 9112 §3.2).
    case invalidTarget
    /// A well-formed version other than 1.0/1.1 (RFC 9112 §2.3).
    case unsupportedVersion
    /// The version field is not `HTTP/DIGIT.DIGIT`.
    case invalidVersion
    /// The request line alone exceeds the head budget (RFC 9112 §3: 414).
    case requestLineTooLong
    /// Request line and fields together exceed `server.limits.header_bytes`.
    case headersTooLarge
    /// More fields than `server.limits.max_header_count`.
    case tooManyHeaders
    /// A line ends with LF alone, or contains a bare CR (RFC 9112 §2.2).
    case invalidLineEnding
    /// Field name empty or not a token (RFC 9110 §5.1).
    case invalidHeaderName
    /// `Name : value` — whitespace between name and colon (RFC 9112 §5.1).
    case whitespaceBeforeColon
    /// A line starting with SP/HTAB, obsolete line folding (RFC 9112 §5.2).
    case obsoleteLineFolding
    /// A field value with a control character (RFC 9110 §5.5).
    case invalidHeaderValue
    /// HTTP/1.1 without Host (RFC 9112 §3.2).
    case missingHost
    /// More than one Host field (RFC 9112 §3.2).
    case multipleHost
    /// Both Content-Length and Transfer-Encoding (RFC 9112 §6.1: a smuggling shape).
    case contentLengthWithTransferEncoding
    /// Content-Length not a decimal number, or list values that differ (RFC 9112 §6.3).
    case invalidContentLength
    /// A transfer coding other than `chunked` (RFC 9112 §6.1: 501).
    case unsupportedTransferCoding
    /// `chunked` present but not the final (only) coding (RFC 9112 §6.3 item 4).
    case chunkedNotFinal
    /// Transfer-Encoding in an HTTP/1.0 request (RFC 9112 §6.1: faulty framing).
    case transferEncodingInHTTP10
    /// Declared or received body beyond `server.limits.body_bytes`.
    case bodyTooLarge
    /// A chunk-size line that is not hex, too long, or otherwise malformed (RFC 9112 §7.1).
    case invalidChunkSize
    /// Chunk data not followed by CRLF (RFC 9112 §7.1).
    case invalidChunkFraming
    /// An `Expect` value other than `100-continue` (RFC 9110 §10.1.1: 417).
    case unsupportedExpectation

    /// The status sent for this error.
    package var status: HTTPStatus {
        switch self {
        case .requestLineTooLong: .uriTooLong
        case .headersTooLarge, .tooManyHeaders: .headerFieldsTooLarge
        case .unsupportedVersion: .versionNotSupported
        case .unsupportedTransferCoding: .notImplemented
        case .bodyTooLarge: .contentTooLarge
        case .unsupportedExpectation: .expectationFailed
        default: .badRequest
        }
    }
}
