/// Character classes of RFC 9110 §5.6.2 and §5.5, as byte tests.
package enum HTTPChars {
    /// tchar: `!#$%&'*+-.^_`|~`, DIGIT, ALPHA. A bit set per 64 bytes rather than a switch of
    /// ranges: every byte of every field name goes through here (`perf`: the field-line check was
    /// ~4 % of a proxied request).
    package static func isToken(_ b: UInt8) -> Bool {
        let word: UInt64 = b < 64 ? 0x03FF_6CFA_0000_0000 : (b < 128 ? 0x57FF_FFFF_C7FF_FFFE : 0)
        return (word >> UInt64(b & 63)) & 1 != 0
    }

    /// field-vchar / SP / HTAB / obs-text: anything but CTLs and DEL.
    package static func isFieldValueByte(_ b: UInt8) -> Bool {
        b == 0x09 || (b >= 0x20 && b != 0x7F)
    }

    package static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    package static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 0x30...0x39: Int(b - 0x30)
        case 0x41...0x46: Int(b - 0x41 + 10)
        case 0x61...0x66: Int(b - 0x61 + 10)
        default: nil
        }
    }
}
