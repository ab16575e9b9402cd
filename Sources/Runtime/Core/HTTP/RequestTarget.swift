/// Why a request target was refused before routing (all 400).
package enum RequestTargetError: Error, Equatable, Sendable {
    /// Not origin-form, absolute-form or `*` (RFC 9112 §3.2).
    case unsupportedForm
    /// `%` not followed by two hex digits (RFC 3986 §2.1).
    case invalidPercentEncoding
    /// A decoded NUL byte: never valid in a path, a classic truncation attack.
    case nulByte
    /// The decoded path is not UTF-8.
    case invalidUTF8
}

/// A request target made safe for routing: path percent-decoded once and dot segments removed.
///
/// Decoding exactly once means `%252e%252e` stays the literal name `%2e%2e` (never `..`), and
/// removing dot segments after decoding means `%2e%2e/` cannot climb either: the result always
/// starts with `/` and never contains a `.` or `..` segment.
package struct RequestTarget: Sendable, Equatable {
    /// Decoded, normalized path, always starting with `/` (or exactly `*`).
    package var path: String
    /// The raw query after `?`, undecoded; nil when absent.
    package var query: String?

    /// Normalizes `target` as sent in the request line.
    package static func parse(_ target: String) throws(RequestTargetError) -> RequestTarget {
        if let common = originFormFastPath(target) { return common }
        var raw = Substring(target)
        if raw == "*" { return RequestTarget(path: "*", query: nil) }  // RFC 9112 §3.2.4 asterisk-form
        if !raw.hasPrefix("/") {
            // RFC 9112 §3.2.2: servers must accept absolute-form; only the path and query matter.
            let lower = raw.prefix(8).lowercased()
            let schemeLength: Int
            if lower.hasPrefix("http://") { schemeLength = 7 } else if lower.hasPrefix("https://") {
                schemeLength = 8
            } else {
                throw .unsupportedForm
            }
            let afterScheme = raw.dropFirst(schemeLength)
            if let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) {
                raw = afterScheme[slash...]
                if raw.hasPrefix("?") { raw = "/" + raw }
            } else {
                raw = "/"
            }
        }
        // Drop a fragment if a client sent one (RFC 9112 §3.2: not part of the target).
        if let hash = raw.firstIndex(of: "#") { raw = raw[..<hash] }
        var query: String?
        var rawPath = raw
        if let q = raw.firstIndex(of: "?") {
            rawPath = raw[..<q]
            query = String(raw[raw.index(after: q)...])
        }
        // Fast path: nothing to decode and no dot segment possible → the path is already normal.
        if !needsNormalization(rawPath) { return RequestTarget(path: String(rawPath), query: query) }
        let decoded = try percentDecode(rawPath)
        return RequestTarget(path: removeDotSegments(decoded), query: query)
    }

    /// The usual request (`/path?query`, nothing to decode, no dot segment, no fragment) in one pass
    /// over the bytes; nil sends everything else through the full algorithm. Character-wise String
    /// scanning was 5% of a small request's CPU, and indexing the UTF-8 view byte by byte still
    /// cost more than the rest of routing: the scan reads the contiguous bytes instead.
    static func originFormFastPath(_ target: String) -> RequestTarget? {
        let utf8 = target.utf8
        guard let scanned = utf8.withContiguousStorageIfAvailable({ plainQueryOffset($0) }), let queryAt = scanned else {
            return nil
        }
        guard queryAt < utf8.count else { return RequestTarget(path: target, query: nil) }
        // `?`: the rest is the query, kept raw.
        let mark = utf8.index(utf8.startIndex, offsetBy: queryAt)
        return RequestTarget(path: String(target[..<mark]), query: String(Substring(utf8[utf8.index(after: mark)...])))
    }

    /// For a plain origin-form target: the offset of the `?` that starts its query, or its length
    /// when it has none. Nil when the full algorithm is needed.
    private static func plainQueryOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard bytes.first == 0x2F else { return nil }
        var previous: UInt8 = 0
        for offset in bytes.indices {
            let byte = bytes[offset]
            if byte == 0x3F { return bytes[(offset + 1)...].contains(0x23) ? nil : offset }
            if byte == 0x23 || !isPlainPathByte(byte, after: previous) { return nil }
            previous = byte
        }
        return bytes.count
    }

    /// True when the path has a `%`, a segment starting with `.`, or any byte outside visible ASCII
    /// (the request line refuses those already; callers that skip it still get the full checks).
    static func needsNormalization(_ path: Substring) -> Bool {
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if !isPlainPathByte(byte, after: previous) { return true }
            previous = byte
        }
        return false
    }

    /// A byte that leaves a path as it is: not `%` (decoding), not a `.` starting a segment (a
    /// possible dot segment), nothing outside visible ASCII.
    static func isPlainPathByte(_ byte: UInt8, after previous: UInt8) -> Bool {
        !(byte == 0x25 || (byte == 0x2E && previous == 0x2F) || byte < 0x21 || byte >= 0x7F)
    }

    /// RFC 3986 §2.1: `%XY` → byte, exactly once; NUL rejected.
    static func percentDecode(_ text: Substring) throws(RequestTargetError) -> String {
        let utf8 = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            let b = utf8[i]
            if b == 0x25 {
                guard i + 2 < utf8.count, let hi = HTTPChars.hexValue(utf8[i + 1]), let lo = HTTPChars.hexValue(utf8[i + 2])
                else { throw .invalidPercentEncoding }
                let value = UInt8(hi << 4 | lo)
                if value == 0 { throw .nulByte }
                out.append(value)
                i += 3
            } else {
                if b == 0 { throw .nulByte }
                out.append(b)
                i += 1
            }
        }
        guard let string = String(validating: out, as: UTF8.self) else { throw .invalidUTF8 }
        return string
    }

    /// RFC 3986 §5.2.4 for an absolute path: `.` segments vanish, `..` removes the previous one and
    /// can never go above `/`. A trailing `.`/`..` leaves a trailing slash, as the RFC's algorithm does.
    static func removeDotSegments(_ path: String) -> String {
        guard path.hasPrefix("/") else { return path }
        var output: [Substring] = []
        let segments = path.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var trailingSlash = false
        for (index, segment) in segments.enumerated() {
            let isLast = index == segments.count - 1
            switch segment {
            case ".":
                trailingSlash = isLast
            case "..":
                if !output.isEmpty { output.removeLast() }
                trailingSlash = isLast
            default:
                output.append(segment)
                trailingSlash = false
            }
        }
        var result = "/" + output.joined(separator: "/")
        if trailingSlash && !result.hasSuffix("/") { result += "/" }
        return result
    }
}
