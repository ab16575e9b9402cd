/// Joins data frames into messages (RFC 6455 §5.4) and passes control frames straight through.
///
/// Rules, each failing the connection with the error's close code:
/// - a continuation frame with no message open → 1002 (§5.4);
/// - a text or binary frame while a message is open → 1002 (§5.4);
/// - the joined message larger than `maxMessageSize` → 1009 (one frame may carry a whole message);
/// - more than `maxFragments` frames in one message → 1009;
/// - a non-final fragment smaller than `minNonFinalFragmentSize` → 1008;
/// - text that is not UTF-8 → 1007, checked fragment by fragment so an invalid prefix fails at once,
///   and a message that ends inside a character fails at its final fragment (§8.1).
///
/// Control frames may arrive between the fragments of a message (§5.4) and are returned immediately,
/// without disturbing the message being joined.
///
/// On tiny-fragment floods: each frame costs at most 14 header bytes and one loop iteration, and
/// `maxFragments` (default 1024) bounds the work per message. `minNonFinalFragmentSize` defaults to 0
/// (off) because legitimate clients, and Autobahn's case groups 5 and 9, send small fragments; a
/// deployment that sees floods can raise it.
package struct WebSocketMessageAssembler: Sendable {
    /// What one frame produced.
    package enum Output: Sendable, Equatable {
        /// A complete data message.
        case message(WebSocketMessage)
        /// A control frame (close, ping, pong), possibly received between fragments.
        case control(WebSocketFrame)
    }

    package let maxMessageSize: Int
    package let maxFragments: Int
    package let minNonFinalFragmentSize: Int

    /// Opcode of the message being joined (text or binary); nil between messages.
    private var messageOpcode: WebSocketOpcode?
    private var buffer: [UInt8] = []
    private var fragments = 0
    private var utf8 = WebSocketUTF8Validator()

    package init(maxMessageSize: Int, maxFragments: Int = 1024, minNonFinalFragmentSize: Int = 0) {
        self.maxMessageSize = max(0, maxMessageSize)
        self.maxFragments = max(1, maxFragments)
        self.minNonFinalFragmentSize = max(0, minNonFinalFragmentSize)
    }

    /// True while a fragmented message is open.
    package var isJoining: Bool { messageOpcode != nil }

    /// Bytes the next continuation frame may still add before the message limit is exceeded.
    package var remainingBudget: Int { maxMessageSize - buffer.count }

    /// Takes one frame; returns a message, a control frame, or nil when the message is not complete.
    /// - Throws: the first rule broken; the caller fails the connection with `closeCode`.
    package mutating func push(_ frame: WebSocketFrame) throws(WebSocketProtocolError) -> Output? {
        switch frame.opcode {
        case .close, .ping, .pong:
            return .control(frame)
        case .text, .binary:
            // RFC 6455 §5.4: a new message may not start inside another one.
            guard messageOpcode == nil else { throw .expectedContinuation }
            guard frame.payload.count <= maxMessageSize else { throw .messageTooLarge }
            if frame.fin {
                // Fast path: a whole message in one frame needs no joining buffer.
                if frame.opcode == .text {
                    guard WebSocketUTF8Validator.isValid(frame.payload) else { throw .invalidUTF8 }
                    return .message(.text(String(decoding: frame.payload, as: UTF8.self)))
                }
                return .message(.binary(frame.payload))
            }
            guard frame.payload.count >= minNonFinalFragmentSize else { throw .fragmentTooSmall }
            messageOpcode = frame.opcode
            fragments = 1
            utf8 = WebSocketUTF8Validator()
            if frame.opcode == .text {
                guard utf8.validate(frame.payload) else { throw .invalidUTF8 }  // fail fast (§8.1)
            }
            buffer = frame.payload
            return nil
        case .continuation:
            // RFC 6455 §5.4: a continuation needs an open message.
            guard let opcode = messageOpcode else { throw .unexpectedContinuation }
            fragments += 1
            guard fragments <= maxFragments else { throw .tooManyFragments }
            guard frame.payload.count <= maxMessageSize - buffer.count else { throw .messageTooLarge }
            if !frame.fin {
                guard frame.payload.count >= minNonFinalFragmentSize else { throw .fragmentTooSmall }
            }
            if opcode == .text {
                guard utf8.validate(frame.payload) else { throw .invalidUTF8 }
                // RFC 6455 §8.1: the whole message must be valid, so it may not end inside a character.
                if frame.fin && !utf8.isAtBoundary { throw .invalidUTF8 }
            }
            buffer.append(contentsOf: frame.payload)
            guard frame.fin else { return nil }
            let bytes = buffer
            buffer = []
            messageOpcode = nil
            fragments = 0
            if opcode == .text { return .message(.text(String(decoding: bytes, as: UTF8.self))) }
            return .message(.binary(bytes))
        }
    }
}
