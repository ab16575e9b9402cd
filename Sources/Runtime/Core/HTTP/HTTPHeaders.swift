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
        var out: [String] = []
        for field in fields where field.name.asciiCaseInsensitiveEquals(name) { out.append(field.value) }
        return out
    }

    /// The comma-separated list elements of every `name` field, trimmed, empty elements dropped
    /// (RFC 9110 §5.6.1).
    package func listElements(_ name: String) -> [String] {
        var out: [String] = []
        for field in fields where field.name.asciiCaseInsensitiveEquals(name) {
            forEachListElement(field.value) { out.append(String(decoding: $0, as: UTF8.self)) }
        }
        return out
    }

    /// The lengths of the list elements of every `name` field, as a bit set (bit `n` for an
    /// element of `n` bytes; bit 63 for 63 bytes or more). Nothing is allocated.
    ///
    /// Why: a proxy drops every response field the upstream's `Connection` names; asking
    /// `containsToken` for each field was a scan of the list per field. Only a field whose name
    /// length is in this set can be named, so the scan runs for almost none.
    package func listElementLengths(_ name: String) -> UInt64 {
        var lengths: UInt64 = 0
        for field in fields where field.name.asciiCaseInsensitiveEquals(name) {
            forEachListElement(field.value) { lengths |= HTTPHeaders.lengthBit($0.count) }
        }
        return lengths
    }

    /// The bit of `listElementLengths` for a name of `count` bytes.
    package static func lengthBit(_ count: Int) -> UInt64 { 1 << UInt64(min(count, 63)) }

    /// True when a list-valued field contains `token` (case-insensitive), e.g. `Connection: close`.
    /// Called for every upstream response that has a `Connection` field: nothing is allocated.
    package func containsToken(_ name: String, _ token: String) -> Bool {
        var token = token
        return token.withUTF8 { wanted in
            var found = false
            for field in fields where !found && field.name.asciiCaseInsensitiveEquals(name) {
                forEachListElement(field.value) { element in
                    if !found && element.count == wanted.count && asciiCaseInsensitiveBytesEqual(element, wanted) { found = true }
                }
            }
            return found
        }
    }

    /// The trimmed, non-empty elements of one list value, as bytes valid during `body`. An
    /// all-ASCII value (nearly every one) is split on its bytes, which is the same split as on
    /// Characters when every Character is one byte; any other value is split on Characters.
    private func forEachListElement(_ value: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let handled = value.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return false }
            var start = 0
            while start < bytes.count {
                var stop = start
                while stop < bytes.count && bytes[stop] != 0x2C { stop += 1 }
                var lower = start, upper = stop
                while lower < upper && (bytes[lower] == 0x20 || bytes[lower] == 0x09) { lower += 1 }
                while upper > lower && (bytes[upper - 1] == 0x20 || bytes[upper - 1] == 0x09) { upper -= 1 }
                if lower < upper { body(UnsafeBufferPointer(rebasing: bytes[lower..<upper])) }
                start = stop + 1
            }
            return true
        }
        if handled == true { return }
        for part in value.split(separator: ",", omittingEmptySubsequences: true) {
            var trimmed = part.trimmingOWS()
            if !trimmed.isEmpty { trimmed.withUTF8 { body($0) } }
        }
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
