/// Base64 (RFC 4648 §4, the standard alphabet with `=` padding), and base64url (§5, unpadded).
///
/// Encoding builds `Sec-WebSocket-Accept`; base64url encodes the parts of the proxy's JWT
/// identity assertion (RFC 7515 §2). Decoding is *strict* because it is only used to check that
/// `Sec-WebSocket-Key` is "a base64-encoded value that, when decoded, is 16 bytes in length"
/// (RFC 6455 §4.2.1 item 5): no whitespace, no missing padding, no URL-safe alphabet, and the unused
/// low bits of the last symbol must be zero (RFC 4648 §3.5, canonical encoding).
package enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The padded base64 text of `bytes`.
    package static func encode(_ bytes: some Collection<UInt8>) -> String {
        encode(bytes, alphabet: alphabet, padded: true)
    }

    /// The base64url text of `bytes` without padding (RFC 4648 §5; RFC 7515 §2 "Base64url Encoding").
    package static func encodeURL(_ bytes: some Collection<UInt8>) -> String {
        encode(bytes, alphabet: urlAlphabet, padded: false)
    }

    private static func encode(_ bytes: some Collection<UInt8>, alphabet: [UInt8], padded: Bool) -> String {
        let input = Array(bytes)
        var out: [UInt8] = []
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = input.count - i
        if rest == 1 {
            let n = UInt32(input[i]) << 16
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if padded { out.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")]) }
        } else if rest == 2 {
            let n = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            if padded { out.append(UInt8(ascii: "=")) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of strictly valid, canonical, padded base64 `text`; nil for anything else.
    package static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let input = Array(text.utf8)
        guard input.count % 4 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 4 * 3)
        var i = 0
        while i < input.count {
            let isLast = i + 4 == input.count
            let c0 = value(input[i]), c1 = value(input[i + 1])
            guard let c0, let c1 else { return nil }
            let p2 = input[i + 2] == UInt8(ascii: "="), p3 = input[i + 3] == UInt8(ascii: "=")
            if p2 || p3 {
                // Padding only in the last quantum, and "x=" alone (without "==") is invalid.
                guard isLast, p3 else { return nil }
                if p2 {
                    guard c1 & 0x0F == 0 else { return nil }  // RFC 4648 §3.5: unused bits are zero
                    out.append(c0 << 2 | c1 >> 4)
                } else {
                    guard let c2 = value(input[i + 2]), c2 & 0x03 == 0 else { return nil }
                    out.append(c0 << 2 | c1 >> 4)
                    out.append(c1 << 4 | c2 >> 2)
                }
            } else {
                guard let c2 = value(input[i + 2]), let c3 = value(input[i + 3]) else { return nil }
                out.append(c0 << 2 | c1 >> 4)
                out.append(c1 << 4 | c2 >> 2)
                out.append(c2 << 6 | c3)
            }
            i += 4
        }
        return out
    }

    /// The 6-bit value of one alphabet symbol; nil for `=`, whitespace and anything else.
    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): c - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): c - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
