/// XOR masking of frame payloads (RFC 6455 §5.3): byte `i` is XORed with `key[i % 4]`.
///
/// The hot loop works on 8 bytes at a time with unaligned loads and stores, so unmasking a 1 MiB
/// message costs 128 Ki word operations rather than 1 Mi byte operations; only the tail (< 8 bytes)
/// goes byte by byte.
package enum WebSocketMasking {
    /// Applies (or removes: XOR is its own inverse) the 4-byte `key`, given as a big-endian word,
    /// to `bytes[start...]`, where `bytes[start]` is payload byte number `offset`.
    package static func apply(key: UInt32, to bytes: inout [UInt8], from start: Int = 0, offset: Int = 0) {
        guard start < bytes.count, start >= 0 else { return }
        bytes.withUnsafeMutableBytes { raw in
            apply(key: key, to: UnsafeMutableRawBufferPointer(rebasing: raw[start...]), offset: offset)
        }
    }

    /// Same as above over raw memory.
    package static func apply(key: UInt32, to raw: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        let count = raw.count
        guard count > 0 else { return }
        // The key bytes in payload order, starting at `offset`: 8 of them fill one 64-bit word.
        var word: UInt64 = 0
        withUnsafeMutableBytes(of: &word) { w in
            for i in 0..<8 { w[i] = keyByte(key, (i + offset) & 3) }
        }
        var i = 0
        while i + 8 <= count {
            let v = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            raw.storeBytes(of: v ^ word, toByteOffset: i, as: UInt64.self)
            i += 8
        }
        while i < count {
            raw[i] ^= keyByte(key, (i + offset) & 3)
            i += 1
        }
    }

    /// Byte `index` (0...3) of the big-endian key word.
    @inline(__always)
    package static func keyByte(_ key: UInt32, _ index: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: key >> UInt32(24 - 8 * index))
    }
}
