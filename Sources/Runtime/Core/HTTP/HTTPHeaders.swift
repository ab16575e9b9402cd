/// Header fields in the order received or to be sent, with case-insensitive lookup.
///
/// An ordered list, not a dictionary: order matters for repeated fields (RFC 9110 §5.3) and output
/// must be deterministic.
///
/// Storage: every field as its wire line `name: value CRLF` in ONE byte buffer, plus one small
/// span per field. Why not an array of `(name: String, value: String)`: every String over 15 bytes
/// is a heap object of its own (User-Agent, Accept, Cookie, Date… values), two per field to build
/// and release, and the proxy read them back only to copy their bytes out again; `perf` put those
/// Strings and their retain/release at a large part of a proxied request's CPU (issues 10, 11).
/// Here a parsed head costs two allocations, and a kept field is relayed with one copy of its line.
///
/// The bytes stored are exactly the UTF-8 of the String the old representation held: a parsed
/// value with obs-text that is not valid UTF-8 is stored repaired (U+FFFD), as
/// `String(decoding:as:)` did, so nothing changes on the wire.
package struct HTTPHeaders: Sendable, Equatable {
    /// One field inside `storage`: the line starts at `start`, the name is `nameCount` bytes, the
    /// value follows the name's `": "` and is `valueCount` bytes, then CRLF.
    struct Span: Sendable {
        var start: UInt32
        var nameCount: UInt32
        var valueCount: UInt32

        var nameRange: Range<Int> { Int(start)..<(Int(start) + Int(nameCount)) }
        var valueRange: Range<Int> {
            let lower = Int(start) + Int(nameCount) + 2
            return lower..<(lower + Int(valueCount))
        }
        var lineRange: Range<Int> { Int(start)..<(Int(start) + Int(nameCount) + Int(valueCount) + 4) }
    }

    private(set) var storage: [UInt8] = []
    private(set) var spans: [Span] = []

    package init(_ fields: [(name: String, value: String)] = []) {
        for field in fields { add(field.name, field.value) }
    }

    /// The received field lines at `lines` in `buffer` (CRLF excluded), each checked by `check`
    /// (`HTTPFieldSyntax.parseFieldLine` mapped to the parser's error), then copied in one pass
    /// into a buffer of exactly their size: one allocation per array, no append per piece.
    init<E: Error>(
        parsing lines: ArraySlice<Range<Int>>, in buffer: UnsafeBufferPointer<UInt8>,
        check: (UnsafeBufferPointer<UInt8>) throws(E) -> HTTPFieldSyntax.FieldLine
    ) throws(E) {
        guard !lines.isEmpty, let base = buffer.baseAddress else { return }
        // First pass: check every line; each span's `start` holds its value's offset in `buffer`
        // for now (the name starts its line).
        var spans: [Span] = []
        spans.reserveCapacity(lines.count)
        var total = 0
        var allASCII = true
        for line in lines {
            let field = try check(UnsafeBufferPointer(rebasing: buffer[line]))
            allASCII = allASCII && field.valueIsASCII
            let valueOffset = field.value.baseAddress.map { base.distance(to: $0) } ?? line.upperBound
            spans.append(Span(start: UInt32(valueOffset), nameCount: UInt32(field.name.count), valueCount: UInt32(field.value.count)))
            total += field.name.count + field.value.count + 4
        }
        guard allASCII else {
            // obs-text somewhere (rare): repaired values can be longer, so append field by field.
            for line in lines {
                let field = try check(UnsafeBufferPointer(rebasing: buffer[line]))
                appendParsed(name: field.name, value: field.value, valueIsASCII: field.valueIsASCII)
            }
            return
        }
        precondition(total <= Int(UInt32.max), "header fields past 4 GiB")
        storage = [UInt8](unsafeUninitializedCapacity: total) { out, initialized in
            guard var at = out.baseAddress else { return }
            for (index, line) in zip(spans.indices, lines) {
                let span = spans[index]
                spans[index].start = UInt32(out.baseAddress!.distance(to: at))
                at.initialize(from: base + line.lowerBound, count: Int(span.nameCount))
                at += Int(span.nameCount)
                at[0] = 0x3A
                at[1] = 0x20
                at += 2
                at.initialize(from: base + Int(span.start), count: Int(span.valueCount))
                at += Int(span.valueCount)
                at[0] = 0x0D
                at[1] = 0x0A
                at += 2
            }
            initialized = total
        }
        self.spans = spans
    }

    package mutating func add(_ name: String, _ value: String) {
        var name = name, value = value
        name.withUTF8 { name in value.withUTF8 { value in appendLine(name: name, value: value) } }
    }

    /// A parsed field (name and value already checked by `HTTPFieldSyntax`). `valueIsASCII`: no
    /// byte ≥ 0x80 in the value (nearly always); otherwise the value is stored as its UTF-8 repair.
    private mutating func appendParsed(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, valueIsASCII: Bool) {
        if valueIsASCII { return appendLine(name: name, value: value) }
        var repaired = String(decoding: value, as: UTF8.self)
        repaired.withUTF8 { appendLine(name: name, value: $0) }
    }

    private mutating func appendLine(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) {
        precondition(storage.count + name.count + value.count + 4 <= Int(UInt32.max), "header fields past 4 GiB")
        spans.append(Span(start: UInt32(storage.count), nameCount: UInt32(name.count), valueCount: UInt32(value.count)))
        storage.append(contentsOf: name)
        storage.append(0x3A)
        storage.append(0x20)
        storage.append(contentsOf: value)
        storage.append(0x0D)
        storage.append(0x0A)
    }

    package var count: Int { spans.count }

    /// The bytes of every field line (`name: value CRLF`): what copying them all out takes.
    package var lineBytes: Int { storage.count }

    /// Every field as a pair of Strings: for the few cold callers (WebSocket handshake, tests).
    package var fields: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(count)
        forEachField { out.append((String(decoding: $0.name, as: UTF8.self), String(decoding: $0.value, as: UTF8.self))) }
        return out
    }

    /// Each field's bytes in order, valid only during `body`.
    package func forEachField(_ body: (HTTPFieldBytes) throws -> Void) rethrows {
        try storage.withUnsafeBufferPointer { bytes in
            for span in spans { try body(HTTPFieldBytes(bytes, span)) }
        }
    }

    /// Field `index`'s bytes (0 ≤ index < count), valid only during `body`.
    func withField<R>(_ index: Int, _ body: (HTTPFieldBytes) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { try body(HTTPFieldBytes($0, spans[index])) }
    }

    /// Same fields in the same order with the same names and values (names compared exactly,
    /// values as Strings, i.e. canonically equivalent non-ASCII values are equal, as before).
    package static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        guard a.count == b.count else { return false }
        // Same bytes and the same split into names and values (a handler's name may hold ": ").
        if a.storage == b.storage && zip(a.spans, b.spans).allSatisfy({ $0.nameCount == $1.nameCount }) { return true }
        return a.storage.withUnsafeBufferPointer { x in
            b.storage.withUnsafeBufferPointer { y in
                zip(a.spans, b.spans).allSatisfy { s, t in
                    sameText(HTTPFieldBytes(x, s).name, HTTPFieldBytes(y, t).name)
                        && sameText(HTTPFieldBytes(x, s).value, HTTPFieldBytes(y, t).value)
                }
            }
        }
    }

    /// Byte-equal, or equal as Strings (only non-ASCII text can be one without the other).
    private static func sameText(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if a.elementsEqual(b) { return true }
        guard a.contains(where: { $0 >= 0x80 }) || b.contains(where: { $0 >= 0x80 }) else { return false }
        return String(decoding: a, as: UTF8.self) == String(decoding: b, as: UTF8.self)
    }
}

/// One field of an `HTTPHeaders`, as views into its storage, valid only inside the closure that
/// received it.
package struct HTTPFieldBytes {
    /// `name: value CRLF`. A parsed field's line is ready for the wire (the parsers rejected CR, LF
    /// and NUL); one added by a handler may hold them, so a writer of those cleans name and value.
    package let line: UnsafeBufferPointer<UInt8>
    package let name: UnsafeBufferPointer<UInt8>
    package let value: UnsafeBufferPointer<UInt8>

    init(_ storage: UnsafeBufferPointer<UInt8>, _ span: HTTPHeaders.Span) {
        line = UnsafeBufferPointer(rebasing: storage[span.lineRange])
        name = UnsafeBufferPointer(rebasing: storage[span.nameRange])
        value = UnsafeBufferPointer(rebasing: storage[span.valueRange])
    }
}
