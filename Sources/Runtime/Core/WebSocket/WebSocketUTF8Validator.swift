/// Incremental UTF-8 validation for text messages that arrive in fragments (RFC 6455 §8.1).
///
/// A code point may be split across fragments, so the validator carries its state from one call to
/// the next; it rejects as early as possible (on the first byte that cannot start or continue a valid
/// sequence: overlongs, surrogates U+D800–DFFF and values above U+10FFFF are refused by the allowed
/// range of the next byte, as in the Unicode table 3-7 of well-formed byte sequences). At the end of the
/// message, `isAtBoundary` must be true, otherwise the text ends inside a character.
package struct WebSocketUTF8Validator: Sendable, Equatable {
    /// Continuation bytes still expected for the current code point.
    private var remaining: UInt8 = 0
    /// Allowed range for the next continuation byte (tighter right after E0, ED, F0, F4).
    private var low: UInt8 = 0x80
    private var high: UInt8 = 0xBF

    package init() {}

    /// True when no code point is open: the text seen so far is complete, valid UTF-8.
    package var isAtBoundary: Bool { remaining == 0 }

    /// Validates the next chunk; false as soon as a byte is invalid (then the state is meaningless).
    package mutating func validate(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let count = bytes.count
        var i = 0
        while i < count {
            if remaining == 0 {
                // ASCII fast path: 8 bytes at a time while no high bit is set.
                while i + 8 <= count && bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                guard i < count else { break }
                let b = bytes[i]
                i += 1
                switch b {
                case 0x00...0x7F: continue
                case 0xC2...0xDF: (remaining, low, high) = (1, 0x80, 0xBF)
                case 0xE0: (remaining, low, high) = (2, 0xA0, 0xBF)  // no overlongs
                case 0xE1...0xEC, 0xEE...0xEF: (remaining, low, high) = (2, 0x80, 0xBF)
                case 0xED: (remaining, low, high) = (2, 0x80, 0x9F)  // no surrogates
                case 0xF0: (remaining, low, high) = (3, 0x90, 0xBF)  // no overlongs
                case 0xF1...0xF3: (remaining, low, high) = (3, 0x80, 0xBF)
                case 0xF4: (remaining, low, high) = (3, 0x80, 0x8F)  // ≤ U+10FFFF
                default: return false  // 0x80–0xC1 (stray continuation, overlong lead), 0xF5–0xFF
                }
            } else {
                let b = bytes[i]
                i += 1
                guard b >= low && b <= high else { return false }
                remaining -= 1
                (low, high) = (0x80, 0xBF)
            }
        }
        return true
    }

    /// Convenience for arrays.
    package mutating func validate(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { validate($0) }
    }

    /// True when `bytes` is complete, valid UTF-8 on its own.
    package static func isValid(_ bytes: [UInt8]) -> Bool {
        var validator = WebSocketUTF8Validator()
        return validator.validate(bytes) && validator.isAtBoundary
    }
}
