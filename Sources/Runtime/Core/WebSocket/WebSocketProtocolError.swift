/// Everything a peer can do wrong at the WebSocket layer. Each case maps to the close code sent
/// before the TCP connection is closed ("Fail the WebSocket Connection", RFC 6455 §7.1.7), through
/// the single `closeCode` property, as NIO's `WebSocketErrorCode(_:)` does.
package enum WebSocketProtocolError: Error, Sendable, Equatable {
    /// A client frame without the MASK bit (RFC 6455 §5.1: the server MUST close).
    case unmaskedClientFrame
    /// A server frame with the MASK bit set (§5.1: the client MUST close); only the test client sees it.
    case maskedServerFrame
    /// RSV1–3 set while no extension was negotiated (§5.2).
    case reservedBitsSet
    /// Opcode 0x3–0x7 or 0xB–0xF (§5.2).
    case unknownOpcode(UInt8)
    /// A control frame with FIN clear (§5.5).
    case fragmentedControlFrame
    /// A control frame with more than 125 payload bytes (§5.5).
    case controlFrameTooLong(UInt64)
    /// A 64-bit length with the most significant bit set (§5.2).
    case invalidLength
    /// A frame whose declared length exceeds the frame limit; detected from the header alone.
    case frameTooLarge(UInt64)
    /// A message that grew past the message limit while fragments were joined.
    case messageTooLarge
    /// More fragments in one message than allowed.
    case tooManyFragments
    /// A non-final fragment smaller than the configured minimum (tiny-fragment flood).
    case fragmentTooSmall
    /// A continuation frame with no message in progress (§5.4).
    case unexpectedContinuation
    /// A new text or binary frame while a fragmented message is still open (§5.4).
    case expectedContinuation
    /// Text (or a close reason) that is not valid UTF-8 (§8.1).
    case invalidUTF8
    /// A close frame with a one-byte payload (§5.5.1: a body starts with a two-byte code).
    case invalidClosePayload
    /// A close code that may not appear on the wire (§7.4).
    case invalidCloseCode(UInt16)

    /// The close code sent to the peer for this error.
    package var closeCode: WebSocketCloseCode {
        switch self {
        case .frameTooLarge, .messageTooLarge, .tooManyFragments: .messageTooBig
        case .fragmentTooSmall: .policyViolation
        case .invalidUTF8: .invalidPayload
        case .unmaskedClientFrame, .maskedServerFrame, .reservedBitsSet, .unknownOpcode, .fragmentedControlFrame, .controlFrameTooLong,
            .invalidLength, .unexpectedContinuation, .expectedContinuation, .invalidClosePayload, .invalidCloseCode:
            .protocolError
        }
    }
}
