/// How a proxied response is framed towards the client, and the chunked coding (RFC 9112 §7.1)
/// for the bodies whose length is unknown when the head goes out.
///
/// Why re-frame instead of relaying: the upstream's framing fields are hop-by-hop
/// (`ProxyResponseHeaders.filter` drops them), and piloto must be the one that decides where each
/// response ends on the client connection, whatever the upstream sent.
package enum ClientFraming: Sendable, Equatable {
    /// No body (HEAD, 1xx, 204, 304): the upstream's Content-Length, if any, is passed as it was.
    case none
    /// `Content-Length: n` (kept from the upstream); body bytes relayed as they come.
    case length(Int)
    /// `Transfer-Encoding: chunked`: each body piece becomes one chunk, flushed as it arrives (SSE).
    case chunked
    /// An HTTP/1.0 client cannot take chunks: the body runs until piloto closes the connection.
    case close

    /// The client framing for an upstream response: a known length stays a length; a chunked or
    /// read-until-close upstream body goes out chunked to a 1.1 client, close-delimited to 1.0.
    package static func forClient(_ upstream: ResponseFraming, clientVersion: HTTPVersion) -> ClientFraming {
        switch upstream {
        case .none: .none
        case .length(let n): .length(n)
        case .chunked, .untilClose: clientVersion == .http11 ? .chunked : .close
        }
    }

    /// The framing field piloto adds to the client head, if any.
    package var field: (name: String, value: String)? {
        switch self {
        case .chunked: ("Transfer-Encoding", "chunked")
        case .none, .length, .close: nil
        }
    }
}

/// The chunked coding's framing bytes; the chunk data itself is written as received (zero copy).
package enum ChunkedEncoding {
    /// `HEX-SIZE CRLF` before a chunk of `count` bytes. Never call with 0: an empty chunk is the end.
    package static func chunkHeader(_ count: Int) -> [UInt8] {
        precondition(count > 0, "a zero-size chunk ends the body")
        return Array(String(count, radix: 16, uppercase: true).utf8) + crlf
    }

    /// The CRLF after each chunk's data.
    package static let crlf: [UInt8] = [0x0D, 0x0A]

    /// `0 CRLF CRLF`: the last chunk, no trailers (the upstream's are dropped).
    package static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
}
