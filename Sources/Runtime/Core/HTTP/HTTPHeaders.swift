/// Header fields in the order received or to be sent, with case-insensitive lookup.
///
/// An ordered list, not a dictionary: order matters for repeated fields (RFC 9110 §5.3) and output
/// must be deterministic.
///
/// Storage: ONE byte buffer, a table of one 12-byte entry per field (`Span`) followed by every
/// field as its wire line `name: value CRLF`. Why not an array of `(name: String, value: String)`:
/// every String over 15 bytes is a heap object of its own (User-Agent, Accept, Cookie, Date…
/// values), two per field to build and release, and the proxy read them back only to copy their
/// bytes out again; `perf` put those Strings and their retain/release at a large part of a proxied
/// request's CPU (issues 10, 11). Here a parsed head is one allocation (one reference to retain
/// when copied, as the old array was), and a kept field is relayed with one copy of its line.
///
/// The bytes stored are exactly the UTF-8 of the String the old representation held: a parsed
/// value with obs-text that is not valid UTF-8 is stored repaired (U+FFFD), as
/// `String(decoding:as:)` did, so nothing changes on the wire.
package struct HTTPHeaders: Sendable, Equatable {
    /// One field's line: it starts `start` bytes into the lines (after the table), the name is
    /// `nameCount` bytes, the value follows the name's `": "` and is `valueCount` bytes, then CRLF.
    struct Span: Sendable {
        var start: UInt32
        var nameCount: UInt32
        var valueCount: UInt32

        /// Bytes per table entry.
        static let size = 12

        var nameRange: Range<Int> { Int(start)..<(Int(start) + Int(nameCount)) }
        var valueRange: Range<Int> {
            let lower = Int(start) + Int(nameCount) + 2
            return lower..<(lower + Int(valueCount))
        }
        var lineRange: Range<Int> { Int(start)..<(Int(start) + Int(nameCount) + Int(valueCount) + 4) }
        var lineCount: Int { Int(nameCount) + Int(valueCount) + 4 }

        init(start: UInt32, nameCount: UInt32, valueCount: UInt32) {
            self.start = start
            self.nameCount = nameCount
            self.valueCount = valueCount
        }

        /// Entry `index` of the table at the start of `raw` (unaligned loads: entries are packed).
        init(_ raw: UnsafeRawPointer, _ index: Int) {
            let offset = index * Self.size
            start = raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
            nameCount = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            valueCount = raw.loadUnaligned(fromByteOffset: offset + 8, as: UInt32.self)
        }

        func store(_ raw: UnsafeMutableRawPointer, _ index: Int) {
            let offset = index * Self.size
            raw.storeBytes(of: start, toByteOffset: offset, as: UInt32.self)
            raw.storeBytes(of: nameCount, toByteOffset: offset + 4, as: UInt32.self)
            raw.storeBytes(of: valueCount, toByteOffset: offset + 8, as: UInt32.self)
        }
    }

    /// The table (`count` entries), then the lines.
    private(set) var storage: [UInt8] = []
    package private(set) var count = 0

    private var tableBytes: Int { count * Span.size }

    /// The bytes of every field line (`name: value CRLF`): what copying them all out takes.
    package var lineBytes: Int { storage.count - tableBytes }

    package init(_ fields: [(name: String, value: String)] = []) {
        var table: [Span] = [], lines: [UInt8] = []
        for field in fields {
            var name = field.name, value = field.value
            name.withUTF8 { name in value.withUTF8 { Self.appendLine(name: name, value: $0, table: &table, lines: &lines) } }
        }
        self = HTTPHeaders(table: table, lines: lines)
    }

    /// The table and lines joined (the slow paths build them apart first).
    private init(table: [Span], lines: [UInt8]) {
        guard !table.isEmpty else { return }
        precondition(lines.count <= Int(UInt32.max), "header fields past 4 GiB")
        let tableBytes = table.count * Span.size
        storage = [UInt8](unsafeUninitializedCapacity: tableBytes + lines.count) { out, initialized in
            let raw = UnsafeMutableRawPointer(out.baseAddress!)
            for (index, span) in table.enumerated() { span.store(raw, index) }
            lines.withUnsafeBufferPointer { (out.baseAddress! + tableBytes).initialize(from: $0.baseAddress!, count: $0.count) }
            initialized = tableBytes + lines.count
        }
        count = table.count
    }

    /// The received field lines at `lines` in `buffer` (CRLF excluded), each checked by `check`
    /// (`HTTPFieldSyntax.parseFieldLine` mapped to the parser's error), then copied straight into
    /// the one buffer: no append per piece, no second allocation.
    init<E: Error>(
        parsing lines: ArraySlice<Range<Int>>, in buffer: UnsafeBufferPointer<UInt8>,
        check: (UnsafeBufferPointer<UInt8>) throws(E) -> HTTPFieldSyntax.FieldLine
    ) throws(E) {
        guard let first = lines.first, let last = lines.last, let base = buffer.baseAddress else { return }
        let fieldCount = lines.count
        let tableBytes = fieldCount * Span.size
        // A stored line (`name: value CRLF`) is at most its received line + 3 bytes, and the
        // received lines are at most the span from the first to the last.
        let capacity = tableBytes + (last.upperBound - first.lowerBound) + 3 * fieldCount + 2
        var failure: E?
        var obsText = false
        let built = [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
            let raw = UnsafeMutableRawPointer(out.baseAddress!)
            // First pass: check every line; each entry's `start` holds its value's offset in
            // `buffer` for now (the name starts its line).
            for (index, line) in lines.enumerated() {
                let field: HTTPFieldSyntax.FieldLine
                do throws(E) {
                    field = try check(UnsafeBufferPointer(rebasing: buffer[line]))
                } catch {
                    failure = error
                    return
                }
                guard field.valueIsASCII else {
                    obsText = true
                    return
                }
                let valueOffset = field.value.baseAddress.map { base.distance(to: $0) } ?? line.upperBound
                Span(start: UInt32(valueOffset), nameCount: UInt32(field.name.count), valueCount: UInt32(field.value.count))
                    .store(raw, index)
            }
            // Second pass: the lines after the table.
            var at = tableBytes
            for (index, line) in lines.enumerated() {
                var span = Span(raw, index)
                let valueSource = base + Int(span.start)
                span.start = UInt32(at - tableBytes)
                span.store(raw, index)
                let target = out.baseAddress! + at
                target.initialize(from: base + line.lowerBound, count: Int(span.nameCount))
                var next = target + Int(span.nameCount)
                next[0] = 0x3A
                next[1] = 0x20
                next += 2
                next.initialize(from: valueSource, count: Int(span.valueCount))
                next += Int(span.valueCount)
                next[0] = 0x0D
                next[1] = 0x0A
                at += span.lineCount
            }
            initialized = at
        }
        if let failure { throw failure }
        guard !obsText else {
            // obs-text somewhere (rare): a repaired value can be longer, so the lines are built
            // apart first.
            var table: [Span] = [], stored: [UInt8] = []
            for line in lines {
                let field = try check(UnsafeBufferPointer(rebasing: buffer[line]))
                if field.valueIsASCII {
                    Self.appendLine(name: field.name, value: field.value, table: &table, lines: &stored)
                } else {
                    var repaired = String(decoding: field.value, as: UTF8.self)
                    repaired.withUTF8 { Self.appendLine(name: field.name, value: $0, table: &table, lines: &stored) }
                }
            }
            self = HTTPHeaders(table: table, lines: stored)
            return
        }
        storage = built
        count = fieldCount
    }

    /// Appends a field (a handler's: a few per response). Its table entry goes in before the
    /// lines, which move up by one entry.
    package mutating func add(_ name: String, _ value: String) {
        var table: [Span] = [], line: [UInt8] = []
        var name = name, value = value
        name.withUTF8 { name in value.withUTF8 { Self.appendLine(name: name, value: $0, table: &table, lines: &line) } }
        precondition(lineBytes + line.count <= Int(UInt32.max), "header fields past 4 GiB")
        var entry = [UInt8](repeating: 0, count: Span.size)
        entry.withUnsafeMutableBytes { Span(start: UInt32(lineBytes), nameCount: table[0].nameCount, valueCount: table[0].valueCount).store($0.baseAddress!, 0) }
        storage.insert(contentsOf: entry, at: tableBytes)
        storage.append(contentsOf: line)
        count += 1
    }

    private static func appendLine(
        name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>, table: inout [Span], lines: inout [UInt8]
    ) {
        precondition(lines.count + name.count + value.count + 4 <= Int(UInt32.max), "header fields past 4 GiB")
        table.append(Span(start: UInt32(lines.count), nameCount: UInt32(name.count), valueCount: UInt32(value.count)))
        lines.append(contentsOf: name)
        lines.append(0x3A)
        lines.append(0x20)
        lines.append(contentsOf: value)
        lines.append(0x0D)
        lines.append(0x0A)
    }

    /// Every field as a pair of Strings: for the few cold callers (WebSocket handshake, tests).
    package var fields: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        out.reserveCapacity(count)
        forEachField { out.append($0.strings) }
        return out
    }

    /// Each field's bytes in order, valid only during `body`.
    package func forEachField(_ body: (HTTPFieldBytes) throws -> Void) rethrows {
        try withTable { table, lines in
            for index in 0..<count { try body(HTTPFieldBytes(lines, Span(table, index))) }
        }
    }

    /// Field `index`'s bytes (0 ≤ index < count), valid only during `body`.
    func withField<R>(_ index: Int, _ body: (HTTPFieldBytes) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < count, "field index out of range")
        return try withTable { table, lines in try body(HTTPFieldBytes(lines, Span(table, index))) }
    }

    /// The index of the first field `matches` accepts.
    func firstIndex(where matches: (HTTPFieldBytes) -> Bool) -> Int? {
        withTable { table, lines in (0..<count).first { matches(HTTPFieldBytes(lines, Span(table, $0))) } }
    }

    /// The table's start and the lines, valid during `body` (nothing to read when empty).
    private func withTable<R>(_ body: (UnsafeRawPointer, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer { bytes in
            guard let base = bytes.baseAddress else {
                return try body(UnsafeRawPointer(bitPattern: 1)!, UnsafeBufferPointer(start: nil, count: 0))
            }
            return try body(UnsafeRawPointer(base), UnsafeBufferPointer(rebasing: bytes[tableBytes...]))
        }
    }

    /// Same fields in the same order with the same names and values (names compared exactly,
    /// values as Strings, i.e. canonically equivalent non-ASCII values are equal, as before).
    package static func == (a: HTTPHeaders, b: HTTPHeaders) -> Bool {
        guard a.count == b.count else { return false }
        // Same bytes: the same table (so the same split into names and values) and lines.
        if a.storage == b.storage { return true }
        return a.withTable { x, xLines in
            b.withTable { y, yLines in
                (0..<a.count).allSatisfy { index in
                    let s = HTTPFieldBytes(xLines, Span(x, index)), t = HTTPFieldBytes(yLines, Span(y, index))
                    return sameText(s.name, t.name) && sameText(s.value, t.value)
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

    /// Name and value as Strings: for the cold callers that keep a field (`fields`, the proxy's
    /// `build`/`filter`).
    package var strings: (name: String, value: String) {
        (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    init(_ storage: UnsafeBufferPointer<UInt8>, _ span: HTTPHeaders.Span) {
        line = UnsafeBufferPointer(rebasing: storage[span.lineRange])
        name = UnsafeBufferPointer(rebasing: storage[span.nameRange])
        value = UnsafeBufferPointer(rebasing: storage[span.valueRange])
    }
}
