//  RFC 6455 §5.2 base framing:
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-------+-+-------------+-------------------------------+
//  |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//  |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//  |N|V|V|V|       |S|             |   (if payload len==126/127)   |
//  | |1|2|3|       |K|             |                               |
//  +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
//  |     Extended payload length continued, if payload len == 127  |
//  + - - - - - - - - - - - - - - - +-------------------------------+
//  |                               |Masking-key, if MASK set to 1  |
//  +-------------------------------+-------------------------------+
//  | Masking-key (continued)       |          Payload Data         |
//  +-------------------------------- - - - - - - - - - - - - - - - +
//  :                     Payload Data continued ...                :
//  +---------------------------------------------------------------+
//
//  Length: 0...125 in the 7 bits; 126 → 16-bit big-endian length follows (126...65535);
//  127 → 64-bit big-endian length follows (65536...2^63-1). Servers never mask (§5.1).

/// Builds frame bytes: header and payload in one array, allocated once at its final size.
package enum WebSocketFrameEncoder {
    /// Bytes of header needed for a payload of `length` bytes.
    package static func headerSize(length: Int, masked: Bool) -> Int {
        let base = length <= 125 ? 2 : (length <= 0xFFFF ? 4 : 10)
        return masked ? base + 4 : base
    }

    /// An unmasked (server → client) frame.
    package static func encode(
        opcode: WebSocketOpcode, fin: Bool = true, payload: some Collection<UInt8>
    ) -> [UInt8] {
        let length = payload.count
        var out: [UInt8] = []
        out.reserveCapacity(headerSize(length: length, masked: false) + length)
        appendHeader(into: &out, opcode: opcode, fin: fin, length: length, maskKey: nil)
        out.append(contentsOf: payload)
        return out
    }

    /// An unmasked frame from a `WebSocketFrame` value.
    package static func encode(_ frame: WebSocketFrame) -> [UInt8] {
        encode(opcode: frame.opcode, fin: frame.fin, payload: frame.payload)
    }

    /// A masked (client → server) frame; piloto uses it only in its test client and the fuzzer.
    /// - Parameter maskKey: the 4 key bytes as a big-endian word.
    package static func encodeMasked(
        opcode: WebSocketOpcode, fin: Bool = true, payload: some Collection<UInt8>, maskKey: UInt32
    ) -> [UInt8] {
        let length = payload.count
        var out: [UInt8] = []
        out.reserveCapacity(headerSize(length: length, masked: true) + length)
        appendHeader(into: &out, opcode: opcode, fin: fin, length: length, maskKey: maskKey)
        let start = out.count
        out.append(contentsOf: payload)
        WebSocketMasking.apply(key: maskKey, to: &out, from: start)
        return out
    }

    /// Appends the header: FIN + opcode, MASK + length (7, 7+16 or 7+64 bits), then the key.
    package static func appendHeader(
        into out: inout [UInt8], opcode: WebSocketOpcode, fin: Bool, length: Int, maskKey: UInt32?
    ) {
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let maskBit: UInt8 = maskKey == nil ? 0 : 0x80
        if length <= 125 {
            out.append(maskBit | UInt8(length))
        } else if length <= 0xFFFF {
            out.append(maskBit | 126)
            out.append(UInt8(truncatingIfNeeded: length >> 8))
            out.append(UInt8(truncatingIfNeeded: length))
        } else {
            out.append(maskBit | 127)
            let value = UInt64(length)
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
        if let maskKey {
            for i in 0..<4 { out.append(WebSocketMasking.keyByte(maskKey, i)) }
        }
    }

    /// A close frame body (§5.5.1): the 2-byte code and a UTF-8 reason cut to fit in 125 bytes
    /// (123 reason bytes), never in the middle of a character.
    package static func closePayload(code: WebSocketCloseCode, reason: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(truncatingIfNeeded: code.rawValue >> 8), UInt8(truncatingIfNeeded: code.rawValue)]
        var utf8 = Array(reason.utf8)
        if utf8.count > 123 {
            var cut = 123
            while cut > 0 && utf8[cut] & 0xC0 == 0x80 { cut -= 1 }  // back off continuation bytes
            utf8.removeSubrange(cut...)
        }
        out.append(contentsOf: utf8)
        return out
    }

    /// A complete unmasked close frame.
    package static func closeFrame(code: WebSocketCloseCode, reason: String = "") -> [UInt8] {
        encode(opcode: .close, payload: closePayload(code: code, reason: reason))
    }
}
