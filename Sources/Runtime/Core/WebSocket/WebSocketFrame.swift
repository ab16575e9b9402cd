/// The frame opcode (RFC 6455 §5.2). 0x3–0x7 and 0xB–0xF are reserved: a parser rejects them (1002).
package enum WebSocketOpcode: UInt8, Sendable, Equatable, CaseIterable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    /// Control frames (RFC 6455 §5.5) have the high bit of the opcode set: close, ping, pong.
    package var isControl: Bool { rawValue & 0x8 != 0 }
}

/// One frame as received or to be sent. The payload is always *unmasked*: the parser removes the
/// client's mask, and the encoder adds one only when asked to (test clients).
package struct WebSocketFrame: Sendable, Equatable {
    /// FIN bit: this is the last fragment of its message (always true for control frames).
    package var fin: Bool = true
    package var opcode: WebSocketOpcode
    package var payload: [UInt8] = []
}

/// A complete data message, after joining fragments and (for text) validating UTF-8.
package enum WebSocketMessage: Sendable, Equatable {
    case text(String)
    case binary([UInt8])
}
