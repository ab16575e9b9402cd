/// Renders diagnostics like a compiler: header, source line, caret under the column.
///
/// Tabs before the column are copied into the caret line so the caret stays aligned in any
/// terminal; marks past the end of the text (libyaml reports end-of-file problems one line
/// beyond the last) were already clamped when the diagnostic was made.
package struct DiagnosticRenderer: Sendable {
    private let source: String
    /// Number of lines, for clamping end-of-file marks.
    package let lineCount: Int
    /// The last line, for clamping end-of-file marks (the only line `length(ofLine:)` is asked
    /// about on every YAML event).
    private let lastLine: Substring
    /// At most this many errors and warnings are printed; the rest are counted.
    package static let displayLimit = 50

    /// Counts lines without building them: a renderer is made for every config load (twice),
    /// diagnostics or not, and splitting the text up front showed up in `serve`'s cold start.
    /// The lines themselves are split only to render (`lines(of:)`).
    package init(source: String) {
        self.source = source
        let utf8 = source.utf8
        // Byte offsets of the last two LFs, over contiguous storage when the string has it (a
        // native string always does), index by index otherwise.
        var breaks = 0
        var last: Int?
        var before: Int?
        func scan(_ bytes: some Collection<UInt8>) {
            for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
                breaks += 1
                before = last
                last = offset
            }
        }
        if utf8.withContiguousStorageIfAvailable({ scan($0) }) == nil { scan(utf8) }
        let lastBreak = last.map { utf8.index(utf8.startIndex, offsetBy: $0) }
        let breakBefore = before.map { utf8.index(utf8.startIndex, offsetBy: $0) }
        let tailStart = lastBreak.map { utf8.index(after: $0) } ?? utf8.startIndex
        let tail = Self.segment(source, tailStart, utf8.endIndex, strip: 1)
        if let lastBreak, tail.isEmpty {
            // A final newline ends the last line; it does not start another one.
            lineCount = breaks
            lastLine = Self.segment(
                source, breakBefore.map { utf8.index(after: $0) } ?? utf8.startIndex, lastBreak, strip: 2)
        } else {
            lineCount = breaks + 1
            lastLine = tail
        }
    }

    /// Source lines without their terminators. Split on LF bytes rather than Characters (the
    /// grapheme-breaking split was slow); same lines as a split on the `\n` and `\r\n`
    /// Characters with one trailing `\r` then dropped: CR and LF are control characters, so they
    /// never join a neighbour's grapheme.
    package static func lines(of source: String) -> [Substring] {
        let utf8 = source.utf8
        var found: [Substring] = []
        var start = utf8.startIndex
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                // "\r\n" is one separator Character, and the line before it loses one more "\r".
                found.append(segment(source, start, index, strip: 2))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        found.append(segment(source, start, utf8.endIndex, strip: 1))
        // A final newline ends the last line; it does not start another one.
        if found.count > 1, found.last?.isEmpty == true { found.removeLast() }
        return found
    }

    /// `source[start..<end]` with at most `strip` CRs taken off its end.
    private static func segment(_ source: String, _ start: String.Index, _ end: String.Index, strip: Int) -> Substring {
        let utf8 = source.utf8
        var end = end
        for _ in 0..<strip where end > start && utf8[utf8.index(before: end)] == UInt8(ascii: "\r") {
            end = utf8.index(before: end)
        }
        return source[start..<end]
    }

    /// The full text of `diagnostics` (already sorted), capped at `displayLimit`.
    package func render(_ diagnostics: [Diagnostic]) -> String {
        guard !diagnostics.isEmpty else { return "" }
        let lines = Self.lines(of: source)
        var out = ""
        for diagnostic in diagnostics.prefix(Self.displayLimit) {
            out += Self.render(one: diagnostic, lines: lines)
        }
        if diagnostics.count > Self.displayLimit {
            out += "\(diagnostics.count - Self.displayLimit) more not shown\n"
        }
        return out
    }

    /// One diagnostic followed by its notes, each with its snippet.
    package func render(one diagnostic: Diagnostic) -> String {
        Self.render(one: diagnostic, lines: Self.lines(of: source))
    }

    private static func render(one diagnostic: Diagnostic, lines: [Substring]) -> String {
        var out = diagnostic.header + "\n" + snippet(line: diagnostic.line, column: diagnostic.column, lines: lines)
        for note in diagnostic.notes {
            out += note.header + "\n" + snippet(line: note.line, column: note.column, lines: lines)
        }
        return out
    }

    /// The source line and a caret line, or nothing when the line does not exist.
    private static func snippet(line: Int, column: Int, lines: [Substring]) -> String {
        guard line >= 1, line <= lines.count else { return "" }
        let text = lines[line - 1]
        var marker = ""
        for (index, scalar) in text.unicodeScalars.enumerated() where index < column - 1 {
            marker.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
        }
        let have = marker.unicodeScalars.count
        if have < column - 1 { marker += String(repeating: " ", count: column - 1 - have) }
        return String(text) + "\n" + marker + "^\n"
    }

    /// Length (in scalars) of a 1-based line; 0 when out of range.
    package func length(ofLine line: Int) -> Int {
        guard line >= 1, line <= lineCount else { return 0 }
        if line == lineCount { return lastLine.unicodeScalars.count }
        return Self.lines(of: source)[line - 1].unicodeScalars.count
    }
}
