/// Everything the upstream response parser can reject, one case per rule.
///
/// Every case means the upstream connection is unusable and must be closed. At the proxy boundary
/// each maps to 502 when no response byte has reached the client yet, else to aborting the client
/// connection (never a truncated response that looks complete).
package enum HTTPResponseParseError: Error, Equatable, Sendable {
    /// Status line is not `HTTP-version SP 3DIGIT SP reason` (RFC 9112 §4).
    case invalidStatusLine
    /// A version other than HTTP/1.0 or HTTP/1.1.
    case unsupportedVersion
    /// Status code outside 100...599.
    case invalidStatus
    /// Status line and fields together exceed `maxHeadBytes` (interim 1xx heads before it
    /// included, so endless `100 Continue`s end too), or the trailers do.
    case headTooLarge
    /// More fields than `maxHeaderCount`.
    case tooManyHeaders
    /// A line ends with LF alone (RFC 9112 §2.2: we do not take the MAY, the same as for requests).
    case invalidLineEnding
    /// Field name empty or not a token (RFC 9110 §5.1).
    case invalidHeaderName
    /// `Name : value` (RFC 9112 §5.1).
    case whitespaceBeforeColon
    /// A line starting with SP/HTAB (RFC 9112 §5.2: obs-fold is rejected).
    case obsoleteLineFolding
    /// A control byte in a field value or the reason phrase (RFC 9110 §5.5).
    case invalidHeaderValue
    /// Content-Length not decimal, too large, or a list of differing values (RFC 9112 §6.3 item 5).
    case invalidContentLength
    /// An empty Transfer-Encoding, or `chunked` applied more than once (RFC 9112 §6.1).
    case invalidTransferEncoding
    /// A chunk-size line that is not hex, longer than 15 digits, or too long (RFC 9112 §7.1).
    case invalidChunkSize
    /// Chunk data not followed by CRLF (RFC 9112 §7.1).
    case invalidChunkFraming
    /// Bytes after a complete response, before `expectResponse` was called for the next request:
    /// the upstream sent more than was asked for (the response already delivered stands).
    case unsolicitedBytes
    /// The upstream closed before sending a single byte of the response (on a reused connection
    /// this is the keep-alive race; whether a retry is allowed is the retry policy's call).
    case closedBeforeResponse
    /// The upstream closed in the middle of a head, or of a length-delimited or chunked body.
    case truncated
}
