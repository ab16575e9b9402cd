/// A 1-based position in the config text (libyaml's 0-based marks plus one).
package struct SourceMark: Sendable, Equatable, Hashable, Comparable {
    package var line: Int
    package var column: Int

    /// The start of the file: where diagnostics about a missing top-level key point.
    package static let start = SourceMark(line: 1, column: 1)

    package static func < (a: SourceMark, b: SourceMark) -> Bool {
        (a.line, a.column) < (b.line, b.column)
    }
}
