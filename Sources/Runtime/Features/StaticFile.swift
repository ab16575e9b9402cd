/// A content coding a file variant is stored in.
package enum ContentCoding: String, Sendable, CaseIterable {
    case identity
    case gzip
    case br
}

/// One stored representation of a file, with its responses computed at boot.
package struct FileVariant: Sendable {
    package let coding: ContentCoding
    package let body: SharedBytes
    package let etag: String
    /// 200 with body (GET) or without (HEAD).
    package let ok: PrebuiltResponse
    package let notModified: PrebuiltResponse
}

/// A served file: its variants (identity always, `.gz`/`.br` siblings when present).
package struct StaticFile: Sendable {
    package let path: String
    package let identity: FileVariant
    package let gzip: FileVariant?
    package let br: FileVariant?
    /// Fields shared by every response for this file (type, cache, validators, Vary, server.headers).
    package let contentType: String
    package let cacheControl: String
    package let lastModified: String
    package let varies: Bool
    package let extraHeaders: [(String, String)]

    /// The variant to send for an `Accept-Encoding` value (RFC 9110 §12.5.3): br, then gzip, then
    /// identity; a coding with `q=0` is refused, `*` stands for codings not named.
    package func variant(acceptEncoding: String?) -> FileVariant {
        guard let acceptEncoding, gzip != nil || br != nil else { return identity }
        let weights = AcceptEncoding.weights(acceptEncoding)
        if let br, weights.br ?? weights.wildcard ?? 0 > 0 { return br }
        if let gzip, weights.gzip ?? weights.wildcard ?? 0 > 0 { return gzip }
        return identity
    }
}

/// A scan of `Accept-Encoding` for the codings we store, without building strings per element.
enum AcceptEncoding {
    /// q-values in thousandths (RFC 9110 §12.4.2), nil when the coding is not mentioned.
    static func weights(_ header: String) -> (br: Int?, gzip: Int?, wildcard: Int?) {
        var result: (br: Int?, gzip: Int?, wildcard: Int?) = (nil, nil, nil)
        for element in header.utf8.split(separator: UInt8(ascii: ",")) {
            let parts = element.split(separator: UInt8(ascii: ";"), maxSplits: 1)
            guard let rawName = parts.first else { continue }
            let name = trim(rawName)
            let q = parts.count > 1 ? qValue(trim(parts[1])) : 1000
            if equalsIgnoringCase(name, "br") {
                result.br = q
            } else if equalsIgnoringCase(name, "gzip") || equalsIgnoringCase(name, "x-gzip") {
                result.gzip = q
            } else if equalsIgnoringCase(name, "*") {
                result.wildcard = q
            }
        }
        return result
    }

    /// `q=0.5` → 500; anything unparsable counts as 1 (lenient, like most servers).
    private static func qValue(_ param: Substring.UTF8View.SubSequence) -> Int {
        let bytes = Array(param)
        guard bytes.count >= 3, bytes[0] | 0x20 == UInt8(ascii: "q"), bytes[1] == UInt8(ascii: "=") else { return 1000 }
        var value = 0
        var scale = 1000
        var seenDot = false
        for b in bytes[2...] {
            if b == UInt8(ascii: ".") { seenDot = true; continue }
            guard b >= 0x30 && b <= 0x39 else { return 1000 }
            if !seenDot {
                value = value * 10 + Int(b - 0x30) * 1000
            } else if scale > 1 {
                scale /= 10
                value += Int(b - 0x30) * scale
            }
        }
        return min(value, 1000)
    }

    private static func trim(_ s: String.UTF8View.SubSequence) -> String.UTF8View.SubSequence {
        var s = s
        while let f = s.first, f == 0x20 || f == 0x09 { s = s.dropFirst() }
        while let l = s.last, l == 0x20 || l == 0x09 { s = s.dropLast() }
        return s
    }

    private static func equalsIgnoringCase(_ s: String.UTF8View.SubSequence, _ literal: StaticString) -> Bool {
        guard s.count == literal.utf8CodeUnitCount else { return false }
        var i = 0
        for b in s {
            let l = literal.utf8Start[i]
            let lower = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            if lower != l { return false }
            i += 1
        }
        return true
    }
}
