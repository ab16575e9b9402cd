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

    package init(source: String) {
        lines = source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
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
