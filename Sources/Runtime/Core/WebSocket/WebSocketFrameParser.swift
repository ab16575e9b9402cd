/// Incremental push parser for WebSocket frames (RFC 6455 §5.2).
///
/// Bytes may arrive in any split: `append` them, then call `nextFrame()` until it returns nil. The
/// state enum remembers how far the header got, so no byte is parsed twice. Every limit is checked
/// as soon as the header reveals it and *before* any payload byte is buffered: a client cannot make
/// the server reserve memory for a frame it is not allowed to send. After an error the parser stays
/// failed and throws the same error again.
///
/// Payload bytes are moved out of the input buffer as they arrive, so between calls the input buffer
/// holds at most one partial header (< 14 bytes); the payload is unmasked once, 8 bytes at a time,
/// when the frame is complete.
package struct WebSocketFrameParser: Sendable {
    private enum State: Sendable, Equatable {
        /// Waiting for the two fixed header bytes.
        case header
        /// Waiting for the 16-bit extended length (7-bit length was 126).
        case extendedLength16
        /// Waiting for the 64-bit extended length (7-bit length was 127).
        case extendedLength64
        /// Waiting for the 4-byte masking key.
        case mask
        /// Collecting `length` payload bytes.
        case payload
        case failed(WebSocketProtocolError)
    }

    /// Frames with a longer declared payload are rejected with 1009 from the header alone.
    package let maxFrameSize: Int
    /// Servers require masked frames (client → server), clients require unmasked ones (§5.1).
    package let expectMasked: Bool
    /// The largest payload the next *continuation* frame may declare. The connection lowers it to the
    /// message budget left while fragments are being joined, so a fragment that would overflow the
    /// message limit is refused (1009) from its header, before its payload is buffered.
    package var continuationLimit: Int = .max

    private var state: State = .header
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var fin = false
    private var opcode: WebSocketOpcode = .continuation
    private var masked = false
    private var length: UInt64 = 0
    private var maskKey: UInt32 = 0
    private var payload: [UInt8] = []

    /// - Parameters:
    ///   - maxFrameSize: the largest payload one frame may declare.
    ///   - expectMasked: true on the server side (the default).
    package init(maxFrameSize: Int, expectMasked: Bool = true) {
        self.maxFrameSize = max(0, maxFrameSize)
        self.expectMasked = expectMasked
    }

    /// Bytes buffered but not yet consumed (a partial header); for tests and accounting.
    package var bufferedByteCount: Int { buffer.count - readIndex + payload.count }

    /// Adds received bytes. Cheap: one bulk copy; parsing happens in `nextFrame()`.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if case .failed = state { return }
        var rest = bytes
        // Mid-payload with nothing else pending: copy straight into the payload, skipping the buffer.
        if state == .payload && readIndex == buffer.count {
            let take = min(Int(length) - payload.count, rest.count)
            if take > 0 {
                payload.append(contentsOf: UnsafeRawBufferPointer(rebasing: rest[..<take]))
                rest = UnsafeRawBufferPointer(rebasing: rest[take...])
            }
        }
        buffer.append(contentsOf: rest)
    }

    /// Adds received bytes from any sequence. Generic code is not specialized across modules, so
    /// contiguous input goes through the raw-buffer path (one memcpy) instead of byte-by-byte iteration.
    package mutating func append(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { append(UnsafeRawBufferPointer($0)) }
        if done == nil { Array(bytes).withUnsafeBytes { append($0) } }
    }

    /// The next complete frame, or nil when more bytes are needed.
    /// - Throws: the first protocol violation found; the parser is then failed for good.
    package mutating func nextFrame() throws(WebSocketProtocolError) -> WebSocketFrame? {
        while true {
            switch state {
            case .failed(let error):
                throw error
            case .header:
                guard available >= 2 else { return needMore() }
                let b0 = buffer[readIndex], b1 = buffer[readIndex + 1]
                readIndex += 2
                try fail(ifNotNil: parseFixedHeader(b0, b1))
            case .extendedLength16:
                guard available >= 2 else { return needMore() }
                length = UInt64(buffer[readIndex]) << 8 | UInt64(buffer[readIndex + 1])
                readIndex += 2
                try fail(ifNotNil: checkLength())
            case .extendedLength64:
                guard available >= 8 else { return needMore() }
                var value: UInt64 = 0
                for i in 0..<8 { value = value << 8 | UInt64(buffer[readIndex + i]) }
                readIndex += 8
                length = value
                try fail(ifNotNil: checkLength())
            case .mask:
                guard available >= 4 else { return needMore() }
                maskKey = UInt32(buffer[readIndex]) << 24 | UInt32(buffer[readIndex + 1]) << 16
                    | UInt32(buffer[readIndex + 2]) << 8 | UInt32(buffer[readIndex + 3])
                readIndex += 4
                startPayload()
            case .payload:
                let missing = Int(length) - payload.count
                let take = min(missing, available)
                if take > 0 {
                    payload.append(contentsOf: buffer[readIndex..<(readIndex + take)])
                    readIndex += take
                }
                guard payload.count == Int(length) else { return needMore() }
                if masked { WebSocketMasking.apply(key: maskKey, to: &payload) }
                let frame = WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
                payload = []
                state = .header
                return frame
            }
        }
    }

    private var available: Int { buffer.count - readIndex }

    /// Drops consumed bytes (at most a partial header remains) and reports "need more".
    private mutating func needMore() -> WebSocketFrame? {
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else if readIndex > 0 {
            buffer.removeSubrange(0..<readIndex)
        }
        readIndex = 0
        return nil
    }

    private mutating func fail(ifNotNil error: WebSocketProtocolError?) throws(WebSocketProtocolError) {
        guard let error else { return }
        state = .failed(error)
        buffer = []
        payload = []
        readIndex = 0
        throw error
    }

    /// Byte 0: FIN, RSV1-3, opcode. Byte 1: MASK, 7-bit length.
    private mutating func parseFixedHeader(_ b0: UInt8, _ b1: UInt8) -> WebSocketProtocolError? {
        fin = b0 & 0x80 != 0
        // RFC 6455 §5.2: RSV1-3 MUST be 0 unless an extension defines them; we negotiate none.
        guard b0 & 0x70 == 0 else { return .reservedBitsSet }
        // RFC 6455 §5.2: reserved opcodes → fail the connection.
        guard let op = WebSocketOpcode(rawValue: b0 & 0x0F) else { return .unknownOpcode(b0 & 0x0F) }
        opcode = op
        // RFC 6455 §5.5: control frames MUST NOT be fragmented.
        if op.isControl && !fin { return .fragmentedControlFrame }
        masked = b1 & 0x80 != 0
        // RFC 6455 §5.1: a server MUST close on an unmasked client frame; a client on a masked one.
        if expectMasked && !masked { return .unmaskedClientFrame }
        if !expectMasked && masked { return .maskedServerFrame }
        let len7 = b1 & 0x7F
        switch len7 {
        case 126:
            // RFC 6455 §5.5: control payloads are ≤ 125, so a control frame never has an extended length.
            if op.isControl { return .controlFrameTooLong(126) }
            state = .extendedLength16
        case 127:
            if op.isControl { return .controlFrameTooLong(127) }
            state = .extendedLength64
        default:
            length = UInt64(len7)
            return checkLength()
        }
        return nil
    }

    /// Runs once the full length is known, before a single payload byte is stored.
    private mutating func checkLength() -> WebSocketProtocolError? {
        // RFC 6455 §5.2: in the 64-bit form the most significant bit MUST be 0.
        if length & (1 << 63) != 0 { return .invalidLength }
        if opcode.isControl && length > 125 { return .controlFrameTooLong(length) }
        if length > UInt64(maxFrameSize) { return .frameTooLarge(length) }
        if opcode == .continuation && length > UInt64(max(0, continuationLimit)) { return .messageTooLarge }
        if masked {
            state = .mask
        } else {
            startPayload()
        }
        return nil
    }

    private mutating func startPayload() {
        state = .payload
        payload = []
        // The length is already within the limit; still, reserve at most 1 MiB up front so a large
        // configured limit cannot turn one header into a large allocation before the bytes arrive.
        payload.reserveCapacity(min(Int(length), 1 << 20))
    }
}
