/// Lookups by name (ASCII case-insensitive, RFC 9110 §5.1), read from the field bytes in place:
/// only the String answers (`subscript`, `values`, `listElements`) build Strings.
extension HTTPHeaders {
    /// The first value of `name`, or nil.
    package subscript(name: String) -> String? {
        guard let index = firstIndex(name) else { return nil }
        return withField(index) { String(decoding: $0.value, as: UTF8.self) }
    }

    /// True when a field named `name` is present (no String is built).
    package func contains(_ name: String) -> Bool { firstIndex(name) != nil }

    /// The first value of `name` as bytes, valid during `body`; nil passed when there is none.
    package func withFirstValueBytes<R>(_ name: String, _ body: (UnsafeBufferPointer<UInt8>?) throws -> R) rethrows -> R {
        guard let index = firstIndex(name) else { return try body(nil) }
        return try withField(index) { try body($0.value) }
    }

    /// Every value of `name`, in order.
    package func values(_ name: String) -> [String] {
        var out: [String] = []
        forEachValue(name) { out.append(String(decoding: $0, as: UTF8.self)) }
        return out
    }

    /// The comma-separated list elements of every `name` field, trimmed, empty elements dropped
    /// (RFC 9110 §5.6.1).
    package func listElements(_ name: String) -> [String] {
        var out: [String] = []
        forEachValue(name) { value in
            forEachListElement(value) { out.append(String(decoding: $0, as: UTF8.self)) }
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
        forEachValue(name) { value in
            forEachListElement(value) { lengths |= HTTPHeaders.lengthBit($0.count) }
        }
        return lengths
    }

    /// The bit of `listElementLengths` for a name of `count` bytes.
    package static func lengthBit(_ count: Int) -> UInt64 { 1 << UInt64(min(count, 63)) }

    /// True when a list-valued field contains `token` (case-insensitive), e.g. `Connection: close`.
    /// Called for every upstream response that has a `Connection` field: nothing is allocated.
    package func containsToken(_ name: String, _ token: String) -> Bool {
        var token = token
        return token.withUTF8 { containsToken(name, $0) }
    }

    /// `containsToken` for a token given as bytes (a field name, when checking `Connection`).
    package func containsToken(_ name: String, _ token: UnsafeBufferPointer<UInt8>) -> Bool {
        var found = false
        forEachValue(name) { value in
            guard !found else { return }
            forEachListElement(value) { element in
                if !found && asciiCaseInsensitiveBytesEqual(element, token) { found = true }
            }
        }
        return found
    }

    private func firstIndex(_ name: String) -> Int? {
        var name = name
        return name.withUTF8 { wanted in firstIndex { asciiCaseInsensitiveBytesEqual($0.name, wanted) } }
    }

    /// The value bytes of every `name` field, in order.
    private func forEachValue(_ name: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var name = name
        name.withUTF8 { wanted in
            forEachField { field in
                if asciiCaseInsensitiveBytesEqual(field.name, wanted) { body(field.value) }
            }
        }
    }

    /// The trimmed, non-empty elements of one list value, as bytes valid during `body`. An
    /// all-ASCII value (nearly every one) is split on its bytes, which is the same split as on
    /// Characters when every Character is one byte; any other value is split on Characters.
    private func forEachListElement(_ value: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard value.allSatisfy({ $0 < 0x80 }) else {
            for part in String(decoding: value, as: UTF8.self).split(separator: ",", omittingEmptySubsequences: true) {
                var trimmed = part.trimmingOWS()
                if !trimmed.isEmpty { trimmed.withUTF8 { body($0) } }
            }
            return
        }
        var start = 0
        while start < value.count {
            var stop = start
            while stop < value.count && value[stop] != 0x2C { stop += 1 }
            var lower = start, upper = stop
            while lower < upper && (value[lower] == 0x20 || value[lower] == 0x09) { lower += 1 }
            while upper > lower && (value[upper - 1] == 0x20 || value[upper - 1] == 0x09) { upper -= 1 }
            if lower < upper { body(UnsafeBufferPointer(rebasing: value[lower..<upper])) }
            start = stop + 1
        }
    }
}
