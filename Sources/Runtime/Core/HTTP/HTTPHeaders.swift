/// Header fields in the order received or to be sent, with case-insensitive lookup.
///
/// An ordered array of pairs, not a dictionary: order matters for repeated fields (RFC 9110 §5.3)
/// and output must be deterministic.
package struct HTTPHeaders: Sendable, Equatable {
    package private(set) var fields: [(name: String, value: String)]

    package init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    package static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        a.fields.count == b.fields.count && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    package mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    package var count: Int { fields.count }

    /// The first value of `name` (ASCII case-insensitive), or nil.
    package subscript(name: String) -> String? {
        for field in fields where field.name.asciiCaseInsensitiveEquals(name) { return field.value }
        return nil
    }

    /// Every value of `name`, in order.
    package func values(_ name: String) -> [String] {
        fields.filter { $0.name.asciiCaseInsensitiveEquals(name) }.map(\.value)
    }

    /// The comma-separated list elements of every `name` field, trimmed, empty elements dropped
    /// (RFC 9110 §5.6.1).
    package func listElements(_ name: String) -> [String] {
        var out: [String] = []
        for value in values(name) {
            for part in value.split(separator: ",", omittingEmptySubsequences: true) {
                let trimmed = part.trimmingOWS()
                if !trimmed.isEmpty { out.append(trimmed) }
            }
        }
        return out
    }

    /// True when a list-valued field contains `token` (case-insensitive), e.g. `Connection: close`.
    package func containsToken(_ name: String, _ token: String) -> Bool {
        listElements(name).contains { $0.asciiCaseInsensitiveEquals(token) }
    }
}

extension String {
    /// ASCII-only case-insensitive comparison: header names and tokens are ASCII (RFC 9110 §5.1).
    ///
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

/// Both overloads' body; private to this file, so each call site gets it specialized.
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

/// Equal-length byte buffers, equal when ASCII letters are folded to lower case.
private func asciiCaseInsensitiveBytesEqual(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
    for i in 0..<a.count where a[i] != b[i] {
        if asciiLower(a[i]) != asciiLower(b[i]) { return false }
    }
    return true
}

@inline(__always) private func asciiLower(_ byte: UInt8) -> UInt8 { (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte }
