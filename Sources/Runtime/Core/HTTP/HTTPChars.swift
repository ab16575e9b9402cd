/// Character classes of RFC 9110 §5.6.2 and §5.5, as byte tests.
package enum HTTPChars {
    /// tchar: `!#$%&'*+-.^_`|~`, DIGIT, ALPHA.
    package static func isToken(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
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
