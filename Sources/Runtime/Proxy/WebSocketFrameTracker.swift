/// Follows WebSocket frame boundaries in a relayed byte stream without buffering payloads: just
/// enough of RFC 6455 §5.2 to check the mask bit and the length of each frame and to know when
/// the stream sits between two frames (where a close frame may be inserted).
struct WebSocketFrameTracker {
    private let expectMasked: Bool
    /// Bytes of the current frame header seen so far (at most 14).
    private var header: [UInt8] = []
    /// Payload bytes (and mask key already counted in the header) still to pass.
    private var remaining: UInt64 = 0

    init(expectMasked: Bool) { self.expectMasked = expectMasked }

    /// True between frames.
    var atBoundary: Bool { header.isEmpty && remaining == 0 }

    /// Follows `bytes`; false when a frame breaks the rules (wrong masking, oversized, or a 64-bit
    /// length with its top bit set): the tunnel then ends.
    mutating func consume(_ bytes: UnsafeRawBufferPointer, maxPayload: Int) -> Bool {
        var index = 0
        while index < bytes.count {
            if remaining > 0 {
                let step = Int(min(remaining, UInt64(bytes.count - index)))
                remaining -= UInt64(step)
                index += step
                continue
            }
            header.append(bytes[index])
            index += 1
            guard let needed = headerLength() else { continue }
            guard header.count == needed else { continue }
            guard let payload = payloadLength(), (header[1] & 0x80 != 0) == expectMasked, payload <= UInt64(maxPayload)
            else { return false }
            remaining = payload
            header.removeAll(keepingCapacity: true)
        }
        return true
    }

    /// The full header size once the first two bytes are known (2 + extended length + mask key).
    private func headerLength() -> Int? {
        guard header.count >= 2 else { return nil }
        let masked = header[1] & 0x80 != 0
        let extended = switch header[1] & 0x7F {
        case 126: 2
        case 127: 8
        default: 0
        }
        return 2 + extended + (masked ? 4 : 0)
    }

    private func payloadLength() -> UInt64? {
        switch header[1] & 0x7F {
        case 126:
            return UInt64(header[2]) << 8 | UInt64(header[3])
        case 127:
            var value: UInt64 = 0
            for byte in header[2..<10] { value = value << 8 | UInt64(byte) }
            return value >> 63 == 0 ? value : nil
        case let short:
            return UInt64(short)
        }
    }

    /// A close frame with `code` and no reason; client-to-server frames must be masked (any key
    /// will do: it protects intermediaries, not secrecy, and the payload is two fixed bytes).
    static func closeFrame(code: UInt16, masked: Bool) -> [UInt8] {
        let payload: [UInt8] = [UInt8(code >> 8), UInt8(code & 0xFF)]
        guard masked else { return [0x88, 0x02] + payload }
        let key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        return [0x88, 0x82] + key + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }
}
