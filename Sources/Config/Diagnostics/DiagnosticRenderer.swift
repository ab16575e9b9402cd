/// Renders diagnostics like a compiler: header, source line, caret under the column.
///
/// Tabs before the column are copied into the caret line so the caret stays aligned in any
/// terminal; marks past the end of the text (libyaml reports end-of-file problems one line
/// beyond the last) were already clamped when the diagnostic was made.
package struct DiagnosticRenderer: Sendable {
    /// Source lines without their terminators.
    private var lines: [Substring]
    /// At most this many errors and warnings are printed; the rest are counted.
    package static let displayLimit = 50

    /// Splits on LF bytes rather than Characters: the grapheme-breaking split was a visible part
    /// of every `serve` cold start (the renderer is built for each config load, diagnostics or
    /// not). Same lines as a split on the `\n` and `\r\n` Characters with one trailing `\r` then
    /// dropped: CR and LF are control characters, so they never join a neighbour's grapheme.
    package init(source: String) {
        let utf8 = source.utf8
        let cr = UInt8(ascii: "\r")
        var found: [Substring] = []
        var start = utf8.startIndex
        /// `start..<end` as a line; `strip` CRs come off its end first (at most that many).
        func add(_ end: String.Index, strip: Int) {
            var end = end
            for _ in 0..<strip where end > start && utf8[utf8.index(before: end)] == cr {
                end = utf8.index(before: end)
            }
            found.append(source[start..<end])
        }
        var index = start
        while index < utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                // "\r\n" is one separator Character, and the line before it loses one more "\r".
                add(index, strip: 2)
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        add(utf8.endIndex, strip: 1)
        lines = found
        // A final newline ends the last line; it does not start another one.
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
    }

    /// The full text of `diagnostics` (already sorted), capped at `displayLimit`.
    package func render(_ diagnostics: [Diagnostic]) -> String {
        var out = ""
        for diagnostic in diagnostics.prefix(Self.displayLimit) {
            out += render(one: diagnostic)
        }
        if diagnostics.count > Self.displayLimit {
            out += "\(diagnostics.count - Self.displayLimit) more not shown\n"
        }
        return out
    }

    /// One diagnostic followed by its notes, each with its snippet.
    package func render(one diagnostic: Diagnostic) -> String {
        var out = diagnostic.header + "\n" + snippet(line: diagnostic.line, column: diagnostic.column)
        for note in diagnostic.notes {
            out += note.header + "\n" + snippet(line: note.line, column: note.column)
        }
        return out
    }

    /// The source line and a caret line, or nothing when the line does not exist.
    private func snippet(line: Int, column: Int) -> String {
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

    /// Number of lines, for clamping end-of-file marks.
    package var lineCount: Int { lines.count }

    /// Length (in scalars) of a 1-based line; 0 when out of range.
    package func length(ofLine line: Int) -> Int {
        guard line >= 1, line <= lines.count else { return 0 }
        return lines[line - 1].unicodeScalars.count
    }
}
