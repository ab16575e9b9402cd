/// ASCII case-insensitive comparisons: header names and tokens are ASCII (RFC 9110 §5.1).

extension String {
    /// The concrete `String` overload is what nearly every caller gets (a header name against a
    /// literal). Why it exists beside the generic one: a generic called from another module runs
    /// unspecialized and looks its metadata up on every call; `perf` on the proxy path showed that
    /// lookup at ~3 % of a proxied request (response header filtering calls this per header).
    package func asciiCaseInsensitiveEquals(_ other: String) -> Bool {
        asciiCaseInsensitiveViewsEqual(utf8, other.utf8)
    }
}

extension StringProtocol {
    /// ASCII-only case-insensitive comparison for substrings and other string views.
    package func asciiCaseInsensitiveEquals(_ other: some StringProtocol) -> Bool {
        asciiCaseInsensitiveViewsEqual(utf8, other.utf8)
    }

    /// Drops optional whitespace (SP, HTAB) at both ends (RFC 9110 §5.6.3).
    package func trimmingOWS() -> String {
        var bytes = Substring(self).utf8[...]
        while let first = bytes.first, first == 0x20 || first == 0x09 { bytes = bytes.dropFirst() }
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes = bytes.dropLast() }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// These bytes (a field name from `HTTPHeaders.forEachField`) against `other`, e.g. a literal.
    package func asciiCaseInsensitiveEquals(_ other: String) -> Bool {
        guard count == other.utf8.count else { return false }
        if let result = other.utf8.withContiguousStorageIfAvailable({ asciiCaseInsensitiveBytesEqual(self, $0) }) {
            return result
        }
        return asciiCaseInsensitiveViewsEqual(self, other.utf8)
    }

    /// `hasPrefix` with `prefix` given in lower case (e.g. `proxy-`). Indexes both buffers: the
    /// `zip` of a buffer and a String's UTF-8 view was ~1.5 % of a proxied request (`perf`; it runs
    /// for every field both ways).
    package func hasASCIIPrefix(_ prefix: String) -> Bool {
        let length = prefix.utf8.count
        guard count >= length else { return false }
        let head = UnsafeBufferPointer(rebasing: self[0..<length])
        if let result = prefix.utf8.withContiguousStorageIfAvailable({ wanted in
            for i in 0..<length where asciiLower(head[i]) != wanted[i] { return false }
            return true
        }) {
            return result
        }
        return zip(head, prefix.utf8).allSatisfy { asciiLower($0) == $1 }
    }
}

/// Both String overloads' body; each call site in this module gets it specialized.
private func asciiCaseInsensitiveViewsEqual<A: Collection<UInt8>, B: Collection<UInt8>>(_ a: A, _ b: B) -> Bool {
    guard a.count == b.count else { return false }
    // Native strings: compare the contiguous bytes (the element-wise loop costs several times more).
    let fast = a.withContiguousStorageIfAvailable { x in
        b.withContiguousStorageIfAvailable { y in asciiCaseInsensitiveBytesEqual(x, y) }
    }
    if let fast, let result = fast { return result }
    for (x, y) in zip(a, b) where x != y && asciiLower(x) != asciiLower(y) { return false }
    return true
}

/// Byte buffers, equal when of the same length and ASCII letters are folded to lower case.
func asciiCaseInsensitiveBytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    guard a.count == b.count else { return false }
    for i in 0..<a.count where a[i] != b[i] {
        if asciiLower(a[i]) != asciiLower(b[i]) { return false }
    }
    return true
}

@inline(__always) private func asciiLower(_ byte: UInt8) -> UInt8 { (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte }
